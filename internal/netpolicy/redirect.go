package netpolicy

import (
	"fmt"
	"net/http"
	"net/url"

	"github.com/federate-action/federate/internal/redact"
)

// RedirectError is a server answering with a redirect. No redirect is
// followed: a request of ours goes only to an address the inputs name,
// since it carries a token (the runner's request token, an ID token, a
// Vault token or login) that the redirect's target would receive, and
// could lead from an http://127.0.0.1 address to a remote plain-HTTP one.
type RedirectError struct {
	Service  Service
	From, To string // scheme, host and path only: a query may hold anything
	Status   int
}

var _ error = (*RedirectError)(nil)

func (e *RedirectError) Error() string {
	return fmt.Sprintf("%s at %s answered HTTP %d, a redirect to %s, which is not followed: requests go only to the address %s names; set %s to the address that answers itself",
		e.Service.Name, e.From, e.Status, e.To, e.Service.Input, e.Service.Input)
}

// Title is the annotation title.
func (e *RedirectError) Title() string { return "Redirect refused (" + e.Service.Input + ")" }

// redirectGuard turns a redirect answer into a *RedirectError before
// net/http sees it: net/http follows a 301, 302 or 303 by itself, and
// hands a 307 or 308 for a request whose body it cannot resend (STS's
// POST) to the caller as if it were an answer, which the SDK would then
// read and retry as a garbled one.
type redirectGuard struct {
	service Service
	next    http.RoundTripper
}

func (g redirectGuard) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := g.next.RoundTrip(req)
	if err != nil || !isRedirect(resp.StatusCode) {
		return resp, err
	}
	_ = resp.Body.Close()
	e := &RedirectError{Service: g.service, From: location(req.URL), Status: resp.StatusCode, To: "(no Location)"}
	if to, err := resp.Location(); err == nil {
		e.To = location(to)
	}
	return nil, e
}

// isRedirect lists the statuses net/http would follow.
func isRedirect(code int) bool {
	switch code {
	case http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther,
		http.StatusTemporaryRedirect, http.StatusPermanentRedirect:
		return true
	}
	return false
}

// refuseRedirect is the CheckRedirect of s's clients, in case a redirect
// ever gets past redirectGuard. via[0] is the request we made; req is the
// one the redirect asks for.
func (s Service) refuseRedirect(req *http.Request, via []*http.Request) error {
	e := &RedirectError{Service: s, To: location(req.URL)}
	if len(via) > 0 {
		e.From = location(via[0].URL)
	}
	if req.Response != nil {
		e.Status = req.Response.StatusCode
	}
	return e
}

// location shows u without user info, query or fragment.
func location(u *url.URL) string {
	if u == nil {
		return "(unknown)"
	}
	c := url.URL{Scheme: u.Scheme, Host: u.Host, Path: u.Path}
	// A server-chosen address: bounded, so a hostile Location cannot fill
	// the log.
	return redact.Shorten(c.String())
}
