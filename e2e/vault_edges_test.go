package e2e

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/federate-action/federate/internal/runner/runnertest"
	"github.com/federate-action/federate/internal/testbed"
)

// approleInputs log in with AppRole to url, so no ID token is needed.
func approleInputs(url string) map[string]string {
	return map[string]string{
		"vault-url": url, "vault-method": "approle", "vault-role-id": "r", "vault-secret-id": "s",
		"vault-secrets": "secret/data/x key | X", "action-timeout-s": "300",
	}
}

// A redirect from Vault reaches no other address: not the login, not the
// token, and no made-up secret is exported.
func TestVault_ARedirectIsNeverFollowed(t *testing.T) {
	t.Parallel()
	bin, _ := servers(t)
	for _, status := range []int{http.StatusFound, http.StatusTemporaryRedirect, http.StatusPermanentRedirect} {
		t.Run(http.StatusText(status), func(t *testing.T) {
			t.Parallel()
			var elsewhere atomic.Int32
			other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				elsewhere.Add(1)
				_, _ = w.Write([]byte(`{"auth":{"client_token":"made-up","accessor":"a"},"data":{"data":{"key":"made-up"}}}`))
			}))
			defer other.Close()
			v := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, other.URL+r.URL.Path, status)
			}))
			defer v.Close()

			res := run(t, testbed.Step{Binary: bin, Inputs: approleInputs(v.URL)})

			assert.Zero(t, elsewhere.Load(), "no request reached the redirect's target")
			require.Equal(t, 1, res.ExitCode, res.Stdout)
			assert.Empty(t, res.EnvRaw)
			assertOneError(t, res.Stdout, "Redirect refused (vault-url)", "set vault-url to the address that answers itself")
		})
	}
}

// The job's VAULT_* variables are the vault CLI's: values it could not use
// do not fail the step, and none of them is used.
func TestVault_TheJobsVaultVariablesAreIgnored(t *testing.T) {
	t.Parallel()
	bin, v, tokens := vaultServer(t)
	env := with(tlsEnv(t, tokens), map[string]string{
		"VAULT_CACERT":      "/home/runner/not-on-this-machine.pem",
		"VAULT_SKIP_VERIFY": "yes-please",
		"VAULT_HEADERS":     "{bad",
		"VAULT_RATE_LIMIT":  "abc",
		"VAULT_MAX_RETRIES": "-1",
		"VAULT_TOKEN":       "not-a-token",
		"VAULT_NAMESPACE":   "no-such-namespace",
	})
	res := run(t, testbed.Step{Binary: bin, Inputs: vaultInputs(v, "secret/data/aws accessKey | AWS_ACCESS_KEY_ID"), Env: env})
	require.Equal(t, 0, res.ExitCode, res.Stdout)
	assert.Equal(t, "test", runnertest.ToMap(res.Env)["AWS_ACCESS_KEY_ID"])
}

// The step ends within action-timeout-s plus the revocation's 2 s grace,
// however long Vault hangs. Only an upper bound, and a generous one: the
// old code took action-timeout-s plus 10 s.
func TestVault_AHangingVaultEndsTheStepSoonAfterTheTimeout(t *testing.T) {
	t.Parallel()
	bin, _ := servers(t)
	v := testbed.NewHangingVault()
	t.Cleanup(v.Close)
	in := approleInputs(v.URL)
	in["action-timeout-s"] = "3"

	res := run(t, testbed.Step{Binary: bin, Inputs: in})

	require.Equal(t, 1, res.ExitCode, res.Stdout)
	assert.Contains(t, res.Stdout, "action-timeout-s (3s)")
	assert.Contains(t, res.Stdout, "could not revoke the Vault token")
	assert.Less(t, res.Wall, 9*time.Second, "3 s, plus 2 s to revoke, plus room for a slow machine")
}

// The runner cancels a job with SIGTERM: the step says it was cancelled,
// not that action-timeout-s ran out, and ends within the revocation's grace.
func TestVault_SIGTERMSaysCancelled(t *testing.T) {
	t.Parallel()
	bin, _ := servers(t)
	v := testbed.NewHangingVault()
	t.Cleanup(v.Close)
	marker := filepath.Join(t.TempDir(), "read-arrived")
	go func() {
		<-v.ReadArrived
		_ = os.WriteFile(marker, nil, 0o600)
	}()
	// bash stands in for the runner: it sends SIGTERM once the step is
	// waiting on a read. (Not sh: dash drops the INPUT_VAULT-URL kind of
	// variable, whose name is not a shell identifier.)
	bash, err := exec.LookPath("bash")
	require.NoError(t, err)
	script := `"$0" & p=$!; while [ ! -e "$1" ]; do sleep 0.05; done; kill -TERM $p; wait $p`

	res := run(t, testbed.Step{Binary: bash, Args: []string{"-c", script, bin, marker}, Inputs: approleInputs(v.URL)})

	require.Equal(t, 1, res.ExitCode, res.Stdout)
	annotations := errorText(res.Stdout)
	assert.Contains(t, annotations, "title=Cancelled")
	assert.Contains(t, annotations, "the step was cancelled")
	assert.NotContains(t, annotations, "action-timeout-s")
	assert.Less(t, res.Wall, 8*time.Second, "2 s to revoke after the signal, plus room for a slow machine")
}

// A role with token_type=batch gives a token Vault cannot revoke: the step
// does not try, so no run warns about it.
func TestVault_BatchTokenIsNotRevokedAndNoWarningShows(t *testing.T) {
	t.Parallel()
	bin, v, tokens := vaultServer(t)
	_, err := v.API(context.Background(), "POST", "auth/jwt/role/batch-tokens", map[string]any{"role_type": "jwt", "user_claim": "repository",
		"bound_claims_type": "glob", "bound_claims": map[string]any{"sub": "repo:" + tutorialOwner + "/*"},
		"bound_audiences": []string{"https://github.com/" + tutorialOwner}, "policies": []string{tutorialRole},
		"token_type": "batch"})
	require.NoError(t, err)
	in := vaultInputs(v, "secret/data/aws accessKey | AWS_ACCESS_KEY_ID")
	in["vault-role"] = "batch-tokens"

	res := run(t, testbed.Step{Binary: bin, Inputs: in, Env: tlsEnv(t, tokens)})

	require.Equal(t, 0, res.ExitCode, res.Stdout)
	assert.Equal(t, "test", runnertest.ToMap(res.Env)["AWS_ACCESS_KEY_ID"])
	assert.NotContains(t, res.Stdout, "::warning")
	assert.Contains(t, res.Stdout, "::debug::The Vault token is a batch token")
	assert.Empty(t, res.State, "no token is left for the post step")
}

// An AppRole role with bind_secret_id=false logs in with its role id
// alone, as vault-action allows.
func TestVault_AppRoleWithoutSecretID(t *testing.T) {
	t.Parallel()
	bin, v, _ := vaultServer(t)
	ctx := context.Background()
	_, err := v.API(ctx, "POST", "auth/approle/role/no-secret-id", map[string]any{"token_policies": []string{tutorialRole},
		"bind_secret_id": false, "secret_id_bound_cidrs": []string{"127.0.0.1/32"}})
	require.NoError(t, err)
	roleID, err := v.API(ctx, "GET", "auth/approle/role/no-secret-id/role-id", nil)
	require.NoError(t, err)
	in := with(vaultInputs(v, "secret/data/aws accessKey | AWS_ACCESS_KEY_ID"), map[string]string{
		"vault-method": "approle", "vault-role": "", "vault-role-id": roleID["data"].(map[string]any)["role_id"].(string)})

	res := run(t, testbed.Step{Binary: bin, Inputs: in})

	require.Equal(t, 0, res.ExitCode, res.Stdout)
	assert.Equal(t, "test", runnertest.ToMap(res.Env)["AWS_ACCESS_KEY_ID"])
	assert.Contains(t, res.Stdout, "Vault token revoked")
}
