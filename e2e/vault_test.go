package e2e

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/federate-action/federate/internal/idtoken/idtokentest"
	"github.com/federate-action/federate/internal/runner/runnertest"
	"github.com/federate-action/federate/internal/testbed"
)

// The tutorial's role, and the repository owner its glob-bound sub claim
// admits.
const (
	tutorialRole  = testbed.TutorialRole
	tutorialOwner = "octo-org"
)

var (
	vaultOnce   sync.Once
	vault       *testbed.Vault
	vaultTokens *idtokentest.Server // the issuer Vault's jwt mount trusts
	vaultErr    error
)

// vaultServer starts one real Vault dev server for the package and
// configures it exactly as the tutorial does, plus the mounts and secrets
// the tests read. A missing Vault binary is built first (.ci/run builds it
// before the tests, so they never wait on it there).
func vaultServer(t *testing.T) (string, *testbed.Vault, *idtokentest.Server) {
	t.Helper()
	bin, _ := servers(t)
	vaultOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 40*time.Minute)
		defer cancel()
		var vaultBin string
		if vaultBin, vaultErr = testbed.EnsureVault(ctx, os.Stderr); vaultErr != nil {
			return
		}
		if vaultTokens, vaultErr = idtokentest.New(idtokentest.Config{TLS: true, Owner: tutorialOwner}); vaultErr != nil {
			return
		}
		dir, err := os.MkdirTemp(tmpDir, "vault-*")
		if err != nil {
			vaultErr = err
			return
		}
		if vault, vaultErr = testbed.StartTutorialVault(ctx, vaultBin, dir, vaultTokens); vaultErr != nil {
			return
		}
		vaultErr = configureVault(ctx, vault)
	})
	require.NoError(t, vaultErr, "starting Vault (build it with tools/vault/build.sh)")
	return bin, vault, vaultTokens
}

// putSecret writes data as the KV v2 secret at path (secret/data/...).
func putSecret(t *testing.T, v *testbed.Vault, path string, data map[string]any) {
	t.Helper()
	_, err := v.API(context.Background(), "POST", path, map[string]any{"data": data})
	require.NoError(t, err)
}

// call is one Vault API request of the set-up.
type call struct {
	method, path string
	body         any
}

// configureVault adds to the tutorial's set-up the mounts, policies and
// secrets the tests read.
func configureVault(ctx context.Context, v *testbed.Vault) error {
	calls := []call{
		// The tutorial's policy, extended to the KV v1 mount below.
		{"PUT", "sys/policies/acl/" + tutorialRole, map[string]any{"policy": testbed.TutorialPolicy + `
path "kv1/*" { capabilities = ["read"] }`}},
		// A role that admits another organisation only: the login is refused.
		{"POST", "auth/jwt/role/other-org", map[string]any{"role_type": "jwt", "user_claim": "repository",
			"bound_claims_type": "glob", "bound_claims": map[string]any{"sub": "repo:someone-else/*"},
			"bound_audiences": []string{"https://github.com/" + tutorialOwner}, "policies": []string{tutorialRole}}},
		// Every selector form, in KV v2.
		{"POST", "secret/data/app", map[string]any{"data": map[string]any{
			"npmToken": "npm-123", "some-key-123": "dashed", "other-Secret-dash": "quoted", "secret.token": "dotted",
			"db":    map[string]any{"password": "p@ss", "hosts": []any{"db1", "db2"}},
			"multi": "line one\nline two\r\nline three", "json": `{"a": [1, 2]}`,
			"num": 42, "ratio": 1.5, "flag": true, "nothing": nil, "obj": map[string]any{"k": "v"},
		}}},
		{"POST", "secret/data/wild", map[string]any{"data": map[string]any{"user": "u", "Pass-Word": "pw"}}},
		// A JSON secret with number and boolean leaves.
		{"POST", "secret/data/device", map[string]any{"data": map[string]any{
			"config": map[string]any{"pin": 48213907, "admin": true, "retries": 3, "name": "kiosk-7"}}}},
		// Two versions, to read the first by ?version=1.
		{"POST", "secret/data/versioned", map[string]any{"data": map[string]any{"token": "first"}}},
		{"POST", "secret/data/versioned", map[string]any{"data": map[string]any{"token": "second"}}},
		// A KV v1 mount whose secret has a field named "data": not KV v2.
		{"POST", "sys/mounts/kv1", map[string]any{"type": "kv", "options": map[string]any{"version": "1"}}},
		{"POST", "kv1/app", map[string]any{"password": "v1-pass", "data": "not-kv2"}},
		// A mount the tutorial's policy does not cover.
		{"POST", "sys/mounts/locked", map[string]any{"type": "kv", "options": map[string]any{"version": "2"}}},
		{"POST", "locked/data/x", map[string]any{"data": map[string]any{"key": "hidden"}}},
		// AppRole, for migrating vault-action users.
		{"POST", "sys/auth/approle", map[string]any{"type": "approle"}},
		{"POST", "auth/approle/role/ci", map[string]any{"token_policies": []string{tutorialRole}}},
	}
	for _, c := range calls {
		if _, err := v.API(ctx, c.method, c.path, c.body); err != nil {
			return err
		}
	}
	return nil
}

// tlsEnv is the runner's token-service env for an HTTPS token service, plus
// SSL_CERT_FILE so the action trusts its test CA as it trusts GitHub's
// public one. (Vault verifies tokens against the issuer over HTTPS, so the
// issuer of these tests must be HTTPS.)
func tlsEnv(t *testing.T, tokens *idtokentest.Server) map[string]string {
	t.Helper()
	env, err := tokens.TrustingEnv(t.TempDir())
	require.NoError(t, err)
	return env
}

// vaultInputs are the tutorial's inputs against the test server.
func vaultInputs(v *testbed.Vault, secrets string) map[string]string {
	return map[string]string{
		"vault-url":     v.URL,
		"vault-role":    tutorialRole,
		"vault-secrets": secrets,
		// action.yml defaults, which the runner passes like any input.
		"vault-method":             "jwt",
		"vault-export-env":         "true",
		"vault-export-token":       "false",
		"vault-output-token":       "false",
		"vault-ignore-not-found":   "false",
		"vault-tls-skip-verify":    "false",
		"vault-retry-max-attempts": "5",
		"action-timeout-s":         "300",
	}
}

// vaultTokenFrom finds the Vault token among the masks.
func vaultTokenFrom(t *testing.T, stdout string) string {
	t.Helper()
	for _, m := range runnertest.Masks(stdout) {
		if strings.HasPrefix(m, "hvs.") {
			return m
		}
	}
	t.Fatalf("no Vault token was masked:\n%s", stdout)
	return ""
}

// tokenWorks reports whether Vault still accepts token.
func tokenWorks(t *testing.T, v *testbed.Vault, token string) bool {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, v.URL+"/v1/auth/token/lookup-self", nil)
	require.NoError(t, err)
	req.Header.Set("X-Vault-Token", token)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	_ = resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

func TestVault_TutorialFlowExportsTheSecretAndRevokesTheToken(t *testing.T) {
	t.Parallel()
	bin, v, tokens := vaultServer(t)
	res := run(t, testbed.Step{Binary: bin, Inputs: vaultInputs(v, "secret/data/aws accessKey | AWS_ACCESS_KEY_ID ;"), Env: tlsEnv(t, tokens)})
	require.Equal(t, 0, res.ExitCode, res.Stdout)

	assert.Equal(t, []runnertest.Entry{{Name: "AWS_ACCESS_KEY_ID", Value: "test"}}, res.Env)
	assert.Equal(t, []runnertest.Entry{{Name: "AWS_ACCESS_KEY_ID", Value: "test"}}, res.Outputs)
	assert.Contains(t, runnertest.Masks(res.Stdout), "test")
	token := vaultTokenFrom(t, res.Stdout)
	assert.NotContains(t, runnertest.Visible(res.Stdout, res.Stderr), token)
	assert.Contains(t, res.Stdout, "Vault token revoked")
	assert.False(t, tokenWorks(t, v, token), "the token is revoked after the step")
	assert.Contains(t, res.Summary, "revoked at the end of the step")
}

func TestVault_EverySelectorForm(t *testing.T) {
	t.Parallel()
	bin, v, tokens := vaultServer(t)
	secrets := strings.Join([]string{
		`secret/data/app npmToken`,
		`secret/data/app some-key-123`,
		`secret/data/app "other-Secret-dash"`,
		"secret/data/app `secret.token`",
		`secret/data/app 'secret.token' | SINGLE_QUOTED`,
		`secret/data/app db.password`,
		`secret/data/app db.hosts[1] | SECOND_HOST`,
		`secret/data/app json | JSON_TEXT`,
		`secret/data/app num | NUM; secret/data/app ratio | RATIO; secret/data/app flag | FLAG`,
		`secret/data/app nothing | NOTHING`,
		`secret/data/app obj | OBJ`,
		`secret/app npmToken | WITHOUT_DATA`,
		`kv1/app password | V1_PASSWORD`,
		`kv1/app data | V1_DATA_FIELD`,
		`/secret/data/versioned?version=1 token | VERSIONED ;`,
		`secret/data/versioned token | LATEST`,
	}, "\n")
	res := run(t, testbed.Step{Binary: bin, Inputs: vaultInputs(v, secrets), Env: tlsEnv(t, tokens)})
	require.Equal(t, 0, res.ExitCode, res.Stdout)

	assert.Equal(t, map[string]string{
		"NPMTOKEN": "npm-123", "SOMEKEY123": "dashed", "OTHERSECRETDASH": "quoted", "SECRET__TOKEN": "dotted",
		"SINGLE_QUOTED": "dotted", "DB__PASSWORD": "p@ss", "SECOND_HOST": "db2", "JSON_TEXT": `{"a": [1, 2]}`,
		"NUM": "42", "RATIO": "1.5", "FLAG": "true", "NOTHING": "null", "OBJ": `{"k":"v"}`,
		"WITHOUT_DATA": "npm-123", "V1_PASSWORD": "v1-pass", "V1_DATA_FIELD": "not-kv2", "VERSIONED": "first", "LATEST": "second",
	}, runnertest.ToMap(res.Env))
	out := runnertest.ToMap(res.Outputs)
	assert.Equal(t, "npm-123", out["npmToken"])
	assert.Equal(t, "dashed", out["somekey123"])
	assert.Equal(t, "quoted", out["otherSecretdash"])
	assert.Equal(t, "dotted", out["secret__token"])
	assert.Equal(t, "p@ss", out["db__password"])
}

func TestVault_MultiLineValuesAreMaskedLineByLine(t *testing.T) {
	t.Parallel()
	bin, v, tokens := vaultServer(t)
	res := run(t, testbed.Step{Binary: bin, Inputs: vaultInputs(v, "secret/data/app multi | MULTI"), Env: tlsEnv(t, tokens)})
	require.Equal(t, 0, res.ExitCode, res.Stdout)
	assert.Equal(t, "line one\nline two\r\nline three", runnertest.ToMap(res.Env)["MULTI"])
	m := runnertest.Masks(res.Stdout)
	for _, line := range []string{"line one", "line two", "line three"} {
		assert.Contains(t, m, line)
	}
}

func TestVault_ObjectValuesAreMaskedFieldByField(t *testing.T) {
	t.Parallel()
	bin, v, tokens := vaultServer(t)
	res := run(t, testbed.Step{Binary: bin, Inputs: vaultInputs(v, "secret/data/app db | DB"), Env: tlsEnv(t, tokens)})
	require.Equal(t, 0, res.ExitCode, res.Stdout)
	assert.Equal(t, `{"hosts":["db1","db2"],"password":"p@ss"}`, runnertest.ToMap(res.Env)["DB"])
	assert.Subset(t, runnertest.Masks(res.Stdout), []string{`{"hosts":["db1","db2"],"password":"p@ss"}`, "p@ss", "db1", "db2"})
}

// A later step that prints one leaf of a JSON secret (`jq .pin`) prints
// it alone: numbers long enough to hold a secret are masked on their own,
// as strings are. Booleans and short numbers are not: their masks would
// hide every "true" and "3" in the job's log.
func TestVault_NumberLeavesOfAJSONSecretAreMasked(t *testing.T) {
	t.Parallel()
	bin, v, tokens := vaultServer(t)
	res := run(t, testbed.Step{Binary: bin, Inputs: vaultInputs(v, "secret/data/device config | CONFIG"), Env: tlsEnv(t, tokens)})
	require.Equal(t, 0, res.ExitCode, res.Stdout)
	assert.Equal(t, `{"admin":true,"name":"kiosk-7","pin":48213907,"retries":3}`, runnertest.ToMap(res.Env)["CONFIG"])
	m := runnertest.Masks(res.Stdout)
	assert.Subset(t, m, []string{"48213907", "kiosk-7"})
	assert.NotContains(t, m, "true")
	assert.NotContains(t, m, "3")
}

func TestVault_Wildcards(t *testing.T) {
	t.Parallel()
	bin, v, tokens := vaultServer(t)
	tests := []struct {
		name     string
		secrets  string
		wantEnv  map[string]string
		wantOuts map[string]string
	}{
		{"star_upper_cases_env", "secret/data/wild *",
			map[string]string{"USER": "u", "PASSWORD": "pw"}, map[string]string{"user": "u", "PassWord": "pw"}},
		{"double_star_keeps_case", "secret/data/wild **",
			map[string]string{"user": "u", "PassWord": "pw"}, map[string]string{"user": "u", "PassWord": "pw"}},
		{"star_with_prefix", "secret/data/wild * | APP_",
			map[string]string{"APP_USER": "u", "APP_PASSWORD": "pw"}, map[string]string{"APP_user": "u", "APP_PassWord": "pw"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			res := run(t, testbed.Step{Binary: bin, Inputs: vaultInputs(v, tt.secrets), Env: tlsEnv(t, tokens)})
			require.Equal(t, 0, res.ExitCode, res.Stdout)
			assert.Equal(t, tt.wantEnv, runnertest.ToMap(res.Env))
			assert.Equal(t, tt.wantOuts, runnertest.ToMap(res.Outputs))
		})
	}
}

func TestVault_Failures(t *testing.T) {
	t.Parallel()
	bin, v, tokens := vaultServer(t)
	tests := []struct {
		name      string
		change    map[string]string
		wantTitle string
		wantText  []string
	}{
		{"secret_not_found", map[string]string{"vault-secrets": "secret/data/missing key"},
			"Vault secret not found", []string{"Unable to retrieve result for secret/data/missing because it was not found", "vault-ignore-not-found"}},
		{"key_not_found", map[string]string{"vault-secrets": "secret/data/aws nope"},
			"Vault secret has no such key", []string{"secret/data/aws has no nope", "accessKey"}},
		{"policy_denies_the_path", map[string]string{"vault-secrets": "locked/data/x key"},
			"Vault denied a read", []string{"permission denied reading locked/data/x", `"read" capability on path "locked/data/x"`}},
		{"bound_claims_do_not_match", map[string]string{"vault-role": "other-org", "vault-secrets": "secret/data/aws accessKey"},
			"Vault refused the jwt login", []string{`claim "sub" does not match`, "sub: repo:" + tutorialOwner + "/octo-repo:ref:refs/heads/main",
				"aud: https://github.com/" + tutorialOwner, "repository: " + tutorialOwner + "/octo-repo", "vault read auth/jwt/role/other-org"}},
		{"two_entries_one_name", map[string]string{"vault-secrets": "secret/data/aws accessKey | X\nsecret/data/app npmToken | X"},
			"Invalid input vault-secrets", []string{"entry 1", "entry 2", "both set env var X"}},
		{"unsupported_selector", map[string]string{"vault-secrets": "secret/data/aws $join(a)"},
			"Invalid input vault-secrets", []string{"entry 1 (line 1, column 17)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			in := with(vaultInputs(v, ""), tt.change)
			res := run(t, testbed.Step{Binary: bin, Inputs: in, Env: tlsEnv(t, tokens)})
			assert.Equal(t, 1, res.ExitCode)
			assertOneError(t, res.Stdout, tt.wantTitle, tt.wantText...)
			assert.Empty(t, res.EnvRaw)
			assert.Empty(t, res.OutputRaw)
		})
	}
}

func TestVault_IgnoreNotFoundSkipsMissingSecretsAndKeys(t *testing.T) {
	t.Parallel()
	bin, v, tokens := vaultServer(t)
	in := vaultInputs(v, "secret/data/missing key | A; secret/data/aws nope | B; secret/data/aws accessKey | C")
	in["vault-ignore-not-found"] = "true"
	res := run(t, testbed.Step{Binary: bin, Inputs: in, Env: tlsEnv(t, tokens)})
	require.Equal(t, 0, res.ExitCode, res.Stdout)
	assert.Equal(t, []runnertest.Entry{{Name: "C", Value: "test"}}, res.Env)
	assert.Contains(t, res.Stdout, "Skipping secret/data/missing")
}

func TestVault_ExportedTokenStaysValid(t *testing.T) {
	t.Parallel()
	bin, v, tokens := vaultServer(t)
	in := vaultInputs(v, "")
	in["vault-export-token"] = "true"
	in["vault-output-token"] = "true"
	res := run(t, testbed.Step{Binary: bin, Inputs: in, Env: tlsEnv(t, tokens)})
	require.Equal(t, 0, res.ExitCode, res.Stdout)
	env := runnertest.ToMap(res.Env)
	assert.Equal(t, v.URL, env["VAULT_ADDR"])
	assert.True(t, tokenWorks(t, v, env["VAULT_TOKEN"]))
	assert.Equal(t, env["VAULT_TOKEN"], runnertest.ToMap(res.Outputs)["vault-token"])
	assert.Contains(t, runnertest.Masks(res.Stdout), env["VAULT_TOKEN"])
	assert.NotContains(t, res.Stdout, "Vault token revoked")
}

func TestVault_TLS(t *testing.T) {
	t.Parallel()
	bin, v, tokens := vaultServer(t)
	b64 := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
	tests := []struct {
		name     string
		inputs   map[string]string
		wantExit int
		wantText string
	}{
		{"custom_ca_as_pem", map[string]string{"vault-url": v.TLSURL, "vault-ca-certificate": v.PKI.CAPEM}, 0, ""},
		{"custom_ca_as_base64", map[string]string{"vault-url": v.TLSURL, "vault-ca-certificate": b64(v.PKI.CAPEM)}, 0, ""},
		{"unknown_ca_is_refused", map[string]string{"vault-url": v.TLSURL}, 1, "certificate signed by unknown authority"},
		{"client_certificate", map[string]string{"vault-url": v.MTLSURL, "vault-ca-certificate": v.PKI.CAPEM,
			"vault-client-certificate": b64(v.PKI.ClientCertPEM), "vault-client-key": b64(v.PKI.ClientKeyPEM)}, 0, ""},
		{"missing_client_certificate_is_refused", map[string]string{"vault-url": v.MTLSURL, "vault-ca-certificate": v.PKI.CAPEM}, 1, "logging in to Vault"}, // TLS 1.3 reports the refusal as a reset or as "certificate required"
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			in := with(vaultInputs(v, "secret/data/aws accessKey | AWS_ACCESS_KEY_ID"), tt.inputs)
			in["vault-retry-max-attempts"] = "1"
			res := run(t, testbed.Step{Binary: bin, Inputs: in, Env: tlsEnv(t, tokens)})
			require.Equal(t, tt.wantExit, res.ExitCode, res.Stdout)
			if key := in["vault-client-key"]; key != "" {
				assert.NotContains(t, res.Stdout+res.Stderr, key)
			}
			if tt.wantExit == 0 {
				assert.Equal(t, "test", runnertest.ToMap(res.Env)["AWS_ACCESS_KEY_ID"])
				return
			}
			assert.Contains(t, errorText(res.Stdout), tt.wantText)
		})
	}
}

func TestVault_OtherLoginMethods(t *testing.T) {
	t.Parallel()
	bin, v, _ := vaultServer(t)
	ctx := context.Background()
	roleID, err := v.API(ctx, "GET", "auth/approle/role/ci/role-id", nil)
	require.NoError(t, err)
	secretID, err := v.API(ctx, "POST", "auth/approle/role/ci/secret-id", nil)
	require.NoError(t, err)
	child, err := v.API(ctx, "POST", "auth/token/create", map[string]any{"policies": []string{tutorialRole}})
	require.NoError(t, err)
	childToken := child["auth"].(map[string]any)["client_token"].(string)

	tests := []struct {
		name   string
		inputs map[string]string
	}{
		{"approle", map[string]string{"vault-method": "approle", "vault-role": "",
			"vault-role-id":   roleID["data"].(map[string]any)["role_id"].(string),
			"vault-secret-id": secretID["data"].(map[string]any)["secret_id"].(string)}},
		{"token", map[string]string{"vault-method": "token", "vault-role": "", "vault-token": childToken}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			in := with(vaultInputs(v, "secret/data/aws accessKey | AWS_ACCESS_KEY_ID"), tt.inputs)
			res := run(t, testbed.Step{Binary: bin, Inputs: in}) // no ID token needed
			require.Equal(t, 0, res.ExitCode, res.Stdout)
			assert.Equal(t, "test", runnertest.ToMap(res.Env)["AWS_ACCESS_KEY_ID"])
			for _, s := range []string{in["vault-secret-id"], in["vault-token"]} {
				if s != "" {
					assert.NotContains(t, runnertest.Visible(res.Stdout, res.Stderr), s)
				}
			}
		})
	}
	assert.True(t, tokenWorks(t, v, childToken), "a token the user gave is never revoked")
}

func TestVaultAndAWS_InOneStep(t *testing.T) {
	t.Parallel()
	bin, moto := servers(t)
	_, v, tokens := vaultServer(t)

	both := func(secrets string) map[string]string { return with(vaultInputs(v, secrets), tutorialInputs(moto.URL)) }
	t.Run("both_succeed", func(t *testing.T) {
		t.Parallel()
		res := run(t, testbed.Step{Binary: bin, Inputs: both("secret/data/app npmToken | NPM_TOKEN"), Env: tlsEnv(t, tokens)})
		require.Equal(t, 0, res.ExitCode, res.Stdout)
		env := runnertest.ToMap(res.Env)
		assert.Equal(t, "npm-123", env["NPM_TOKEN"])
		assert.NotEmpty(t, env["AWS_SECRET_ACCESS_KEY"])
		assert.Contains(t, res.Summary, "federate: AWS credentials")
		assert.Contains(t, res.Summary, "federate: Vault secrets")
	})
	t.Run("vault_failure_exports_nothing", func(t *testing.T) {
		t.Parallel()
		res := run(t, testbed.Step{Binary: bin, Inputs: both("locked/data/x key | K"), Env: tlsEnv(t, tokens)})
		assert.Equal(t, 1, res.ExitCode)
		assert.Empty(t, res.EnvRaw, "no AWS credentials either")
		assert.Empty(t, res.OutputRaw)
	})
	t.Run("a_name_both_sides_set_is_refused", func(t *testing.T) {
		t.Parallel()
		res := run(t, testbed.Step{Binary: bin, Inputs: both("secret/data/aws accessKey | AWS_ACCESS_KEY_ID"), Env: tlsEnv(t, tokens)})
		assert.Equal(t, 1, res.ExitCode)
		assert.Contains(t, runnertest.UnescapeData(res.Stdout), "role-to-assume and entry 1 (secret/data/aws accessKey | AWS_ACCESS_KEY_ID) both set env var AWS_ACCESS_KEY_ID")
	})
}

func TestVaultAndAWS_OneAudienceCostsOneTokenRequest(t *testing.T) {
	t.Parallel()
	bin, moto := servers(t)
	_, v, _ := vaultServer(t)
	// A token service of its own, so its requests can be counted, trusted
	// by a jwt mount of its own.
	tokens := tokenServer(t, idtokentest.Config{TLS: true, Owner: tutorialOwner})
	mount := fmt.Sprintf("jwt-%d", time.Now().UnixNano())
	ctx := context.Background()
	for _, c := range []call{
		{"POST", "sys/auth/" + mount, map[string]any{"type": "jwt"}},
		{"POST", "auth/" + mount + "/config", map[string]any{"oidc_discovery_url": tokens.Issuer, "bound_issuer": tokens.Issuer, "oidc_discovery_ca_pem": tokens.CAPEM()}},
		{"POST", "auth/" + mount + "/role/deploy", map[string]any{"role_type": "jwt", "user_claim": "repository",
			"bound_audiences": []string{"sts.amazonaws.com"}, "policies": []string{tutorialRole}}},
	} {
		_, err := v.API(ctx, c.method, c.path, c.body)
		require.NoError(t, err)
	}
	in := with(vaultInputs(v, "secret/data/app npmToken | NPM_TOKEN"), tutorialInputs(moto.URL))
	in["vault-path"], in["vault-role"], in["vault-audience"] = mount, "deploy", "sts.amazonaws.com"

	res := run(t, testbed.Step{Binary: bin, Inputs: in, Env: tlsEnv(t, tokens)})
	require.Equal(t, 0, res.ExitCode, res.Stdout)
	assert.Len(t, tokens.Requests(), 1, "STS and Vault share the first token of one audience")
	assert.Equal(t, "npm-123", runnertest.ToMap(res.Env)["NPM_TOKEN"])
}

// headerRecorder is a reverse proxy in front of Vault that records the
// headers of every request.
type headerRecorder struct {
	mu      sync.Mutex
	headers []http.Header
	paths   []string
}

func (h *headerRecorder) start(t *testing.T, target string) string {
	t.Helper()
	u, err := url.Parse(target)
	require.NoError(t, err)
	proxy := httputil.NewSingleHostReverseProxy(u)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.mu.Lock()
		h.headers = append(h.headers, r.Header.Clone())
		h.paths = append(h.paths, r.URL.Path)
		h.mu.Unlock()
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// The dev server is Vault's open-source edition, where namespaces are an
// Enterprise feature (it ignores the header); what can be proven here is
// that the namespace and extra headers go with every request.
func TestVault_NamespaceAndExtraHeadersGoWithEveryRequest(t *testing.T) {
	t.Parallel()
	bin, v, tokens := vaultServer(t)
	rec := &headerRecorder{}
	in := vaultInputs(v, "secret/data/aws accessKey | AWS_ACCESS_KEY_ID")
	in["vault-url"] = rec.start(t, v.URL)
	in["vault-namespace"] = "team-a/"
	in["vault-extra-headers"] = "X-Team: blue\nX-Trace-Id: 42"
	res := run(t, testbed.Step{Binary: bin, Inputs: in, Env: tlsEnv(t, tokens)})
	require.Equal(t, 0, res.ExitCode, res.Stdout)

	rec.mu.Lock()
	defer rec.mu.Unlock()
	assert.Contains(t, rec.paths, "/v1/auth/jwt/login")
	assert.Contains(t, rec.paths, "/v1/secret/data/aws")
	assert.Contains(t, rec.paths, "/v1/auth/token/revoke-self")
	for i, h := range rec.headers {
		assert.Equal(t, "team-a", h.Get("X-Vault-Namespace"), rec.paths[i])
		assert.Equal(t, "blue", h.Get("X-Team"), rec.paths[i])
		assert.Equal(t, "42", h.Get("X-Trace-Id"), rec.paths[i])
	}
}

func TestVault_EachPathIsReadOnce(t *testing.T) {
	t.Parallel()
	bin, v, tokens := vaultServer(t)
	rec := &headerRecorder{}
	in := vaultInputs(v, "secret/data/app npmToken | A; secret/data/app some-key-123 | B; secret/data/app db.password | C")
	in["vault-url"] = rec.start(t, v.URL)
	res := run(t, testbed.Step{Binary: bin, Inputs: in, Env: tlsEnv(t, tokens)})
	require.Equal(t, 0, res.ExitCode, res.Stdout)
	rec.mu.Lock()
	defer rec.mu.Unlock()
	reads := 0
	for _, p := range rec.paths {
		if p == "/v1/secret/data/app" {
			reads++
		}
	}
	assert.Equal(t, 1, reads, "three entries of one path: one read (one lease for dynamic secrets)")
	// The floor README states: login, the path's mount lookup and read,
	// and the token's revocation.
	assert.Len(t, rec.paths, 4, "requests to Vault: %v", rec.paths)
}

// Dynamic secrets die with the token that read them, so the token must
// outlive the step: the step hands it to the post step, which revokes it
// at the end of the job.
func TestVault_DynamicSecretsKeepTheirLeaseUntilThePostStep(t *testing.T) {
	t.Parallel()
	bin, moto := servers(t)
	_, v, tokens := vaultServer(t)
	ctx := context.Background()
	mount := fmt.Sprintf("aws-%d", time.Now().UnixNano())
	for _, c := range []call{
		{"POST", "sys/mounts/" + mount, map[string]any{"type": "aws"}},
		{"POST", mount + "/config/root", map[string]any{"access_key": "AKIDVAULTROOT", "secret_key": "vault-root-secret",
			"region": "us-east-1", "iam_endpoint": moto.URL, "sts_endpoint": moto.URL}},
		{"POST", mount + "/roles/deploy", map[string]any{"credential_type": "iam_user",
			"policy_document": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*"}]}`}},
		{"PUT", "sys/policies/acl/" + mount, map[string]any{"policy": `path "` + mount + `/creds/*" { capabilities = ["read"] }`}},
		{"POST", "auth/jwt/role/" + mount, map[string]any{"role_type": "jwt", "user_claim": "repository",
			"bound_audiences": []string{"https://github.com/" + tutorialOwner}, "policies": []string{mount}}},
	} {
		_, err := v.API(ctx, c.method, c.path, c.body)
		require.NoError(t, err)
	}
	in := vaultInputs(v, mount+"/creds/deploy access_key | AK; "+mount+"/creds/deploy secret_key | SK")
	in["vault-role"] = mount
	res := run(t, testbed.Step{Binary: bin, Inputs: in, Env: tlsEnv(t, tokens)})
	require.Equal(t, 0, res.ExitCode, res.Stdout)

	env := runnertest.ToMap(res.Env)
	assert.NotEmpty(t, env["AK"])
	assert.NotEmpty(t, env["SK"])
	assert.Contains(t, res.Stdout, "Keeping the Vault token until the job ends")
	assert.NotContains(t, res.Stdout, "Vault token revoked")
	token := runnertest.ToMap(res.State)["vault-token"]
	require.NotEmpty(t, token, "the token is handed to the post step")
	assert.Contains(t, runnertest.Masks(res.Stdout), token)
	assert.True(t, tokenWorks(t, v, token), "the leases' token lives until the job ends")

	// The post step: the same binary called federate-post, the same
	// inputs, and the state as STATE_* variables.
	post := filepath.Join(t.TempDir(), "federate-post")
	require.NoError(t, os.Symlink(bin, post))
	postEnv := with(tlsEnv(t, tokens), map[string]string{"STATE_vault-token": token})
	postRes := run(t, testbed.Step{Binary: post, Inputs: in, Env: postEnv})
	require.Equal(t, 0, postRes.ExitCode, postRes.Stdout)
	assert.Contains(t, postRes.Stdout, "Vault token revoked")
	assert.False(t, tokenWorks(t, v, token))
	assert.NotContains(t, runnertest.Visible(postRes.Stdout, postRes.Stderr), token)
}

func TestVault_TokenIsRevokedWhenTheStepFails(t *testing.T) {
	t.Parallel()
	bin, v, tokens := vaultServer(t)
	in := vaultInputs(v, "secret/data/aws accessKey | A; locked/data/x key | B")
	in["vault-export-token"] = "true" // kept only if the step succeeds
	res := run(t, testbed.Step{Binary: bin, Inputs: in, Env: tlsEnv(t, tokens)})
	require.Equal(t, 1, res.ExitCode, res.Stdout)
	assert.Empty(t, res.EnvRaw)
	assert.False(t, tokenWorks(t, v, vaultTokenFrom(t, res.Stdout)))
}

func TestVault_AGivenTokenIsNeverRevoked(t *testing.T) {
	t.Parallel()
	bin, v, _ := vaultServer(t)
	child, err := v.API(context.Background(), "POST", "auth/token/create", map[string]any{"policies": []string{tutorialRole}})
	require.NoError(t, err)
	token := child["auth"].(map[string]any)["client_token"].(string)
	in := with(vaultInputs(v, "locked/data/x key | B"), map[string]string{"vault-method": "token", "vault-role": "", "vault-token": token})
	res := run(t, testbed.Step{Binary: bin, Inputs: in})
	require.Equal(t, 1, res.ExitCode, res.Stdout)
	assert.True(t, tokenWorks(t, v, token))
	assert.Contains(t, runnertest.Masks(res.Stdout), token, "masked before the first request")
}
