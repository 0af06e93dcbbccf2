package plan_test

import (
	"maps"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/federate-action/federate/internal/inputs"
	"github.com/federate-action/federate/internal/plan"
)

// An input of a side that is off (role-to-assume or vault-url empty, often
// from an unset variable) is an error before any request: the step would
// otherwise succeed and export nothing from that side.
func TestBuild_InputsOfASideThatIsOff(t *testing.T) {
	t.Parallel()
	aws := map[string]string{"role-to-assume": "arn:aws:iam::111122223333:role/r", "aws-region": "us-east-1"}
	vault := map[string]string{"vault-url": "https://vault.example.com", "vault-secrets": "secret/data/ci token | T"}
	tests := []struct {
		name      string
		base      map[string]string
		in        map[string]string
		wantInput string // "" for no error
		wantText  string
	}{
		{"vault_secrets_without_vault_url", aws, map[string]string{"vault-secrets": "secret/data/ci token | T"},
			"vault-url", "vault-secrets is set, but vault-url is empty"},
		{"vault_role_without_vault_url_and_nothing_else", nil, map[string]string{"vault-role": "ci"},
			"vault-url", "set vault-url (an unset variable such as ${{ vars.VAULT_ADDR }} gives an empty value), or remove vault-role"},
		{"every_given_vault_input_is_named", aws, map[string]string{"vault-role": "ci", "vault-secrets": "secret/data/ci token | T", "vault-export-env": "false"},
			"vault-url", "vault-role, vault-secrets, vault-export-env are set"},
		{"vault_token_is_named_not_shown", aws, map[string]string{"vault-method": "token", "vault-token": "hunter2"},
			"vault-url", "vault-method, vault-token are set"},
		{"allowed_accounts_without_a_role", vault, map[string]string{"allowed-account-ids": "111122223333"},
			"role-to-assume", "allowed-account-ids is set, but role-to-assume is empty"},
		{"duration_without_a_role", vault, map[string]string{"role-duration-seconds": "900"},
			"role-to-assume", "or remove role-duration-seconds"},
		{"region_without_a_role", vault, map[string]string{"aws-region": "us-east-1"},
			"role-to-assume", "aws-region is set"},
		{"mask_flag_without_a_role", vault, map[string]string{"mask-aws-account-id": "true"},
			"role-to-assume", "mask-aws-account-id is set"},
		{"aws_defaults_as_the_runner_passes_them_are_not_given", vault, map[string]string{
			"role-session-name": "GitHubActions", "role-duration-seconds": "3600", "output-credentials": "false",
			"output-env-credentials": "true", "mask-aws-account-id": "False", "retry-max-attempts": "12"}, "", ""},
		{"vault_defaults_as_the_runner_passes_them_are_not_given", aws, map[string]string{
			"vault-method": "jwt", "vault-export-env": "true", "vault-export-token": "false", "vault-output-token": "false",
			"vault-ignore-not-found": "false", "vault-tls-skip-verify": "FALSE", "vault-retry-max-attempts": "5"}, "", ""},
		{"blank_values_are_not_given", vault, map[string]string{"aws-region": "  ", "allowed-account-ids": "\n"}, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			in := maps.Clone(tt.base)
			if in == nil {
				in = map[string]string{}
			}
			maps.Copy(in, tt.in)
			_, err := plan.Build(inputs.New(runnerEnv(in)))
			if tt.wantInput == "" {
				require.NoError(t, err)
				return
			}
			var inErr *inputs.Error
			require.ErrorAs(t, err, &inErr)
			assert.Equal(t, tt.wantInput, inErr.Input)
			assertRefused(t, err, "Invalid input "+tt.wantInput, tt.wantText)
		})
	}
}
