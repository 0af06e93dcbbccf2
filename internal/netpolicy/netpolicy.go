// Package netpolicy says, for each service the step talks to, whether a
// request to it may be repeated, and derives from that its retry policy,
// its transport timeouts and its redirect rule, in one place, so that no
// layer sets a value another layer undoes.
package netpolicy

import (
	"context"
	"net"
	"net/http"
	"time"

	"github.com/federate-action/federate/internal/retry"
)

// Service is one server the step sends requests to.
type Service struct {
	// Name is how messages call the service.
	Name string
	// Input names what the user sets to change the service's address.
	Input string
	// Repeatable says that sending a request twice does no harm, so an
	// attempt that is slow to answer may be abandoned and made again. A
	// request that may create something (a Vault token, a lease) is not:
	// an abandoned attempt could leave its creation behind, valid.
	Repeatable bool
}

var (
	// TokenService is the runner's ID token service: a GET.
	TokenService = Service{Name: "the runner's ID token service", Input: "ACTIONS_ID_TOKEN_REQUEST_URL", Repeatable: true}
	// STS is AssumeRoleWithWebIdentity: it creates nothing that outlives
	// an answer we never read, so it is safe to ask again.
	STS = Service{Name: "STS", Input: "sts-endpoint", Repeatable: true}
	// Vault is a login or a read that may create a token or a lease.
	Vault = Service{Name: "Vault", Input: "vault-url", Repeatable: false}
)

// attemptTimeout bounds one attempt at a repeatable request: STS and the
// token service answer in well under a second, so an attempt still
// waiting after 30 s is stalled and another is more likely to succeed.
const attemptTimeout = 30 * time.Second

// Retry returns the retry policy for s: the common backoff, maxAttempts
// attempts (limit names the input that sets them), and, only for a
// repeatable service, a timeout per attempt.
func (s Service) Retry(maxAttempts int, limit string) retry.Policy {
	p := retry.Default
	p.MaxAttempts = maxAttempts
	p.Limit = limit
	if s.Repeatable {
		p.AttemptTimeout = attemptTimeout
	}
	return p
}

// Transport returns a copy of base's transport (a new one when base has
// none of type *http.Transport) with s's wait for an answer: bounded for a
// repeatable service, unbounded otherwise (the step's deadline bounds it).
func (s Service) Transport(base *http.Client) *http.Transport {
	tr, ok := baseTransport(base).(*http.Transport)
	if !ok {
		tr = newTransport()
	}
	tr = tr.Clone()
	tr.ResponseHeaderTimeout = 0
	if s.Repeatable {
		tr.ResponseHeaderTimeout = attemptTimeout
	}
	return tr
}

// Client returns the client for requests to s: base's transport with s's
// timeouts, and every redirect refused with a *RedirectError that names
// s.Input. A transport that is not an *http.Transport (a test's fake) is
// kept as it is.
func (s Service) Client(base *http.Client) *http.Client {
	if rt, ok := fakeTransport(base); ok {
		return s.guarded(rt)
	}
	return s.guarded(s.Transport(base))
}

// PreconnectedClient is Client, with the connection to target that its
// first request will use opened at once (see Preconnect), for a caller
// that has something else to wait for before that request. release closes
// the connection if no request took it.
func (s Service) PreconnectedClient(ctx context.Context, base *http.Client, target string) (c *http.Client, release func()) {
	if _, ok := fakeTransport(base); ok {
		return s.Client(base), func() {}
	}
	tr := s.Transport(base)
	release = s.Preconnect(ctx, tr, target)
	return s.guarded(tr), release
}

// guarded is the client for s over rt: every redirect refused.
func (s Service) guarded(rt http.RoundTripper) *http.Client {
	return &http.Client{Transport: redirectGuard{s, rt}, CheckRedirect: s.refuseRedirect}
}

// Guard wraps rt so that every redirect answer becomes a *RedirectError
// naming s.Input, for a client built elsewhere (vault/api's); use
// CheckRedirect as that client's CheckRedirect.
func (s Service) Guard(rt http.RoundTripper) http.RoundTripper { return redirectGuard{s, rt} }

// CheckRedirect refuses a redirect that got past the guard.
func (s Service) CheckRedirect(req *http.Request, via []*http.Request) error {
	return s.refuseRedirect(req, via)
}

// baseTransport is base's transport under any redirectGuard, nil if none.
func baseTransport(base *http.Client) http.RoundTripper {
	if base == nil || base.Transport == nil {
		return nil
	}
	if g, ok := base.Transport.(redirectGuard); ok {
		return g.next
	}
	return base.Transport
}

// fakeTransport returns base's transport when it is not an *http.Transport
// (a test's fake): it has no timeouts to set and nothing to dial.
func fakeTransport(base *http.Client) (http.RoundTripper, bool) {
	rt := baseTransport(base)
	if rt == nil {
		return nil, false
	}
	_, ok := rt.(*http.Transport)
	return rt, !ok
}

// anyService stands for a request made without Service.Client.
var anyService = Service{Name: "the server", Input: "the input that names it"}

// NewClient returns the process's HTTP client. Each phase before a request
// is sent is bounded, so one stalled connection fails and is retried
// instead of eating the whole action-timeout-s; the wait for an answer is
// set per service by Client and Transport. It follows no redirect.
func NewClient() *http.Client {
	return &http.Client{Transport: redirectGuard{anyService, newTransport()}, CheckRedirect: anyService.refuseRedirect}
}

func newTransport() *http.Transport {
	return &http.Transport{
		Proxy:               http.ProxyFromEnvironment,
		DialContext:         (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		TLSHandshakeTimeout: 10 * time.Second,
		IdleConnTimeout:     30 * time.Second,
		MaxIdleConnsPerHost: 16,
		ForceAttemptHTTP2:   true,
	}
}
