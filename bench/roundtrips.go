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
// waited for it, so it starts a round trip of its own.
type roundTrips struct {
	*httptest.Server
	mu    sync.Mutex
	spans []span
}

// span is one request's arrival and the return of its answer.
type span struct{ arrived, answered time.Time }

// newRoundTrips starts the proxy in front of target.
func newRoundTrips(target string) (*roundTrips, error) {
	u, err := url.Parse(target)
	if err != nil {
		return nil, err
	}
	r := &roundTrips{}
	proxy := &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.SetURL(u)
			pr.Out.Host = pr.In.Host
		},
		Transport: r.timed(http.DefaultTransport),
	}
	r.Server = httptest.NewServer(proxy)
	return r, nil
}

// timed records each request's span on the way upstream. The answer is
// stamped when it reaches this proxy, before the client can have it, so a
// request sent in reply to it always arrives later.
func (r *roundTrips) timed(next http.RoundTripper) http.RoundTripper {
	return roundTripperFunc(func(req *http.Request) (*http.Response, error) {
		arrived := time.Now()
		resp, err := next.RoundTrip(req)
		r.mu.Lock()
		r.spans = append(r.spans, span{arrived, time.Now()})
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
