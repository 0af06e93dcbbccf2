package vault

import (
	"fmt"
	"net/http"
	"net/url"
)

// RedirectError is Vault, or something in front of it, answering a
// request with a redirect. No redirect is followed: the request would
// carry the login (an ID token, a secret id) or the token to a place the
// inputs do not name, and from an http://127.0.0.1 vault-url to a remote
// plain-HTTP host.
type RedirectError struct {
	Status int
	// To is where the redirect pointed, scheme and host only: its path or
	// query might hold something not meant for the log.
	To string
}

var _ error = (*RedirectError)(nil)

func (e *RedirectError) Error() string {
	return fmt.Sprintf("Vault answered with a redirect (HTTP %d) to %s, which is not followed: it would send the login or the token to an address the inputs do not name; set vault-url to the address Vault's API answers at itself (e.g. the redirect's target, if you trust it)",
		e.Status, e.To)
}

// Title is the annotation title.
func (e *RedirectError) Title() string { return "Vault redirected a request" }

// refuseRedirects turns every redirect answer into a *RedirectError before
// net/http or vault/api can act on it: vault/api follows one 301, 302 or
// 307 on its own (to any host, and from http to http), and a 308 would
// otherwise reach it as an empty success.
type refuseRedirects struct{ next http.RoundTripper }

func (t refuseRedirects) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.next.RoundTrip(req)
	if err != nil || resp.StatusCode < 300 || resp.StatusCode > 399 || resp.StatusCode == http.StatusNotModified {
		return resp, err
	}
	_ = resp.Body.Close()
	return nil, &RedirectError{Status: resp.StatusCode, To: redirectTarget(resp)}
}

// redirectTarget is the Location's scheme and host, or a placeholder.
func redirectTarget(resp *http.Response) string {
	loc, err := resp.Location() // resolved against the request's URL
	if err != nil {
		return "an address it does not give"
	}
	return (&url.URL{Scheme: loc.Scheme, Host: loc.Host}).String()
}
