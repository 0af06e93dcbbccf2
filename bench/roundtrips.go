package main

import (
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
	transport *http.Transport
	mu        sync.Mutex
	spans     []span
}

// span is one request's arrival, its passing on after the delay, the
// server's answer, and the request's path.
type span struct {
	arrived, answered time.Time
	forwarded         time.Time // arrived + the delay, as the timer fired
	path              string
}

// server is the server's own time for the request: from passing it on to
// its answer, the added latency excluded.
func (s span) server() time.Duration { return s.answered.Sub(s.forwarded) }

// newRoundTrips starts the proxy in front of target.
func newRoundTrips(target string) (*roundTrips, error) { return newDelayedRoundTrips(target, 0) }

// newDelayedRoundTrips starts the proxy in front of target; each request
// waits delay before it is passed on.
func newDelayedRoundTrips(target string, delay time.Duration) (*roundTrips, error) {
	u, err := url.Parse(target)
	if err != nil {
		return nil, err
	}
	// Connections to the server are kept for every request of a wave: the
	// proxy's own dials are not the server's time, nor the client's.
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 128
	r := &roundTrips{delay: delay, transport: tr}
	proxy := &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.SetURL(u)
			pr.Out.Host = pr.In.Host
		},
		Transport: r.timed(tr),
	}
	r.Server = httptest.NewServer(proxy)
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
		if r.delay > 0 {
			t := time.NewTimer(r.delay)
			select {
			case <-t.C:
			case <-req.Context().Done():
				t.Stop()
				return nil, req.Context().Err()
			}
		}
		forwarded := time.Now()
		resp, err := next.RoundTrip(req)
		r.mu.Lock()
		r.spans = append(r.spans, span{arrived: arrived, answered: time.Now(), forwarded: forwarded, path: req.URL.Path})
		r.mu.Unlock()
		return resp, err
	})
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

// countRoundTrips is the length of the longest chain of requests each
// arriving after the previous one's answer: login, then the wave of
// reads, then the revocation is 3, however wide the wave.
func countRoundTrips(spans []span) int {
	// In arrival order, every request an answer may have held back comes
	// before the requests it held back.
	spans = slices.Clone(spans)
	slices.SortFunc(spans, func(a, b span) int { return a.arrived.Compare(b.arrived) })
	depth := make([]int, len(spans))
	longest := 0
	for i, s := range spans {
		depth[i] = 1
		for j, earlier := range spans {
			if !earlier.answered.After(s.arrived) && depth[j]+1 > depth[i] {
				depth[i] = depth[j] + 1
			}
		}
		longest = max(longest, depth[i])
	}
	return longest
}
