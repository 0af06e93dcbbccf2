package e2e

import (
	"context"
	"encoding/base64"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/federate-action/federate/internal/runner/runnertest"
	"github.com/federate-action/federate/internal/testbed"
)

// The aws mount's server id: a login must sign it into its request.
const vaultIAMServerID = "vault.federate.test"

var (
	authxOnce sync.Once
	authxErr  error
)

// configureCertAndAWS enables Vault's cert method, trusting the test CA
// (vault-role ci) and a CA no client certificate chains to (vault-role
// stranger), and its aws method, replaying logins to moto and bound to
// the tutorial's AWS role. Vault resolves no unique ids: that would call
// IAM, and the bound ARN is the canonical one of moto's assumed role.
func configureCertAndAWS(t *testing.T, v *testbed.Vault, motoURL string) {
	t.Helper()
	authxOnce.Do(func() {
		stranger, err := testbed.NewPKI(t.TempDir())
		if err != nil {
			authxErr = err
			return
		}
		roleARN := tutorialInputs("")["role-to-assume"]
		calls := []call{
			{"POST", "sys/auth/cert", map[string]any{"type": "cert"}},
			{"POST", "auth/cert/certs/ci", map[string]any{"certificate": v.PKI.CAPEM, "token_policies": []string{tutorialRole}}},
			{"POST", "auth/cert/certs/stranger", map[string]any{"certificate": stranger.CAPEM, "token_policies": []string{tutorialRole}}},
			{"POST", "sys/auth/aws", map[string]any{"type": "aws"}},
			{"POST", "auth/aws/config/client", map[string]any{"sts_endpoint": motoURL, "sts_region": "us-east-1",
				"iam_server_id_header_value": vaultIAMServerID, "access_key": "test", "secret_key": "test"}},
			{"POST", "auth/aws/role/ci", map[string]any{"auth_type": "iam", "bound_iam_principal_arn": []string{roleARN},
				"resolve_aws_unique_ids": false, "token_policies": []string{tutorialRole}}},
			{"POST", "auth/aws/role/other", map[string]any{"auth_type": "iam", "bound_iam_principal_arn": []string{"arn:aws:iam::111122223333:role/other"},
				"resolve_aws_unique_ids": false, "token_policies": []string{tutorialRole}}},
		}
		for _, c := range calls {
			if _, authxErr = v.API(context.Background(), c.method, c.path, c.body); authxErr != nil {
				return
			}
		}
	})
	require.NoError(t, authxErr, "configuring Vault's cert and aws methods")
}

func TestVault_CertLogin(t *testing.T) {
	t.Parallel()
	bin, moto := servers(t)
	_, v, _ := vaultServer(t)
	configureCertAndAWS(t, v, moto.URL)
	b64 := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
	client := map[string]string{"vault-url": v.MTLSURL, "vault-ca-certificate": v.PKI.CAPEM, "vault-method": "cert",
		"vault-client-certificate": b64(v.PKI.ClientCertPEM), "vault-client-key": b64(v.PKI.ClientKeyPEM)}
	tests := []struct {
		name     string
		inputs   map[string]string
		wantExit int
		wantText string
	}{
		{"named_certificate_role", map[string]string{"vault-role": "ci"}, 0, ""},
		{"any_trusted_certificate_role", map[string]string{"vault-role": ""}, 0, ""},
		{"on_the_listener_that_only_asks_for_a_certificate", map[string]string{"vault-url": v.TLSURL, "vault-role": "ci"}, 0, ""},
		{"a_role_that_trusts_another_ca_is_refused", map[string]string{"vault-role": "stranger"}, 1, "Vault refused the cert login at auth/cert with role stranger (HTTP"},
		{"another_mount_path", map[string]string{"vault-role": "ci", "vault-path": "nowhere"}, 1, "auth/nowhere"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			in := with(with(vaultInputs(v, "secret/data/aws accessKey | FROM_VAULT"), client), tt.inputs)
			in["vault-retry-max-attempts"] = "1"
			res := run(t, testbed.Step{Binary: bin, Inputs: in}) // no ID token needed
			require.Equal(t, tt.wantExit, res.ExitCode, res.Stdout)
			assert.NotContains(t, res.Stdout+res.Stderr, in["vault-client-key"])
			if tt.wantExit == 0 {
				assert.Equal(t, "test", runnertest.ToMap(res.Env)["FROM_VAULT"])
				assert.Contains(t, res.Stdout, "method cert")
				return
			}
			assert.Contains(t, errorText(res.Stdout), tt.wantText)
		})
	}
}

func TestVault_AWSLogin(t *testing.T) {
	t.Parallel()
	bin, moto := servers(t)
	_, v, tokens := vaultServer(t)
	configureCertAndAWS(t, v, moto.URL)
	login := map[string]string{"vault-method": "aws", "vault-role": "ci", "vault-aws-header-value": vaultIAMServerID}

	// An earlier step's credentials for the env-credentials rows: the
	// tutorial's role, assumed by a step of its own.
	first := run(t, testbed.Step{Binary: bin, Inputs: tutorialInputs(moto.URL), Env: tlsEnv(t, tokens)})
	require.Equal(t, 0, first.ExitCode, first.Stdout)
	earlier := runnertest.ToMap(first.Env)
	envCreds := map[string]string{"AWS_ACCESS_KEY_ID": earlier["AWS_ACCESS_KEY_ID"],
		"AWS_SECRET_ACCESS_KEY": earlier["AWS_SECRET_ACCESS_KEY"], "AWS_SESSION_TOKEN": earlier["AWS_SESSION_TOKEN"]}

	tests := []struct {
		name     string
		inputs   map[string]string
		env      map[string]string
		wantExit int
		wantText string
	}{
		{"with_role_to_assume_in_the_same_step", tutorialInputs(moto.URL), nil, 0, ""},
		{"with_the_environments_credentials", nil, envCreds, 0, ""},
		{"a_role_bound_to_another_principal_is_refused", with(tutorialInputs(moto.URL), map[string]string{"vault-role": "other"}), nil, 1,
			"Vault refused the aws login at auth/aws with role other (HTTP"},
		{"a_wrong_server_id_header_is_refused", with(tutorialInputs(moto.URL), map[string]string{"vault-aws-header-value": "elsewhere"}), nil, 1,
			"Vault refused the aws login at auth/aws with role ci (HTTP"},
		{"no_server_id_header_is_refused", map[string]string{"vault-aws-header-value": ""}, envCreds, 1,
			"Vault refused the aws login at auth/aws with role ci (HTTP"},
		{"no_login_when_the_aws_side_fails", with(tutorialInputs(moto.URL), map[string]string{"sts-endpoint": "http://127.0.0.1:1", "retry-max-attempts": "1"}), nil, 1,
			"vault-method aws: no AWS credentials, since assuming role-to-assume failed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			in := with(with(vaultInputs(v, "secret/data/aws accessKey | FROM_VAULT"), login), tt.inputs)
			in["vault-retry-max-attempts"] = "1"
			env := with(tlsEnv(t, tokens), tt.env)
			res := run(t, testbed.Step{Binary: bin, Inputs: in, Env: env})
			require.Equal(t, tt.wantExit, res.ExitCode, res.Stdout)
			visible := runnertest.Visible(res.Stdout, res.Stderr)
			for _, s := range []string{envCreds["AWS_SECRET_ACCESS_KEY"], envCreds["AWS_SESSION_TOKEN"], "X-Amz-Security-Token", "iam_request_headers"} {
				assert.NotContains(t, visible, s)
			}
			if tt.wantExit == 0 {
				assert.Equal(t, "test", runnertest.ToMap(res.Env)["FROM_VAULT"])
				assert.Contains(t, res.Stdout, "method aws, role ci")
				assert.Contains(t, res.Stdout, "Signing sts:GetCallerIdentity for ")
				return
			}
			assert.Contains(t, errorText(res.Stdout), tt.wantText)
		})
	}
}
