package explain

import (
	"bytes"
	"encoding/base64"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// unsignedJWT builds a token whose payload is claimsJSON; explain never
// checks the signature.
func unsignedJWT(claimsJSON string) string {
	enc := base64.RawURLEncoding.EncodeToString
	return enc([]byte(`{"alg":"RS256","typ":"JWT"}`)) + "." + enc([]byte(claimsJSON)) + "." + enc([]byte("sig"))
}

func TestRun(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(text), 0o600))
		return p
	}
	claims := `{"iss":"https://token.actions.githubusercontent.com","aud":"sts.amazonaws.com","sub":"repo:o/r:ref:refs/heads/main","repository":"o/r"}`
	claimsFile := write("claims.json", claims)
	tokenFile := write("token", unsignedJWT(claims)+"\n")
	pinned := write("pinned.json", `{"Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::1:oidc-provider/token.actions.githubusercontent.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com","token.actions.githubusercontent.com:sub":"repo:o/r:ref:refs/heads/main"}}}]}`)
	other := write("other.json", `{"Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::1:oidc-provider/token.actions.githubusercontent.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com","token.actions.githubusercontent.com:sub":"repo:o/r:ref:refs/heads/dev"}}}]}`)
	wide := write("wide.json", `{"Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::1:oidc-provider/token.actions.githubusercontent.com"},"Action":"sts:AssumeRoleWithWebIdentity"}]}`)
	role := write("role.json", `{"bound_audiences":["sts.amazonaws.com"],"bound_claims":{"repository":"o/r"},"user_claim":"sub"}`)
	env := map[string]string{"TOKEN": unsignedJWT(claims), "NOT_A_JWT": "abc"}

	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantOut  string
		wantErr  string
	}{
		{"claims_file_admitted_is_0", []string{"--aws-trust-policy", pinned, "--claims", claimsFile}, 0, "Verdict: the trust policy admits this run.", ""},
		{"refused_is_1", []string{"--aws-trust-policy", other, "--claims", claimsFile}, 1, "matches none of", ""},
		{"dangerous_wins_over_admitted", []string{"--aws-trust-policy", wide, "--claims", claimsFile}, 2, "Dangerous, whatever the claims:", ""},
		{"token_file_is_decoded_unverified", []string{"--aws-trust-policy", pinned, "--id-token-file", tokenFile}, 0, "sub: repo:o/r:ref:refs/heads/main", ""},
		{"token_env_is_decoded_unverified", []string{"--vault-role", role, "--id-token-env", "TOKEN"}, 0, "Verdict: the Vault role admits this run.", ""},
		{"token_env_unset_names_the_variable", []string{"--vault-role", role, "--id-token-env", "MISSING"}, 3, "", "--id-token-env MISSING: the variable is empty or not set"},
		{"token_env_not_a_jwt_is_refused", []string{"--vault-role", role, "--id-token-env", "NOT_A_JWT"}, 3, "", "--id-token-env NOT_A_JWT: the ID token is not a JWT"},
		{"token_env_given_the_token_asks_for_the_name", []string{"--vault-role", role, "--id-token-env", unsignedJWT(claims)}, 3, "", "--id-token-env: give the variable's name, not the token"},
		{"token_env_given_a_value_with_spaces_asks_for_the_name", []string{"--vault-role", role, "--id-token-env", "my secret"}, 3, "", "--id-token-env: give the variable's name, not the token"},
		{"both_documents_is_a_usage_error", []string{"--aws-trust-policy", pinned, "--vault-role", role, "--claims", claimsFile}, 3, "", "give one of --aws-trust-policy FILE or --vault-role FILE"},
		{"no_claims_is_a_usage_error", []string{"--aws-trust-policy", pinned}, 3, "", "give one of --claims FILE, --id-token-file FILE or --id-token-env NAME"},
		{"two_claim_sources_is_a_usage_error", []string{"--aws-trust-policy", pinned, "--claims", claimsFile, "--id-token-env", "TOKEN"}, 3, "", "give one of --claims FILE"},
		{"missing_policy_file_names_the_flag", []string{"--aws-trust-policy", filepath.Join(dir, "nope.json"), "--claims", claimsFile}, 3, "", "--aws-trust-policy: open"},
		{"claims_not_an_object_names_the_file", []string{"--aws-trust-policy", pinned, "--claims", pinned + "x"}, 3, "", "--claims: open"},
		{"unknown_flag_is_a_usage_error", []string{"--role", "x"}, 3, "", "flag provided but not defined: -role"},
		{"stray_argument_is_a_usage_error", []string{"--aws-trust-policy", pinned, "--claims", claimsFile, "extra"}, 3, "", `unexpected argument "extra"`},
		{"stray_token_is_not_echoed", []string{"--aws-trust-policy", pinned, "--claims", claimsFile, unsignedJWT(claims)}, 3, "", "unexpected argument (not shown"},
		{"help_prints_usage_and_succeeds", []string{"--help"}, 0, "", "Exit code: 0 admitted, 1 refused, 2 dangerous"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var stdout, stderr bytes.Buffer
			code := run(tt.args, func(k string) string { return env[k] }, &stdout, &stderr)
			assert.Equal(t, tt.wantCode, code, "stdout:\n%s\nstderr:\n%s", stdout.String(), stderr.String())
			assert.Contains(t, stdout.String(), tt.wantOut)
			assert.Contains(t, stderr.String(), tt.wantErr)
			assert.NotContains(t, stderr.String(), unsignedJWT(claims), "the token is echoed")
			if len(tt.args) > 1 && tt.args[len(tt.args)-2] == "--id-token-env" && !envName().MatchString(tt.args[len(tt.args)-1]) {
				assert.NotContains(t, stderr.String(), tt.args[len(tt.args)-1], "the value given is echoed")
			}
		})
	}
}

func TestEntryPoint_reads_the_process_environment(t *testing.T) {
	// Not parallel: it sets a process environment variable.
	dir := t.TempDir()
	role := filepath.Join(dir, "role.json")
	require.NoError(t, os.WriteFile(role, []byte(`{"bound_audiences":["a"],"bound_claims":{"repository":"o/r"},"user_claim":"sub"}`), 0o600))
	t.Setenv("EXPLAIN_TEST_TOKEN", unsignedJWT(`{"iss":"https://x","aud":"a","sub":"s","repository":"o/r"}`))
	var stdout, stderr bytes.Buffer
	assert.Equal(t, 0, Main([]string{"--vault-role", role, "--id-token-env", "EXPLAIN_TEST_TOKEN"}, &stdout, &stderr), stderr.String())
}
