package vault

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"strings"

	"github.com/hashicorp/vault/api"

	"github.com/federate-action/federate/internal/idtoken"
	"github.com/federate-action/federate/internal/netpolicy"
	"github.com/federate-action/federate/internal/redact"
	"github.com/federate-action/federate/internal/retry"
)

// transient decides from status codes and error types: the statuses
// retry.HTTPStatus lists (408, 429, 500, 502, 503, 504), 412 from a
// performance standby that has not caught up yet, and network faults.
func transient(err error) bool {
	var re *api.ResponseError
	if errors.As(err, &re) {
		return re.StatusCode == 412 || retry.HTTPStatus(re.StatusCode)
	}
	return retry.Temporary(err)
}

// vetted is a failed Vault request that shows only what reasons lets
// through. Every request's error is wrapped at once, because it reaches
// log lines (a retry's, a warning's) as well as the final error, and
// vault/api's own text carries a body that is not Vault's JSON whole: a
// proxy's page that may echo the request, headers and all.
type vetted struct{ err error }

func (v vetted) Error() string { return reasons(v.err) }
func (v vetted) Unwrap() error { return v.err }

// vet wraps a request's error, if any.
func vet(err error) error {
	if err == nil {
		return nil
	}
	return vetted{err}
}

// loginTransient decides for a login. A login that reached Vault may have
// created a token that the answer, lost, never showed us, and a second
// login would leave that token valid until its TTL: so only Vault's own
// transient answers are retried, and of the network faults only one before
// a connection was made. A failure to get the ID token reached no Vault.
func loginTransient(err error) bool {
	if !errors.As(err, new(vetted)) {
		return retry.Temporary(err)
	}
	if statusOf(err) != 0 {
		return transient(err)
	}
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

// issueTransient decides for a request that creates something Vault
// hands out once (a certificate): only Vault's own answer that it did
// nothing yet (503 sealed or standby, 412 a standby catching up, in
// Vault's JSON) or a failed dial is tried again. A 502 or 504 from a proxy
// in front of Vault may come after Vault issued the certificate, and a
// second request would issue another that nobody sees.
func issueTransient(err error) bool {
	if !errors.As(err, new(vetted)) {
		return retry.Temporary(err)
	}
	var re *api.ResponseError
	if errors.As(err, &re) {
		return !re.RawError && (re.StatusCode == 503 || re.StatusCode == 412)
	}
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

// statusOf returns the HTTP status of a Vault error response, or 0.
func statusOf(err error) int {
	var re *api.ResponseError
	if errors.As(err, &re) {
		return re.StatusCode
	}
	return 0
}

// reasons returns Vault's own error strings, which say which claim or
// policy did not match. An answer that is not Vault's JSON (a proxy's
// page) is not repeated: it may echo the request, secrets included.
func reasons(err error) string {
	var re *api.ResponseError
	var redirect *netpolicy.RedirectError
	switch {
	case errors.As(err, &redirect):
		return redirect.Error()
	case errors.As(err, &re) && re.RawError:
		return fmt.Sprintf("HTTP %d with a body that is not Vault's JSON (not shown)", re.StatusCode)
	case errors.As(err, &re) && len(re.Errors) > 0:
		return redact.Shorten(strings.Join(re.Errors, "; "))
	case errors.As(err, &re):
		return fmt.Sprintf("HTTP %d", re.StatusCode)
	case errors.As(err, new(*json.SyntaxError)):
		// A 200 whose body is not JSON comes from something in front of
		// Vault (a proxy, a UI route), not from Vault's API.
		return "the answer is not JSON (" + redact.Shorten(err.Error()) + "); check that vault-url is Vault's API address, not a proxy or web page"
	}
	return redact.Shorten(err.Error())
}

// LoginError is Vault refusing the login. For jwt it shows the token's
// claims: a bound claim that does not match is the usual cause.
type LoginError struct {
	Method, Mount, Role string
	Username            string // userpass, ldap
	Status              int
	Reason              string
	Claims              *idtoken.Claims // jwt only
	Err                 error
}

var _ error = (*LoginError)(nil)

func (e *LoginError) Unwrap() error { return e.Err }

// Title is the annotation title.
func (e *LoginError) Title() string { return "Vault refused the " + e.Method + " login" }

func (e *LoginError) Error() string {
	var b strings.Builder
	role := ""
	if e.Role != "" && e.Method != "approle" {
		role = " with role " + e.Role
	}
	if e.Username != "" {
		role = " as user " + e.Username
	}
	fmt.Fprintf(&b, "Vault refused the %s login at auth/%s%s (HTTP %d: %s).", e.Method, e.Mount, role, e.Status, e.Reason)
	if e.Claims != nil {
		b.WriteString("\nThe ID token it was given has:\n" + e.Claims.Describe())
		fmt.Fprintf(&b, "Compare them with the role's bound_audiences and bound_claims (vault read auth/%s/role/%s) and the mount's bound_issuer (vault read auth/%s/config).",
			e.Mount, e.Role, e.Mount)
		b.WriteString(roleHint(e.Mount, e.Role, *e.Claims))
	}
	return b.String()
}

// ReadError is a secret that cannot be read: absent, denied by policy, or
// failed otherwise (Status says how).
type ReadError struct {
	Path     string // as the user wrote it
	APIPath  string // the path actually read (KV v2 adds data/)
	NotFound bool
	Status   int // HTTP status; 0 for a network failure
	Reason   string
	Err      error
}

func (e *ReadError) Unwrap() error { return e.Err }

// Title is the annotation title.
func (e *ReadError) Title() string {
	var redirect *netpolicy.RedirectError
	switch {
	case errors.As(e.Err, &redirect):
		return redirect.Title()
	case e.NotFound:
		return "Vault secret not found"
	case e.Status == 403:
		return "Vault denied a read"
	}
	return "Vault read failed"
}

func (e *ReadError) Error() string {
	switch {
	case e.NotFound:
		return fmt.Sprintf("Unable to retrieve result for %s because it was not found (read %s); check the path, or set vault-ignore-not-found: true to skip it", e.Path, e.APIPath)
	case e.Status == 403:
		return fmt.Sprintf("permission denied reading %s: the token's policies need the \"read\" capability on path %q (%s)", e.Path, e.APIPath, e.Reason)
	}
	return fmt.Sprintf("reading %s (%s): %s", e.Path, e.APIPath, e.Reason)
}

// roleHint is a role and mount configuration that admit this run, in the
// issuing platform's own sub format.
func roleHint(mount, role string, c idtoken.Claims) string {
	if c.Issuer == "" || c.Subject == "" {
		return ""
	}
	if role == "" {
		role = "ROLE"
	}
	op, sub := c.SubjectCondition()
	bound := "bound_subject=" + sub
	if op == "StringLike" {
		bound = "bound_claims_type=glob bound_claims='{\"sub\":\"" + sub + "\"}'"
	}
	return fmt.Sprintf("\nA role that admits this run: vault write auth/%s/role/%s role_type=jwt user_claim=sub bound_audiences=%s %s"+
		" (and the mount: oidc_discovery_url=%s bound_issuer=%s).", mount, role, c.Audience.String(), bound, c.Issuer, c.Issuer)
}
