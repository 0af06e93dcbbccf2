package plan_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/federate-action/federate/internal/inputs"
	"github.com/federate-action/federate/internal/plan"
	"github.com/federate-action/federate/internal/secretspec"
)

func TestBuild_VaultPKIAlone(t *testing.T) {
	t.Parallel()
	p, err := plan.Build(inputs.New(runnerEnv(map[string]string{
		"vault-url": "https://vault.example.com", "vault-role": "ci",
		"vault-pki": `pki/issue/web {"common_name": "app.example.com"} | TLS`,
	})))
	require.NoError(t, err)
	require.Len(t, p.Vault.PKI, 1)
	assert.Equal(t, "pki/issue/web", p.Vault.PKI[0].Path)
	assert.Empty(t, p.Vault.Specs)
}

func TestBuild_VaultPKIInvalid(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		in       map[string]string
		wantText []string
	}{
		{"pki_name_collides_with_a_secret", map[string]string{
			"vault-secrets": "secret/data/x key | TLS_KEY",
			"vault-pki":     `pki/issue/web {} | TLS`},
			[]string{"entry 1 (secret/data/x key | TLS_KEY)", "vault-pki entry 1 (pki/issue/web {} | TLS)", "both set env var TLS_KEY"}},
		{"two_pki_entries_one_name", map[string]string{
			"vault-pki": "pki/issue/web {} | TLS\npki_int/issue/web {}\npki/issue/api {} | TLS"},
			[]string{"vault-pki", "vault-pki entry 1", "vault-pki entry 3", "TLS_CERT"}},
		{"derived_names_collide_across_mounts", map[string]string{
			"vault-pki": "pki/issue/web {}\npki_int/issue/web {}"},
			[]string{"vault-pki entry 1", "vault-pki entry 2", "WEB_CERT"}},
		{"output_names_collide_without_env", map[string]string{"vault-export-env": "false",
			"vault-pki": "pki/issue/web {}\npki_int/issue/web {}"},
			[]string{"both set output web_cert"}},
		{"pki_name_collides_with_the_aws_env", map[string]string{
			"role-to-assume": "arn:aws:iam::111111111111:role/r", "aws-region": "us-east-1",
			"vault-pki": "pki/issue/web {} | AWS_SECRET_ACCESS"},
			[]string{"role-to-assume", "AWS_SECRET_ACCESS_KEY", "or set output-env-credentials: false"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			in := map[string]string{"vault-url": "https://vault.example.com", "vault-role": "ci"}
			for k, v := range tt.in {
				in[k] = v
			}
			_, err := plan.Build(inputs.New(runnerEnv(in)))
			var ie *inputs.Error
			require.True(t, errors.As(err, &ie), "%v", err)
			assert.Contains(t, []string{"vault-pki", "vault-secrets"}, ie.Input, "the input of the later entry")
			for _, want := range tt.wantText {
				assert.Contains(t, err.Error(), want)
			}
		})
	}
}

func TestBuild_VaultPKIParseErrorNamesTheInput(t *testing.T) {
	t.Parallel()
	_, err := plan.Build(inputs.New(runnerEnv(map[string]string{
		"vault-url": "https://vault.example.com", "vault-role": "ci", "vault-pki": `pki/issue/web "cn"`,
	})))
	var pe *secretspec.ParseError
	require.True(t, errors.As(err, &pe), "%v", err)
	assert.Equal(t, "Invalid input vault-pki", pe.Title())
}
