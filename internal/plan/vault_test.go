package plan_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/federate-action/federate/internal/inputs"
	"github.com/federate-action/federate/internal/plan"
)

func TestBuild_VaultDefaults(t *testing.T) {
	t.Parallel()
	p, err := plan.Build(inputs.New(runnerEnv(map[string]string{
		"vault-url":     "https://vault.example.com:8200/",
		"vault-role":    "myproject-production",
		"vault-secrets": "secret/data/aws accessKey | AWS_ACCESS_KEY_ID ;",
	})))
	require.NoError(t, err)
	require.Nil(t, p.AWS)
	v := p.Vault
	require.NotNil(t, v)
	assert.Equal(t, "https://vault.example.com:8200", v.Address)
	assert.Equal(t, "jwt", v.Method)
	assert.Equal(t, "jwt", v.Mount)
	assert.Equal(t, "", v.Audience, "GitHub's default audience")
	assert.True(t, v.ExportEnv)
	assert.False(t, v.KeepsToken())
	assert.Equal(t, 5, v.MaxAttempts)
	require.Len(t, v.Specs, 1)
	assert.Equal(t, "AWS_ACCESS_KEY_ID", v.Specs[0].EnvName())
	assert.NotEmpty(t, p.Token.RequestURL, "jwt needs the ID token")
}

func TestBuild_VaultWithoutJWTNeedsNoIDToken(t *testing.T) {
	t.Parallel()
	p, err := plan.Build(inputs.New(runnerEnv(map[string]string{
		"vault-url": "http://127.0.0.1:8200", "vault-method": "approle", "vault-role-id": "r", "vault-secret-id": "s",
		"vault-secrets": "secret/data/x y", "ACTIONS_ID_TOKEN_REQUEST_URL": "",
	})))
	require.NoError(t, err)
	assert.Equal(t, "approle", p.Vault.Mount)
	assert.Equal(t, "s", p.Vault.SecretID.Reveal())
}

// A role with bind_secret_id=false needs no secret id, as in vault-action.
func TestBuild_ApproleWithoutSecretID(t *testing.T) {
	t.Parallel()
	p, err := plan.Build(inputs.New(runnerEnv(map[string]string{
		"vault-url": "https://vault.example.com", "vault-method": "approle", "vault-role-id": "r",
		"vault-secrets": "secret/data/x y", "ACTIONS_ID_TOKEN_REQUEST_URL": "",
	})))
	require.NoError(t, err)
	assert.Equal(t, "r", p.Vault.RoleID)
	assert.True(t, p.Vault.SecretID.IsZero())
}

func TestBuild_VaultInvalid(t *testing.T) {
	t.Parallel()
	const url = "https://vault.example.com"
	tests := []struct {
		name      string
		in        map[string]string
		wantInput string
		wantText  string
	}{
		{"plain_http_off_loopback", map[string]string{"vault-url": "http://vault.example.com", "vault-secrets": "a b"}, "vault-url", "unencrypted"},
		{"url_with_credentials", map[string]string{"vault-url": "https://u:hunter2@vault.example.com", "vault-secrets": "a b"}, "vault-url", "no user:password@"},
		{"unknown_method", map[string]string{"vault-url": url, "vault-method": "oidc", "vault-secrets": "a b"}, "vault-method", "vault-auth-payload"},
		{"token_method_without_token", map[string]string{"vault-url": url, "vault-method": "token", "vault-secrets": "a b"}, "vault-token", "is required"},
		{"approle_without_role_id", map[string]string{"vault-url": url, "vault-method": "approle", "vault-secret-id": "hunter2", "vault-secrets": "a b"}, "vault-role-id", "is required"},
		{"nothing_asked", map[string]string{"vault-url": url}, "vault-secrets", "nothing is asked of Vault"},
		{"spec_error_names_entry_and_column", map[string]string{"vault-url": url, "vault-secrets": "a b\nsecret/x key |"}, "vault-secrets", "entry 2 (line 2"},
		{"two_entries_one_name", map[string]string{"vault-url": url, "vault-secrets": "a x | N; b y | N"}, "vault-secrets", "entry 1 (a x | N) and entry 2 (b y | N) both set env var N"},
		{"derived_names_collide", map[string]string{"vault-url": url, "vault-secrets": "a my-key\nb mykey"}, "vault-secrets", "both set env var MYKEY"},
		{"clash_with_aws", map[string]string{"vault-url": url, "vault-secrets": "a b | AWS_REGION", "role-to-assume": "arn:aws:iam::111122223333:role/r", "aws-region": "us-east-1"}, "vault-secrets", "role-to-assume and entry 1 (a b | AWS_REGION) both set env var AWS_REGION"},
		{"url_without_a_scheme_hides_its_password", map[string]string{"vault-url": "ci:hunter2@vault.example.com:8200", "vault-secrets": "a b"}, "vault-url", `"REDACTED@vault.example.com:8200"`},
		{"bad_ca_is_not_shown", map[string]string{"vault-url": url, "vault-secrets": "a b", "vault-ca-certificate": "-----BEGIN PRIVATE KEY-----\nhunter2"}, "vault-ca-certificate", "(value hidden): use a PEM certificate"},
		{"auth_path_with_a_dot_segment", map[string]string{"vault-url": url, "vault-secrets": "a b", "vault-path": "jwt/./x"}, "vault-path", "auth mount's path"},
		{"secret_path_with_a_dot_segment", map[string]string{"vault-url": url, "vault-secrets": "a b\n  secret/./data/x v"}, "vault-secrets", `entry 2 (line 2, column 10): invalid path: it must not contain a "." segment`},
		{"auth_path_climbing_out", map[string]string{"vault-url": url, "vault-secrets": "a b", "vault-path": "../sys"}, "vault-path", "auth mount's path"},
		{"namespace_is_quoted_once", map[string]string{"vault-url": url, "vault-secrets": "a b", "vault-namespace": "a b"}, "vault-namespace", `invalid value "a b"`},
		{"name_the_runner_refuses", map[string]string{"vault-url": url, "vault-secrets": "a b | NODE_OPTIONS"}, "vault-secrets", "the runner refuses"},
		{"client_cert_without_key", map[string]string{"vault-url": url, "vault-secrets": "a b", "vault-client-certificate": "x"}, "vault-client-key", "together"},
		{"client_key_never_shown", map[string]string{"vault-url": url, "vault-secrets": "a b", "vault-client-certificate": "-----BEGIN CERTIFICATE-----", "vault-client-key": "-----BEGIN hunter2"}, "vault-client-certificate", "value hidden"},
		{"header_without_colon", map[string]string{"vault-url": url, "vault-secrets": "a b", "vault-extra-headers": "X-Team"}, "vault-extra-headers", "Name: value"},
		{"header_that_sets_the_token", map[string]string{"vault-url": url, "vault-secrets": "a b", "vault-extra-headers": "X-Vault-Token: hunter2"}, "vault-extra-headers", "login"},
		{"derived_name_outside_ascii", map[string]string{"vault-url": url, "vault-secrets": "secret/data/x пароль"}, "vault-secrets", "which later steps cannot use"},
		{"output_names_differ_only_in_case", map[string]string{"vault-url": url, "vault-export-env": "false", "vault-secrets": "a x | Token; b y | TOKEN"}, "vault-secrets", "both set output TOKEN"},
		{"clash_with_the_exported_token", map[string]string{"vault-url": url, "vault-export-token": "true", "vault-secrets": "a x | VAULT_ADDR"}, "vault-secrets", "vault-export-token and entry 1 (a x | VAULT_ADDR) both set env var VAULT_ADDR"},
		{"header_value_never_shown", map[string]string{"vault-url": url, "vault-secrets": "a b", "vault-extra-headers": "X-Api-Key hunter2"}, "vault-extra-headers", "line 1 is not a header"},
		{"bad_encoding", map[string]string{"vault-url": url, "vault-secrets": "a b", "vault-secret-encoding-type": "rot13"}, "vault-secret-encoding-type", "base64, hex or utf8"},
		{"bad_boolean", map[string]string{"vault-url": url, "vault-secrets": "a b", "vault-export-token": "yes"}, "vault-export-token", "true or false"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := plan.Build(inputs.New(runnerEnv(tt.in)))
			// *inputs.Error or, for the grammar, *secretspec.ParseError:
			// both name the input in their title.
			assertRefused(t, err, "Invalid input "+tt.wantInput, tt.wantText)
		})
	}
}
