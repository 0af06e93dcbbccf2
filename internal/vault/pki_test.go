package vault_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/federate-action/federate/internal/retry"
	"github.com/federate-action/federate/internal/vault"
)

// issueAnswer is a PKI issue answer with a chain of two.
const issueAnswer = `{"data":{"certificate":"CERT","private_key":"KEY","issuing_ca":"INT",` +
	`"ca_chain":["INT","ROOT"],"serial_number":"1a:2b","expiration":1893456000}}`

// pkiServer answers each request with the next of answers (status, body),
// counting the requests and keeping the last body posted.
func pkiServer(t *testing.T, answers ...[2]any) (*httptest.Server, *atomic.Int32, *atomic.Value) {
	t.Helper()
	var calls atomic.Int32
	var body atomic.Value
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := int(calls.Add(1)) - 1
		var posted map[string]any
		_ = json.NewDecoder(r.Body).Decode(&posted)
		body.Store(posted)
		a := answers[min(n, len(answers)-1)]
		if a[0] == 0 { // lose the answer after the request arrived
			if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
				_ = conn.Close()
			}
			return
		}
		w.WriteHeader(a[0].(int))
		_, _ = w.Write([]byte(a[1].(string)))
	}))
	t.Cleanup(server.Close)
	return server, &calls, &body
}

func TestIssueAll_PostsTheParametersAndReadsTheAnswer(t *testing.T) {
	t.Parallel()
	server, calls, body := pkiServer(t, [2]any{200, issueAnswer})
	c, err := vault.New(vault.Options{Address: server.URL, Retry: retry.Policy{MaxAttempts: 3}})
	require.NoError(t, err)

	certs, err := c.IssueAll(context.Background(), []vault.IssueRequest{
		{Path: "pki/issue/web", Params: json.RawMessage(`{"common_name":"a.example.com","ttl":12345678901234567}`)}}, 4)

	require.NoError(t, err)
	assert.Equal(t, int32(1), calls.Load())
	assert.Equal(t, []vault.Certificate{{Path: "pki/issue/web", Certificate: "CERT", PrivateKey: "KEY", IssuingCA: "INT",
		CAChain: []string{"INT", "ROOT"}, Serial: "1a:2b", Expiration: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)}}, certs)
	posted := body.Load().(map[string]any)
	assert.Equal(t, "a.example.com", posted["common_name"])
	assert.Equal(t, 1.2345678901234568e16, posted["ttl"], "numbers are posted as numbers")
}

// Issuing creates a certificate, so it is retried as a login is: Vault's
// own transient answers are, an answer lost after the request went out is
// not (a second request would issue a second certificate).
func TestIssueAll_RetriesLikeALogin(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		answers   [][2]any
		wantCalls int32
		wantErr   string
	}{
		{"vaults_503_is_retried", [][2]any{{503, `{"errors":["Vault is sealed"]}`}, {200, issueAnswer}}, 2, ""},
		{"standby_412_is_retried", [][2]any{{412, `{"errors":[]}`}, {200, issueAnswer}}, 2, ""},
		{"answer_lost_after_the_request_is_not_retried", [][2]any{{0, ""}, {200, issueAnswer}}, 1, "issuing a certificate at pki/issue/web"},
		{"refusal_is_not_retried", [][2]any{{400, `{"errors":["common name x not allowed by this role"]}`}}, 1, "common name x not allowed"},
		{"answer_without_a_key_is_an_error", [][2]any{{200, `{"data":{"certificate":"CERT"}}`}}, 1, "no certificate and private key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			server, calls, _ := pkiServer(t, tt.answers...)
			c, err := vault.New(vault.Options{Address: server.URL, Retry: retry.Policy{MaxAttempts: 3, Base: time.Millisecond, Cap: time.Millisecond}})
			require.NoError(t, err)

			certs, err := c.IssueAll(context.Background(), []vault.IssueRequest{{Path: "pki/issue/web", Params: json.RawMessage(`{}`)}}, 4)

			assert.Equal(t, tt.wantCalls, calls.Load())
			if tt.wantErr == "" {
				require.NoError(t, err)
				assert.Equal(t, "KEY", certs[0].PrivateKey)
				return
			}
			var ie *vault.IssueError
			require.ErrorAs(t, err, &ie)
			assert.Contains(t, err.Error(), tt.wantErr)
		})
	}
}
