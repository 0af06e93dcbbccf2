package app_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The certificates are issued while the secrets are read: this Vault
// answers neither the read nor the issue until both have arrived, so a
// step that waited for one before sending the other would fail.
func TestRun_IssuesCertificatesWhileReadingSecrets(t *testing.T) {
	t.Parallel()
	var arrived sync.WaitGroup
	arrived.Add(2) // the secret's read and the certificate's issue
	var readOnce, issueOnce sync.Once
	both := make(chan struct{})
	go func() { arrived.Wait(); close(both) }()
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		waitForBoth := func() bool {
			select {
			case <-both:
				return true
			case <-time.After(5 * time.Second):
				http.Error(w, `{"errors":["the other request never came"]}`, http.StatusBadRequest)
				return false
			}
		}
		switch {
		case r.URL.Path == "/v1/auth/approle/login":
			_, _ = w.Write([]byte(`{"auth":{"client_token":"hvs.pki","accessor":"acc"}}`))
		case r.URL.Path == "/v1/auth/token/revoke-self":
			w.WriteHeader(http.StatusNoContent)
		case strings.HasPrefix(r.URL.Path, "/v1/sys/internal/ui/mounts/"):
			http.NotFound(w, r) // an old Vault: the path is read as written
		case r.URL.Path == "/v1/secret/data/x":
			readOnce.Do(arrived.Done)
			if waitForBoth() {
				_, _ = w.Write([]byte(`{"data":{"key":"v"}}`))
			}
		case r.URL.Path == "/v1/pki/issue/web":
			issueOnce.Do(arrived.Done)
			if waitForBoth() {
				_, _ = w.Write([]byte(`{"data":{"certificate":"-----BEGIN CERTIFICATE-----\nQ0VSVA==\n-----END CERTIFICATE-----","private_key":"-----BEGIN RSA PRIVATE KEY-----\nS0VZLWxpbmUtb25l\nS0VZLWxpbmUtdHdv\n-----END RSA PRIVATE KEY-----","issuing_ca":"CA","ca_chain":["CA","ROOT"],"serial_number":"1a:2b","expiration":1893456000}}`))
			}
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(server.Close)
	env := stepEnv(t, map[string]string{"vault-url": server.URL, "vault-method": "approle", "vault-role-id": "r",
		"vault-secret-id": "s", "vault-secrets": "secret/data/x key | X", "vault-pki": `pki/issue/web {"common_name": "a.example.com"} | TLS`}, nil)

	stdout, err := runStep(context.Background(), env, plainClient())

	require.NoError(t, err, stdout)
	got := exported(t, env)
	for _, name := range []string{"X", "TLS_CERT", "TLS_KEY", "TLS_CA", "TLS_CA_CHAIN"} {
		assert.Contains(t, got, name)
	}
	assert.Contains(t, got, "CA\nROOT", "the chain is joined by newlines")
	assert.Contains(t, stdout, "::add-mask::S0VZLWxpbmUtb25l")
	assert.Contains(t, stdout, "::add-mask::S0VZLWxpbmUtdHdv")
}
