package testbed

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"sync/atomic"
	"time"
)

// LatencyProxy is a reverse proxy that adds a fixed delay each way, to
// measure how a client's wall time grows with round trips to a distant
// server. It counts the requests it forwards.
type LatencyProxy struct {
	URL      string
	srv      *httptest.Server
	requests atomic.Int64
}

// NewLatencyProxy forwards to target, waiting oneWay before passing each
// request on and again before returning each response.
func NewLatencyProxy(target string, oneWay time.Duration) (*LatencyProxy, error) {
	u, err := url.Parse(target)
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("latency proxy: bad target %q", target)
	}
	p := &LatencyProxy{}
	rp := httputil.NewSingleHostReverseProxy(u)
	rp.ModifyResponse = func(r *http.Response) error { return sleep(r.Request.Context(), oneWay) }
	p.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.requests.Add(1)
		if sleep(r.Context(), oneWay) != nil {
			return
		}
		rp.ServeHTTP(w, r)
	}))
	p.URL = p.srv.URL
	return p, nil
}

// Requests returns how many requests were forwarded so far.
func (p *LatencyProxy) Requests() int { return int(p.requests.Load()) }

// Close stops the proxy.
func (p *LatencyProxy) Close() { p.srv.Close() }

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
