// Package idtoken obtains the workflow's OIDC ID token, from the runner's
// token service or from a file, and reads its claims for error messages.
package idtoken

import (
	"context"

	"github.com/federate-action/federate/internal/secret"
)

// Source hands out ID tokens for an audience. Each call returns a fresh
// token: a retried STS call must not reuse one that may have expired.
type Source interface {
	Token(ctx context.Context, audience string) (secret.String, error)
}

var (
	_ Source = (*HTTP)(nil)
	_ Source = (*File)(nil)
	_ Source = (*Env)(nil)
	_ Source = (*Command)(nil)
)
