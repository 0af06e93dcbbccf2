package e2e

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/federate-action/federate/internal/idtoken/idtokentest"
	"github.com/federate-action/federate/internal/testbed"
)

// TestAWS_RedirectsAreNotFollowed: sts-endpoint or the token service
// answering with a redirect to a server that would answer (moto, the real
// token service) fails the step, names the input to fix, sends that server
// nothing and exports nothing.
func TestAWS_RedirectsAreNotFollowed(t *testing.T) {
	t.Parallel()
	bin, moto := servers(t)
	tests := []struct {
		name      string
		redirects string // "sts" or "token"
		status    int
		wantInput string
	}{
		{"sts_endpoint_302_to_moto", "sts", http.StatusFound, "sts-endpoint"},
		{"sts_endpoint_307_to_moto", "sts", http.StatusTemporaryRedirect, "sts-endpoint"},
		{"sts_endpoint_308_to_moto", "sts", http.StatusPermanentRedirect, "sts-endpoint"},
		{"token_service_302", "token", http.StatusFound, "ACTIONS_ID_TOKEN_REQUEST_URL"},
		{"token_service_307", "token", http.StatusTemporaryRedirect, "ACTIONS_ID_TOKEN_REQUEST_URL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tokens := tokenServer(t, idtokentest.Config{})
			// moto behind a counting proxy: the redirect's target.
			stsTarget, err := testbed.NewFaultProxy(moto.URL)
			require.NoError(t, err)
			t.Cleanup(stsTarget.Close)

			target := stsTarget.URL
			if tt.redirects == "token" {
				target = tokens.URL
			}
			redirector := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, target, tt.status)
			}))
			t.Cleanup(redirector.Close)

			in, env := tutorialInputs(stsTarget.URL), tokens.Env()
			if tt.redirects == "sts" {
				in["sts-endpoint"] = redirector.URL
			} else {
				env["ACTIONS_ID_TOKEN_REQUEST_URL"] = redirector.URL + "/token?api-version=2.0"
			}
			res := run(t, testbed.Step{Binary: bin, Inputs: in, Env: env})

			require.Equal(t, 1, res.ExitCode, res.Stdout)
			assertOneError(t, res.Stdout, "Redirect refused ("+tt.wantInput+")", "set "+tt.wantInput+" to the address that answers itself")
			assert.Zero(t, stsTarget.Requests(), "moto got no request")
			if tt.redirects == "token" {
				assert.Empty(t, tokens.Requests(), "the token service got no request")
			}
			assert.Empty(t, res.Env)
			assert.Empty(t, res.Outputs)
		})
	}
}
