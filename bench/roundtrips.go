package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"slices"
	"sync"
	"time"
)

// roundTrips is a pass-through proxy that records when each request
// arrived and when its answer came back, to count the round trips a run
// paid for: a request that arrives after an earlier one's answer may have
// waited for it, so it starts a round trip of its own. With a delay it
// also plays the network: each request waits that long (both ways' latency
// at once) before it is passed on, so the time between passing it on and
// the answer is the server's own.
type roundTrips struct {
	*httptest.Server
	delay     time.Duration
	name      string // what the spans call the server, "" for a lone recorder
	transport *http.Transport
	mu        sync.Mutex
	spans     []span
}

// span is one request's arrival, its passing on after the delay, the
// server's answer, and the request's path. A recorder that terminates TLS
// (newTLSRoundTrips) also records a span for each connection's set-up:
// the TCP handshake and the TLS handshake, each a round trip of its own.
type span struct {
	arrived, answered time.Time
	forwarded         time.Time // arrived + the delay, as the timer fired
	path              string
	proto             string // a request's protocol as received: HTTP/1.1, HTTP/2.0
	conn              string // the client's address: the spans of one connection share it
	kind              spanKind
	recorder          string // the recorder's name, "" for a lone recorder
}

// spanKind says what a span's round trip was for.
type spanKind int

const (
	spanRequest   spanKind = iota // an HTTP request and its answer
	spanConnect                   // a TCP connection accepted, until its first byte may be read
	spanHandshake                 // a TLS ClientHello, until the server's first flight
)

func (k spanKind) String() string {
	switch k {
	case spanConnect:
		return "connect"
	case spanHandshake:
		return "TLS"
	}
	return "request"
}

// server is the server's own time for the request: from passing it on to
// its answer, the added latency excluded.
func (s span) server() time.Duration { return s.answered.Sub(s.forwarded) }

// newRoundTrips starts the proxy in front of target.
func newRoundTrips(target string) (*roundTrips, error) { return newDelayedRoundTrips(target, 0) }

// newDelayedRoundTrips starts the proxy in front of target; each request
// waits delay before it is passed on.
func newDelayedRoundTrips(target string, delay time.Duration) (*roundTrips, error) {
	r, err := newUnstartedRoundTrips(target, delay, nil)
	if err != nil {
		return nil, err
	}
	r.Start()
	return r, nil
}

// newUnstartedRoundTrips builds the proxy in front of target without
// starting it; upstreamRoots, if not nil, are the roots that verify an
// HTTPS target.
func newUnstartedRoundTrips(target string, delay time.Duration, upstreamRoots *x509.CertPool) (*roundTrips, error) {
	u, err := url.Parse(target)
	if err != nil {
		return nil, err
	}
	// Connections to the server are kept for every request of a wave: the
	// proxy's own dials are not the server's time, nor the client's.
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 128
	if upstreamRoots != nil {
		tr.TLSClientConfig = &tls.Config{RootCAs: upstreamRoots, MinVersion: tls.VersionTLS12}
	}
	r := &roundTrips{delay: delay, transport: tr}
	proxy := &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.SetURL(u)
			pr.Out.Host = pr.In.Host
		},
		Transport: r.timed(tr),
	}
	r.Server = httptest.NewUnstartedServer(proxy)
	return r, nil
}

// Close stops the proxy and its connections to the server.
func (r *roundTrips) Close() {
	r.Server.Close()
	r.transport.CloseIdleConnections()
}

// timed records each request's span on the way upstream. The answer is
// stamped when it reaches this proxy, before the client can have it, so a
// request sent in reply to it always arrives later.
func (r *roundTrips) timed(next http.RoundTripper) http.RoundTripper {
	return roundTripperFunc(func(req *http.Request) (*http.Response, error) {
		arrived := time.Now()
		if err := sleepCtx(req.Context(), r.delay); err != nil {
			return nil, err
		}
		forwarded := time.Now()
		resp, err := next.RoundTrip(req)
		r.record(span{arrived: arrived, answered: time.Now(), forwarded: forwarded, path: req.URL.Path, proto: req.Proto, conn: req.RemoteAddr})
		return resp, err
	})
}

// record keeps one span, named after the recorder.
func (r *roundTrips) record(s span) {
	r.mu.Lock()
	defer r.mu.Unlock()
	s.recorder = r.name
	r.spans = append(r.spans, s)
}

// sleepCtx waits d, or less if ctx ends first.
func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

type roundTripperFunc func(*http.Request) (*http.Response, error)

func (f roundTripperFunc) RoundTrip(req *http.Request) (*http.Response, error) { return f(req) }

// take returns the spans recorded since the last take and forgets them.
func (r *roundTrips) take() []span {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := r.spans
	r.spans = nil
	return s
}

// countRoundTrips is the length of the longest chain of spans each
// arriving after the previous one's answer: login, then the wave of
// reads, then the revocation is 3, however wide the wave. Connection
// set-up spans chain the same way: a new connection's TCP and TLS
// handshakes come before its first request, so over a fresh TLS
// connection the same run is 5.
func countRoundTrips(spans []span) int { return len(criticalPath(spans)) }

// criticalPath is one longest chain countRoundTrips counts, first span
// first: the round trips a run waited for one after another. Where two
// earlier spans make as long a chain, a span is taken to have waited for
// its own connection's (a request for its connection's TLS handshake, a
// read for the login), then for the latest answer: so a connection
// opened beside the wave does not take the place of a request that
// waited.
func criticalPath(spans []span) []span {
	// In arrival order, every span an answer may have held back comes
	// before the spans it held back.
	spans = slices.Clone(spans)
	slices.SortStableFunc(spans, func(a, b span) int { return a.arrived.Compare(b.arrived) })
	depth := make([]int, len(spans))
	prev := make([]int, len(spans))
	end := -1
	for i, s := range spans {
		depth[i], prev[i] = 1, -1
		for j, earlier := range spans[:i] {
			if earlier.answered.After(s.arrived) {
				continue
			}
			if d := depth[j] + 1; d > depth[i] || d == depth[i] && closerCause(s, earlier, spans[prev[i]]) {
				depth[i], prev[i] = d, j
			}
		}
		// The chain ends at the last answer among the longest.
		if end < 0 || depth[i] > depth[end] || depth[i] == depth[end] && s.answered.After(spans[end].answered) {
			end = i
		}
	}
	var path []span
	for i := end; i >= 0; i = prev[i] {
		path = append(path, spans[i])
	}
	slices.Reverse(path)
	return path
}

// closerCause says whether s more likely waited for a than for b, both
// answered before it arrived: a is on its connection and b is not, or
// neither or both are and a answered later.
func closerCause(s, a, b span) bool {
	if aSame, bSame := a.conn == s.conn, b.conn == s.conn; aSame != bSame {
		return aSame
	}
	return a.answered.After(b.answered)
}
