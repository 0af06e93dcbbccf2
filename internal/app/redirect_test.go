package app_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/federate-action/federate/internal/app"
	"github.com/federate-action/federate/internal/netpolicy"
)

// TestRun_FollowsNoRedirect: a redirect from the token service or from
// sts-endpoint fails the step, names the input to fix, and sends nothing
// to the redirect's target, even with a client that follows redirects.
func TestRun_FollowsNoRedirect(t *testing.T) {
	t.Parallel()
	const jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln"
	tests := []struct {
		name      string
		redirects string // which server redirects: "token" or "sts"
		status    int
		wantInput string
	}{
		{"token_service_302", "token", http.StatusFound, "ACTIONS_ID_TOKEN_REQUEST_URL"},
		{"token_service_307", "token", http.StatusTemporaryRedirect, "ACTIONS_ID_TOKEN_REQUEST_URL"},
		{"sts_endpoint_302", "sts", http.StatusFound, "sts-endpoint"},
		{"sts_endpoint_307", "sts", http.StatusTemporaryRedirect, "sts-endpoint"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var reached atomic.Int32
			other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				reached.Add(1)
				_, _ = w.Write([]byte(`{"value":"` + jwt + `"}`))
			}))
			defer other.Close()
			redirect := func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, other.URL+"/x", tt.status) }
			token := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte(`{"value":"` + jwt + `"}`)) })
			sts := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusServiceUnavailable) })
			if tt.redirects == "token" {
				token = redirect
			} else {
				sts = redirect
			}
			tokenSrv, stsSrv := httptest.NewServer(token), httptest.NewServer(sts)
			defer tokenSrv.Close()
			defer stsSrv.Close()

			dir := t.TempDir()
			envFile, outFile := filepath.Join(dir, "env"), filepath.Join(dir, "out")
			require.NoError(t, os.WriteFile(envFile, nil, 0o600))
			require.NoError(t, os.WriteFile(outFile, nil, 0o600))
			env := map[string]string{
				"GITHUB_ENV": envFile, "GITHUB_OUTPUT": outFile,
				"ACTIONS_ID_TOKEN_REQUEST_URL":   tokenSrv.URL + "/token?api-version=2.0",
				"ACTIONS_ID_TOKEN_REQUEST_TOKEN": "request-token",
				"INPUT_ROLE-TO-ASSUME":           "arn:aws:iam::111122223333:role/r",
				"INPUT_AWS-REGION":               "us-east-1",
				"INPUT_STS-ENDPOINT":             stsSrv.URL,
				"INPUT_RETRY-MAX-ATTEMPTS":       "2",
				"INPUT_ACTION-TIMEOUT-S":         "20",
			}
			var stdout bytes.Buffer
			err := app.Run(context.Background(), app.Deps{
				Getenv: func(k string) string { return env[k] }, Stdout: &stdout,
				HTTP: &http.Client{}, Now: time.Now, Rand: rand.Reader,
			})
			var re *netpolicy.RedirectError
			require.ErrorAs(t, err, &re)
			assert.Contains(t, err.Error(), tt.wantInput)
			assert.Zero(t, reached.Load(), "the redirect's target got no request")
			b, _ := os.ReadFile(envFile)
			assert.Empty(t, b, "nothing exported")
		})
	}
}
