package plan_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/federate-action/federate/internal/inputs"
	"github.com/federate-action/federate/internal/plan"
)

func TestBuild_VaultCertAndAWSInvalid(t *testing.T) {
	t.Parallel()
	const url = "https://vault.example.com"
	tests := []struct {
		name      string
		in        map[string]string
		wantInput string
		wantText  string
	}{
		{"cert_without_a_client_certificate", map[string]string{"vault-url": url, "vault-method": "cert", "vault-secrets": "a b"},
			"vault-client-certificate", "vault-method is cert: set vault-client-certificate and vault-client-key"},
		{"cert_over_plain_http", map[string]string{"vault-url": "http://127.0.0.1:8200", "vault-method": "cert", "vault-secrets": "a b",
			"vault-client-certificate": "-----BEGIN CERTIFICATE-----", "vault-client-key": "-----BEGIN hunter2"},
			"vault-url", "use Vault's https URL"},
		{"aws_without_any_credentials", map[string]string{"vault-url": url, "vault-method": "aws", "vault-secrets": "a b"},
			"vault-method", "set role-to-assume (and aws-region) to get them in this step, or run after a step that exports AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"},
		{"aws_with_a_key_id_but_no_secret_key", map[string]string{"vault-url": url, "vault-method": "aws", "vault-secrets": "a b", "AWS_ACCESS_KEY_ID": "AKIAEXAMPLE"},
			"vault-method", "there are none"},
		{"aws_header_value_with_a_line_break", map[string]string{"vault-url": url, "vault-method": "aws", "vault-secrets": "a b",
			"role-to-assume": "arn:aws:iam::111122223333:role/r", "aws-region": "us-east-1", "vault-aws-header-value": "vault.example.com\r\nX-Injected: 1"},
			"vault-aws-header-value", "control character"},
		{"aws_header_value_without_vault", map[string]string{"vault-aws-header-value": "vault.example.com", "role-to-assume": "arn:aws:iam::111122223333:role/r", "aws-region": "us-east-1"},
			"vault-url", "vault-aws-header-value"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := plan.Build(inputs.New(runnerEnv(tt.in)))
			assertRefused(t, err, "Invalid input "+tt.wantInput, tt.wantText)
		})
	}
}

func TestBuild_VaultAWSSignsForVaultsSTS(t *testing.T) {
	t.Parallel()
	const role = "arn:aws:iam::111122223333:role/r"
	tests := []struct {
		name       string
		in         map[string]string
		wantURL    string
		wantRegion string
		wantRole   bool
	}{
		{"environment_credentials_sign_for_vaults_default", map[string]string{"AWS_ACCESS_KEY_ID": "AKIAEXAMPLE", "AWS_SECRET_ACCESS_KEY": "s"},
			"https://sts.amazonaws.com/", "us-east-1", false},
		{"role_in_another_region_still_signs_for_the_global_endpoint", map[string]string{"role-to-assume": role, "aws-region": "eu-west-1"},
			"https://sts.amazonaws.com/", "us-east-1", true},
		{"sts_endpoint_is_signed_for_with_aws_region", map[string]string{"role-to-assume": role, "aws-region": "eu-west-1", "sts-endpoint": "https://sts.eu-west-1.amazonaws.com"},
			"https://sts.eu-west-1.amazonaws.com/", "eu-west-1", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			in := map[string]string{"vault-url": "https://vault.example.com", "vault-method": "aws", "vault-role": "ci",
				"vault-secrets": "a b", "vault-aws-header-value": "vault.example.com"}
			for k, v := range tt.in {
				in[k] = v
			}
			p, err := plan.Build(inputs.New(runnerEnv(in)))
			require.NoError(t, err)
			require.NotNil(t, p.Vault.AWSLogin)
			assert.Equal(t, "aws", p.Vault.Mount)
			assert.Equal(t, "ci", p.Vault.LoginRole())
			assert.Equal(t, plan.AWSLoginPlan{STSURL: tt.wantURL, Region: tt.wantRegion, HeaderValue: "vault.example.com", FromRole: tt.wantRole}, *p.Vault.AWSLogin)
		})
	}
}
