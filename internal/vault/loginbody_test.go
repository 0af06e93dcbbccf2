package vault_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/federate-action/federate/internal/retry"
	"github.com/federate-action/federate/internal/secret"
	"github.com/federate-action/federate/internal/vault"
)

// Each method's login request is the one Vault documents for it.
func TestLogin_CredentialMethodsPostTheDocumentedBody(t *testing.T) {
	t.Parallel()
	jwt := func(context.Context) (secret.String, error) { return secret.New("a.b.c"), nil }
	tests := []struct {
		name     string
		login    vault.Login
		wantPath string
		wantBody map[string]any
	}{
		{"userpass_username_in_the_path", vault.Login{Method: "userpass", Mount: "userpass", Username: "ci", Password: secret.New("pw")},
			"/v1/auth/userpass/login/ci", map[string]any{"password": "pw"}},
		{"ldap_at_its_own_mount", vault.Login{Method: "ldap", Mount: "corp/ldap", Username: "jane doe", Password: secret.New("pw")},
			"/v1/auth/corp/ldap/login/jane doe", map[string]any{"password": "pw"}},
		{"username_with_url_characters_stays_in_the_path", vault.Login{Method: "userpass", Mount: "userpass", Username: "a?b#c%2Fd", Password: secret.New("pw")},
			"/v1/auth/userpass/login/a?b#c%2Fd", map[string]any{"password": "pw"}},
		{"github_token", vault.Login{Method: "github", Mount: "github", GitHubToken: secret.New("ghp_x")},
			"/v1/auth/github/login", map[string]any{"token": "ghp_x"}},
		{"kubernetes_role_and_service_account_token", vault.Login{Method: "kubernetes", Mount: "kubernetes", Role: "ci", JWT: jwt},
			"/v1/auth/kubernetes/login", map[string]any{"role": "ci", "jwt": "a.b.c"}},
		{"payload_as_given", vault.Login{Method: "oci", Mount: "oci", Payload: map[string]any{"role": "ci", "n": json.Number("12"), "x": map[string]any{"y": []any{"z"}}}},
			"/v1/auth/oci/login", map[string]any{"role": "ci", "n": json.Number("12"), "x": map[string]any{"y": []any{"z"}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var gotPath string
			var gotBody map[string]any
			server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				gotPath = r.URL.Path
				dec := json.NewDecoder(r.Body)
				dec.UseNumber()
				_ = dec.Decode(&gotBody)
				_, _ = w.Write([]byte(`{"auth": {"client_token": "hvs.x", "accessor": "a"}}`))
			}))
			defer server.Close()
			c, err := vault.New(vault.Options{Address: server.URL, Retry: retry.Policy{MaxAttempts: 1}})
			require.NoError(t, err)

			token, err := c.Login(context.Background(), tt.login)

			require.NoError(t, err)
			assert.Equal(t, "hvs.x", token.Reveal())
			assert.Equal(t, tt.wantPath, gotPath)
			assert.Equal(t, tt.wantBody, gotBody)
		})
	}
}

// A refused login names the method, the mount and the user, never the
// password; Vault's 400 is not retried.
func TestLogin_RefusedPasswordLoginNamesMethodMountAndUser(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		calls.Add(1)
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte(`{"errors": ["invalid username or password"]}`))
	}))
	defer server.Close()
	c, err := vault.New(vault.Options{Address: server.URL, Retry: retry.Policy{MaxAttempts: 3}})
	require.NoError(t, err)

	_, err = c.Login(context.Background(), vault.Login{Method: "userpass", Mount: "userpass", Username: "ci", Password: secret.New("hunter2")})

	var refused *vault.LoginError
	require.ErrorAs(t, err, &refused)
	assert.Equal(t, "Vault refused the userpass login", refused.Title())
	assert.Equal(t, "Vault refused the userpass login at auth/userpass as user ci (HTTP 400: invalid username or password).", err.Error())
	assert.NotContains(t, err.Error(), "hunter2")
	assert.Equal(t, int32(1), calls.Load())
}
