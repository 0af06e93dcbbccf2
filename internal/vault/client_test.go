package vault_test

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/federate-action/federate/internal/retry"
	"github.com/federate-action/federate/internal/secret"
	"github.com/federate-action/federate/internal/vault"
)

// A redirect must not carry the login body (a secret id) to another place
// in clear: vault/api follows one redirect and refuses a downgrade to http.
func TestLogin_DoesNotFollowARedirectToPlainHTTP(t *testing.T) {
	t.Parallel()
	var leaked atomic.Int32
	elsewhere := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { leaked.Add(1) }))
	defer elsewhere.Close()
	server := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, elsewhere.URL+r.URL.Path, http.StatusTemporaryRedirect)
	}))
	defer server.Close()
	roots := x509.NewCertPool()
	roots.AddCert(server.Certificate())

	c, err := vault.New(vault.Options{Address: server.URL, RootCAs: roots, Retry: retry.Policy{MaxAttempts: 1}})
	require.NoError(t, err)
	_, err = c.Login(context.Background(), vault.Login{Method: "approle", Mount: "approle", RoleID: "r", SecretID: secret.New("hunter2")})
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "hunter2")
	assert.Zero(t, leaked.Load(), "nothing reached the http server")
}

// Variables of the job must not configure the client: only inputs do.
func TestNew_IgnoresTheJobsVaultVariables(t *testing.T) {
	t.Setenv("VAULT_TOKEN", "from-the-job")
	t.Setenv("VAULT_HEADERS", `{"X-Injected":"yes"}`)
	t.Setenv("VAULT_NAMESPACE", "job-ns")
	var mu sync.Mutex
	var got []http.Header // a read sends the mount lookup and the read at once
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		got = append(got, r.Header.Clone())
		mu.Unlock()
		w.WriteHeader(http.StatusNotFound)
	}))
	defer server.Close()
	c, err := vault.New(vault.Options{Address: server.URL, Headers: http.Header{"X-Team": {"blue"}}, Retry: retry.Policy{MaxAttempts: 1}})
	require.NoError(t, err)
	_, err = c.ReadAll(context.Background(), []string{"secret/data/x"}, 1)
	require.NoError(t, err)
	mu.Lock()
	defer mu.Unlock()
	require.NotEmpty(t, got)
	for _, h := range got {
		assert.Empty(t, h.Get("X-Vault-Token"))
		assert.Empty(t, h.Get("X-Injected"))
		assert.Empty(t, h.Get("X-Vault-Namespace"))
		assert.Equal(t, "blue", h.Get("X-Team"))
	}
}

// A 200 that is not JSON comes from whatever stands in front of Vault: it is
// not retried, and the message points at vault-url instead of a parser.
func TestLogin_AnswerThatIsNotJSONFailsOnceAndNamesVaultURL(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		calls.Add(1)
		_, _ = w.Write([]byte("<html>sign in</html>"))
	}))
	defer server.Close()
	c, err := vault.New(vault.Options{Address: server.URL, Retry: retry.Policy{MaxAttempts: 3}})
	require.NoError(t, err)

	_, err = c.Login(context.Background(), vault.Login{Method: "approle", Mount: "approle", RoleID: "r", SecretID: secret.New("hunter2")})

	require.Error(t, err)
	assert.Contains(t, err.Error(), "the answer is not JSON")
	assert.Contains(t, err.Error(), "vault-url")
	var titled interface{ Title() string }
	require.ErrorAs(t, err, &titled)
	assert.Equal(t, "Vault login failed", titled.Title())
	assert.Equal(t, int32(1), calls.Load(), "not retried")
}

// A proxy's page may echo the request, headers and all: neither the log
// line of a retry nor the final error may repeat it.
func TestLogin_APageThatIsNotVaultsIsNeverRepeated(t *testing.T) {
	t.Parallel()
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusBadGateway)
		_, _ = w.Write([]byte("<html>upstream failed for X-Proxy-Key: " + r.Header.Get("X-Proxy-Key") + "</html>"))
	}))
	defer server.Close()
	var logged []string
	policy := retry.Policy{MaxAttempts: 2, OnRetry: func(_ int, err error, _ time.Duration) { logged = append(logged, err.Error()) }}
	c, err := vault.New(vault.Options{Address: server.URL, Headers: http.Header{"X-Proxy-Key": {"proxy-credential-123"}}, Retry: policy})
	require.NoError(t, err)

	_, err = c.Login(context.Background(), vault.Login{Method: "approle", Mount: "approle", RoleID: "r", SecretID: secret.New("hunter2")})

	require.Error(t, err)
	require.Len(t, logged, 1, "a 502 is retried")
	for _, text := range append(logged, err.Error()) {
		assert.NotContains(t, text, "proxy-credential-123")
		assert.Contains(t, text, "HTTP 502 with a body that is not Vault's JSON (not shown)")
	}
}

// A login whose answer was lost after the request went out may have made a
// token: a second login would leave that one valid, so it is not retried.
func TestLogin_ConnectionLostAfterTheRequestIsNotRetried(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		calls.Add(1)
		conn, _, err := http.NewResponseController(w).Hijack()
		if err == nil {
			_ = conn.Close()
		}
	}))
	defer server.Close()
	c, err := vault.New(vault.Options{Address: server.URL, Retry: retry.Policy{MaxAttempts: 3}})
	require.NoError(t, err)

	_, err = c.Login(context.Background(), vault.Login{Method: "approle", Mount: "approle", RoleID: "r", SecretID: secret.New("hunter2")})

	require.Error(t, err)
	assert.Equal(t, int32(1), calls.Load())
}

// Nothing listening: no login reached Vault, so trying again is safe.
func TestLogin_RefusedConnectionIsRetried(t *testing.T) {
	t.Parallel()
	server := httptest.NewServer(http.NotFoundHandler())
	addr := server.URL
	server.Close()
	var retries atomic.Int32
	policy := retry.Policy{MaxAttempts: 2, OnRetry: func(int, error, time.Duration) { retries.Add(1) }}
	c, err := vault.New(vault.Options{Address: addr, Retry: policy})
	require.NoError(t, err)

	_, err = c.Login(context.Background(), vault.Login{Method: "approle", Mount: "approle", RoleID: "r", SecretID: secret.New("hunter2")})

	require.Error(t, err)
	assert.Equal(t, int32(1), retries.Load())
}

// vault/api parses the job's VAULT_* variables whenever it makes a client,
// and fails on values it cannot use; none of them is ours, so none may fail
// the step. (t.Setenv: these subtests run alone.)
func TestNew_IgnoresUnusableVaultVariablesOfTheJob(t *testing.T) {
	unusable := map[string]string{
		"VAULT_CACERT":            "/home/runner/not-on-this-machine.pem",
		"VAULT_CAPATH":            "/home/runner/no-such-dir",
		"VAULT_CLIENT_CERT":       "/home/runner/client.pem",
		"VAULT_CLIENT_KEY":        "/home/runner/client-key.pem",
		"VAULT_SKIP_VERIFY":       "yes-please",
		"VAULT_HEADERS":           "{bad",
		"VAULT_RATE_LIMIT":        "abc",
		"VAULT_MAX_RETRIES":       "-1",
		"VAULT_CLIENT_TIMEOUT":    "soon",
		"VAULT_SRV_LOOKUP":        "maybe",
		"VAULT_DISABLE_REDIRECTS": "nope",
		"VAULT_HTTP_PROXY":        "://bad",
		"VAULT_ADDR":              "://bad",
		"VAULT_TOKEN":             "from-the-job",
		// vault/api reads this one on every request, not only in NewClient:
		// a wrapped answer holds no token and no secret.
		"VAULT_WRAP_TTL": "5m",
	}
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Vault-Token") != "" || r.Header.Get("X-Vault-Wrap-TTL") != "" {
			w.WriteHeader(http.StatusForbidden)
			return
		}
		w.WriteHeader(http.StatusNotFound)
	}))
	defer server.Close()
	check := func(t *testing.T) {
		t.Helper()
		c, err := vault.New(vault.Options{Address: server.URL, Retry: retry.Policy{MaxAttempts: 1}})
		require.NoError(t, err)
		_, err = c.ReadAll(context.Background(), []string{"secret/data/x"}, 1)
		require.NoError(t, err, "no token from the job was sent")
	}
	for name, value := range unusable {
		t.Run(strings.ToLower(name), func(t *testing.T) {
			t.Setenv(name, value)
			check(t)
			assert.Equal(t, value, os.Getenv(name), "the variable is left as it was")
		})
	}
	t.Run("all_at_once", func(t *testing.T) {
		for name, value := range unusable {
			t.Setenv(name, value)
		}
		check(t)
	})
}

// A batch token (a role with token_type=batch) has no accessor and cannot
// be revoked: the step must not try, and then warn, on every run.
func TestLogin_TellsWhetherTheTokenCanBeRevoked(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		answer string
		want   bool
	}{
		{"service_token_has_an_accessor", `{"auth":{"client_token":"hvs.x","accessor":"acc","token_type":"service"}}`, true},
		{"batch_token_has_none", `{"auth":{"client_token":"hvb.x","accessor":"","token_type":"batch"}}`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				_, _ = w.Write([]byte(tt.answer))
			}))
			defer server.Close()
			c, err := vault.New(vault.Options{Address: server.URL, Retry: retry.Policy{MaxAttempts: 1}})
			require.NoError(t, err)
			_, err = c.Login(context.Background(), vault.Login{Method: "approle", Mount: "approle", RoleID: "r"})
			require.NoError(t, err)
			assert.Equal(t, tt.want, c.Revocable())
		})
	}
}

// An AppRole role with bind_secret_id=false is logged in to with its role
// id alone; a secret id, when given, goes with it.
func TestLogin_AppRoleSendsASecretIDOnlyWhenGiven(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		secretID string
		want     map[string]any
	}{
		{"without_secret_id", "", map[string]any{"role_id": "r"}},
		{"with_secret_id", "s", map[string]any{"role_id": "r", "secret_id": "s"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var got map[string]any
			server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				_ = json.NewDecoder(r.Body).Decode(&got)
				_, _ = w.Write([]byte(`{"auth":{"client_token":"hvs.x","accessor":"acc"}}`))
			}))
			defer server.Close()
			c, err := vault.New(vault.Options{Address: server.URL, Retry: retry.Policy{MaxAttempts: 1}})
			require.NoError(t, err)
			_, err = c.Login(context.Background(), vault.Login{Method: "approle", Mount: "approle", RoleID: "r", SecretID: secret.New(tt.secretID)})
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}
