package testbed

import (
	"fmt"
	"io"
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
// error messages against the real server's real answers.
type FaultProxy struct {
	URL string // e.g. http://127.0.0.1:41235

	srv       *http.Server
	proxy     *httputil.ReverseProxy
	transport *http.Transport
	done      chan struct{} // closed by Close; ends pending delays
	closeOnce sync.Once
	requests  atomic.Int64

	mu    sync.Mutex
	queue []Fault
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

// next pops the first queued fault; the zero Fault when the queue is empty.
func (p *FaultProxy) next() Fault {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.queue) == 0 {
		return Fault{}
	}
	f := p.queue[0]
	p.queue = p.queue[1:]
	return f
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
