package vault

import (
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/vault/api"

	"github.com/federate-action/federate/internal/idtoken"
	"github.com/federate-action/federate/internal/retry"
)

// transient decides from status codes and error types: Vault's 5xx and
// 429, 412 from a performance standby that has not caught up yet, and
// network faults.
func transient(err error) bool {
	var re *api.ResponseError
	if errors.As(err, &re) {
		return re.StatusCode == 412 || retry.HTTPStatus(re.StatusCode)
	}
	return retry.Temporary(err)
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
// policy did not match.
func reasons(err error) string {
	var re *api.ResponseError
	if errors.As(err, &re) && len(re.Errors) > 0 {
		return strings.Join(re.Errors, "; ")
	}
	return err.Error()
}

// LoginError is Vault refusing the login. For jwt it shows the token's
// claims: a bound claim that does not match is the usual cause.
type LoginError struct {
	Method, Mount, Role string
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
	if e.Role != "" {
		role = " with role " + e.Role
	}
	fmt.Fprintf(&b, "Vault refused the %s login at auth/%s%s (HTTP %d: %s).", e.Method, e.Mount, role, e.Status, e.Reason)
	if e.Claims != nil {
		b.WriteString("\nThe ID token it was given has:\n" + e.Claims.Describe())
		fmt.Fprintf(&b, "Compare them with the role's bound_audiences and bound_claims (vault read auth/%s/role/%s) and the mount's bound_issuer (vault read auth/%s/config).",
			e.Mount, e.Role, e.Mount)
	}
	return b.String()
}

// ReadError is a secret that cannot be read: denied by policy, or absent.
type ReadError struct {
	Path     string // as the user wrote it
	APIPath  string // the path actually read (KV v2 adds data/)
	NotFound bool
	Reason   string
	Err      error
}

func (e *ReadError) Unwrap() error { return e.Err }

// Title is the annotation title.
func (e *ReadError) Title() string {
	if e.NotFound {
		return "Vault secret not found"
	}
	return "Vault denied a read"
}

func (e *ReadError) Error() string {
	if e.NotFound {
		return fmt.Sprintf("Unable to retrieve result for %s because it was not found (read %s); check the path, or set vault-ignore-not-found: true to skip it", e.Path, e.APIPath)
	}
	return fmt.Sprintf("permission denied reading %s: the token's policies need the \"read\" capability on path %q (%s)", e.Path, e.APIPath, e.Reason)
}
