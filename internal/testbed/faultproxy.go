package testbed

import (
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// FaultProxy is a reverse proxy in front of a real server that injects the
// queued faults first-in first-out, one per request, and passes requests
// through once the queue is empty. It lets end-to-end tests prove retries and
// error messages against the real server's real answers. With SetRandom, a
// request the queue does not answer gets a fault by chance instead, to play a
// server under load (throttling a share of all requests).
type FaultProxy struct {
	URL string // e.g. http://127.0.0.1:41235

	srv       *http.Server
	proxy     *httputil.ReverseProxy
	transport *http.Transport
	done      chan struct{} // closed by Close; ends pending delays
	closeOnce sync.Once
	requests  atomic.Int64
	faulted   atomic.Int64

	mu    sync.Mutex
	queue []Fault
	// random faults (SetRandom): rnd is nil when off.
	rnd         *rand.Rand
	randomRate  float64
	randomFault Fault
}

// NewFaultProxy starts a proxy on a free loopback port that forwards to
// target (an http or https URL). The inbound Host header is forwarded as is,
// so request signatures computed for the proxy's address stay valid.
func NewFaultProxy(target string) (*FaultProxy, error) {
	u, err := url.Parse(target)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("fault proxy: target %q is not an http(s) URL", target)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("fault proxy: listen: %w", err)
	}
	p := &FaultProxy{
		URL:       "http://" + l.Addr().String(),
		transport: http.DefaultTransport.(*http.Transport).Clone(),
		done:      make(chan struct{}),
	}
	p.proxy = &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.SetURL(u)
			pr.Out.Host = pr.In.Host
		},
		Transport: p.transport,
		ErrorHandler: func(w http.ResponseWriter, _ *http.Request, err error) {
			http.Error(w, "fault proxy: upstream: "+err.Error(), http.StatusBadGateway)
		},
	}
	p.srv = &http.Server{Handler: http.HandlerFunc(p.serve), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = p.srv.Serve(l) }()
	return p, nil
}

// Close stops the proxy, drops its connections and ends pending delays.
func (p *FaultProxy) Close() {
	p.closeOnce.Do(func() {
		close(p.done)
		_ = p.srv.Close()
		p.transport.CloseIdleConnections()
	})
}

// Enqueue appends faults to the queue; each later request takes the first one.
func (p *FaultProxy) Enqueue(f ...Fault) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.queue = append(p.queue, f...)
}

// Requests returns how many requests the proxy has seen, faulted or passed.
func (p *FaultProxy) Requests() int {
	return int(p.requests.Load())
}

// SetRandom gives each later request that the queue does not answer the
// fault f with probability rate (0 to 1; 0 turns random faults off). The
// draws come from a PRNG seeded with seed, one per such request in arrival
// order, so the k-th request past the queue always gets the k-th draw: a
// sequential client sees the same faults on every run, and n requests get
// the same number of faults in any order. Calling it again starts a new
// sequence. It panics if rate is not within [0, 1].
func (p *FaultProxy) SetRandom(rate float64, f Fault, seed int64) {
	if !(rate >= 0 && rate <= 1) { // also catches NaN
		panic(fmt.Sprintf("fault proxy: random fault rate %v is not within [0, 1]", rate))
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if rate == 0 {
		p.rnd, p.randomRate, p.randomFault = nil, 0, Fault{}
		return
	}
	p.rnd = rand.New(rand.NewPCG(uint64(seed), 0x6661756c74)) //nolint:gosec // reproducible test faults, not security
	p.randomRate, p.randomFault = rate, f
}

// Faulted returns how many requests got a fault, queued or random, rather
// than passing through untouched (a queued zero Fault passes through).
func (p *FaultProxy) Faulted() int {
	return int(p.faulted.Load())
}

// next pops the first queued fault, or else draws a random one; the zero
// Fault when neither applies.
func (p *FaultProxy) next() Fault {
	f := p.pick()
	if !f.passesThrough() {
		p.faulted.Add(1)
	}
	return f
}

// pick is next without the counting.
func (p *FaultProxy) pick() Fault {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.queue) > 0 {
		f := p.queue[0]
		p.queue = p.queue[1:]
		return f
	}
	if p.rnd != nil && p.rnd.Float64() < p.randomRate {
		return p.randomFault
	}
	return Fault{}
}

// serve applies the next fault to r.
func (p *FaultProxy) serve(w http.ResponseWriter, r *http.Request) {
	p.requests.Add(1)
	f := p.next()
	if f.Delay > 0 {
		t := time.NewTimer(f.Delay)
		defer t.Stop()
		select {
		case <-t.C:
		case <-r.Context().Done(): // the client gave up: nothing to answer or forward
			panic(http.ErrAbortHandler)
		case <-p.done: // Close: drop the connection rather than answer an empty 200
			panic(http.ErrAbortHandler)
		}
	}
	switch {
	case f.Reset:
		resetConn(w)
	case f.Status != 0:
		writeFault(w, f)
	case f.Truncate:
		p.proxyTruncated(w, r)
	default:
		p.proxy.ServeHTTP(w, r)
	}
}

// writeFault answers f.Status with f's body and headers.
func writeFault(w http.ResponseWriter, f Fault) {
	h := w.Header()
	h.Set("Content-Type", f.contentType())
	for k, v := range f.Header {
		h.Set(k, v)
	}
	h.Set("Content-Length", strconv.Itoa(len(f.Body)))
	w.WriteHeader(f.Status)
	_, _ = io.WriteString(w, f.Body)
}

// resetConn closes the client connection without a response; SO_LINGER 0
// makes it a TCP RST ("connection reset by peer") rather than a clean FIN.
func resetConn(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler) // cannot hijack (HTTP/2): abort the stream instead
	}
	if tcp, ok := conn.(*net.TCPConn); ok {
		_ = tcp.SetLinger(0)
	}
	_ = conn.Close()
}
