package app_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/federate-action/federate/internal/netpolicy"
)

// TestRun_FollowsNoRedirect: a redirect from the token service or from
// sts-endpoint fails the step, names the input to fix, and sends nothing
// to the redirect's target, even with a client that follows redirects.
func TestRun_FollowsNoRedirect(t *testing.T) {
	t.Parallel()
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
				_, _ = w.Write([]byte(`{"value":"` + fakeJWT + `"}`))
			}))
			defer other.Close()
			redirect := func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, other.URL+"/x", tt.status) }
			token := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte(`{"value":"` + fakeJWT + `"}`)) })
			sts := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusServiceUnavailable) })
			if tt.redirects == "token" {
				token = redirect
			} else {
				sts = redirect
			}
			tokenSrv, stsSrv := httptest.NewServer(token), httptest.NewServer(sts)
			defer tokenSrv.Close()
			defer stsSrv.Close()

			env := awsStep(t, tokenSrv.URL, stsSrv.URL, map[string]string{"action-timeout-s": "20"})
			_, err := runStep(context.Background(), env, &http.Client{})
			var re *netpolicy.RedirectError
			require.ErrorAs(t, err, &re)
			assert.Contains(t, err.Error(), tt.wantInput)
			assert.Zero(t, reached.Load(), "the redirect's target got no request")
			assert.Empty(t, exported(t, env), "nothing exported")
		})
	}
}
