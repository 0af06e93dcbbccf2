package vault_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/federate-action/federate/internal/netpolicy"
	"github.com/federate-action/federate/internal/retry"
	"github.com/federate-action/federate/internal/secret"
	"github.com/federate-action/federate/internal/vault"
)

// No request of ours reaches an address the inputs did not name: a
// redirect from Vault, to any host and with any status, is an error that
// names vault-url, never a second request carrying the ID token, the
// secret id or the token.
func TestClient_NeverFollowsARedirect(t *testing.T) {
	t.Parallel()
	ops := []struct {
		name string
		run  func(ctx context.Context, c *vault.Client) error
	}{
		{"jwt_login", func(ctx context.Context, c *vault.Client) error {
			_, err := c.Login(ctx, vault.Login{Method: "jwt", Mount: "jwt", Role: "r",
				JWT: func(context.Context) (secret.String, error) { return secret.New("eyJ.id-token.sig"), nil }})
			return err
		}},
		{"approle_login", func(ctx context.Context, c *vault.Client) error {
			_, err := c.Login(ctx, vault.Login{Method: "approle", Mount: "approle", RoleID: "r", SecretID: secret.New("hunter2")})
			return err
		}},
		{"read", func(ctx context.Context, c *vault.Client) error {
			c.UseToken(secret.New("hvs.the-token"))
			_, err := c.ReadAll(ctx, []string{"secret/data/x"}, 1)
			return err
		}},
		{"revoke", func(ctx context.Context, c *vault.Client) error {
			c.UseToken(secret.New("hvs.the-token"))
			return c.RevokeSelf(ctx)
		}},
	}
	for _, status := range []int{http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther, http.StatusTemporaryRedirect, http.StatusPermanentRedirect} {
		for _, op := range ops {
			t.Run(op.name+"_"+strings.ReplaceAll(strings.ToLower(http.StatusText(status)), " ", "_"), func(t *testing.T) {
				t.Parallel()
				var elsewhere atomic.Int32
				other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
					elsewhere.Add(1)
					_, _ = w.Write([]byte(`{"auth":{"client_token":"made-up","accessor":"a"},"data":{"v":"made-up"}}`))
				}))
				defer other.Close()
				// A plain-HTTP loopback Vault: the one case where http is
				// allowed, which a redirect must not extend to another host.
				server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					http.Redirect(w, r, other.URL+r.URL.Path, status)
				}))
				defer server.Close()
				c, err := vault.New(vault.Options{Address: server.URL, Retry: retry.Policy{MaxAttempts: 3}})
				require.NoError(t, err)

				err = op.run(context.Background(), c)

				assert.Zero(t, elsewhere.Load(), "no request reached the redirect's target")
				require.Error(t, err)
				var redirect *netpolicy.RedirectError
				require.ErrorAs(t, err, &redirect)
				assert.Equal(t, status, redirect.Status)
				var titled interface{ Title() string }
				require.ErrorAs(t, err, &titled)
				assert.Equal(t, "Redirect refused (vault-url)", titled.Title())
				assert.Contains(t, err.Error(), "vault-url")
				assert.Contains(t, err.Error(), other.URL)
				for _, s := range []string{"hunter2", "id-token", "the-token"} {
					assert.NotContains(t, err.Error(), s)
				}
			})
		}
	}
}
