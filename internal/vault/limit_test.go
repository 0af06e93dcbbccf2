package vault_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/federate-action/federate/internal/bodylimit"
	"github.com/federate-action/federate/internal/retry"
	"github.com/federate-action/federate/internal/secret"
	"github.com/federate-action/federate/internal/vault"
)

// writeHuge streams prefix, then 100 MB, then suffix: never held in memory.
func writeHuge(w http.ResponseWriter, status int, prefix, suffix string) {
	w.WriteHeader(status)
	_, _ = io.WriteString(w, prefix)
	chunk := []byte(strings.Repeat("é", 32<<10))
	for sent := 0; sent < 100<<20; sent += len(chunk) {
		if _, err := w.Write(chunk); err != nil {
			return
		}
	}
	_, _ = io.WriteString(w, suffix)
}

// A login or a read answered with 100 MB fails once, as too large: the
// answer is neither parsed nor repeated, whatever its status.
func TestClient_RefusesAnOversizedAnswer(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		login  bool // the login answers 100 MB; else the read does
		status int
	}{
		{"login_answer", true, http.StatusOK},
		{"login_refusal", true, http.StatusBadRequest},
		{"secret", false, http.StatusOK},
		{"read_failure", false, http.StatusServiceUnavailable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var huge atomic.Int32
			server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				switch {
				case strings.HasPrefix(r.URL.Path, "/v1/auth/") && tt.login, strings.HasPrefix(r.URL.Path, "/v1/secret/") && !tt.login:
					huge.Add(1)
					writeHuge(w, tt.status, `{"errors":["`, `"]}`)
				case strings.HasPrefix(r.URL.Path, "/v1/auth/"):
					_, _ = io.WriteString(w, `{"auth":{"client_token":"hvs.x","accessor":"a","lease_duration":60}}`)
				default:
					w.WriteHeader(http.StatusNotFound)
				}
			}))
			defer server.Close()
			c, err := vault.New(vault.Options{Address: server.URL, Retry: retry.Policy{MaxAttempts: 3}})
			require.NoError(t, err)

			_, err = c.Login(context.Background(), vault.Login{Method: "approle", Mount: "approle", RoleID: "r", SecretID: secret.New("s")})
			if !tt.login {
				require.NoError(t, err)
				_, err = c.ReadAll(context.Background(), []string{"secret/x"}, 1)
			}

			var tooBig *bodylimit.Error
			require.ErrorAs(t, err, &tooBig)
			assert.Contains(t, err.Error(), "more than 8 MiB")
			assert.Less(t, len(err.Error()), 2000)
			assert.True(t, utf8.ValidString(err.Error()))
			assert.Equal(t, int32(1), huge.Load(), "not retried")
		})
	}
}
