package plan_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/federate-action/federate/internal/inputs"
	"github.com/federate-action/federate/internal/plan"
)

func vaultInputs(in map[string]string) map[string]string {
	all := map[string]string{"vault-url": "https://vault.example.com", "vault-role": "ci"}
	for k, v := range in {
		all[k] = v
	}
	return all
}

func TestBuild_VaultSecretFiles(t *testing.T) {
	t.Parallel()
	t.Run("file_entry_gets_the_files_directory", func(t *testing.T) {
		t.Parallel()
		p, err := plan.Build(inputs.New(runnerEnv(vaultInputs(map[string]string{
			"vault-secrets": "secret/data/ci key > KEY_FILE", "RUNNER_TEMP": "/github/runner_temp", "runner-temp": "/home/runner/_temp",
		}))))
		require.NoError(t, err)
		require.True(t, p.Files.Needed())
		assert.Same(t, p.Files, p.Vault.Files)
		require.NoError(t, p.Files.SetFilesDir("0a1b2c3d"))
		assert.Equal(t, "/github/runner_temp/federate-0a1b2c3d", p.Vault.Files.FilesDir)
		assert.Equal(t, "/home/runner/_temp/federate-0a1b2c3d", p.Vault.Files.HostFilesDir)
	})
	t.Run("aws_and_vault_share_one_directory", func(t *testing.T) {
		t.Parallel()
		p, err := plan.Build(inputs.New(runnerEnv(vaultInputs(map[string]string{
			"vault-secrets": "secret/data/ci key > KEY_FILE", "RUNNER_TEMP": "/github/runner_temp",
			"aws-region": "us-east-1", "aws-profiles": "prod arn:aws:iam::222222222222:role/deploy",
		}))))
		require.NoError(t, err)
		assert.Same(t, p.AWS.FilesPlan, p.Vault.Files)
	})
	t.Run("no_file_entry_writes_no_files", func(t *testing.T) {
		t.Parallel()
		p, err := plan.Build(inputs.New(runnerEnv(vaultInputs(map[string]string{"vault-secrets": "secret/data/ci key | KEY"}))))
		require.NoError(t, err)
		assert.False(t, p.Files.Needed())
		assert.Nil(t, p.Vault.Files)
	})
	t.Run("file_entry_without_runner_temp_is_refused", func(t *testing.T) {
		t.Parallel()
		_, err := plan.Build(inputs.New(runnerEnv(vaultInputs(map[string]string{"vault-secrets": "secret/data/ci key > KEY_FILE"}))))
		var env *plan.EnvError
		require.ErrorAs(t, err, &env)
		assert.Contains(t, env.Message, "path key > NAME")
	})
}

func TestBuild_VaultUnmasked(t *testing.T) {
	t.Parallel()
	const specs = "secret/data/ci region | REGION\nsecret/data/ci dbHost\nsecret/data/ci key > KEY_FILE\nsecret/data/app * | APP_\nsecret/data/all *"
	tests := []struct {
		name     string
		unmasked string
		want     []string
		wantErr  string // in the hint; "" for none
	}{
		{"explicit_name", "REGION", []string{"REGION"}, ""},
		{"derived_env_and_output_names", "DBHOST\ndbHost", []string{"DBHOST", "dbHost"}, ""},
		{"a_name_a_wildcard_could_export", "APP_URL", []string{"APP_URL"}, ""},
		{"name_no_entry_exports", "REGIONS", nil, "no vault-secrets entry exports this name"},
		{"secret_file_name", "KEY_FILE", nil, "writes its value to a file"},
		{"token_env", "VAULT_TOKEN", nil, "the Vault token is always masked"},
		{"token_output", "vault-token", nil, "the Vault token is always masked"},
		// `path *` without a prefix could export any name: it must not
		// make every name acceptable, a certificate's key among them.
		{"a_name_only_a_wildcard_without_prefix_could_export", "TYPO_NAMEZ", nil, "no vault-secrets entry exports this name"},
		{"pki_private_key", "WEB_KEY", nil, "always masked"},
		{"pki_certificate", "WEB_CERT", nil, "always masked"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p, err := plan.Build(inputs.New(runnerEnv(vaultInputs(map[string]string{
				"vault-secrets": specs, "vault-unmasked": tt.unmasked, "RUNNER_TEMP": "/tmp",
				"vault-pki": `pki/issue/web {"common_name": "web.example.com"} | WEB`,
			}))))
			if tt.wantErr != "" {
				var in *inputs.Error
				require.ErrorAs(t, err, &in)
				assert.Equal(t, "vault-unmasked", in.Input)
				assert.Contains(t, in.Hint, tt.wantErr)
				return
			}
			require.NoError(t, err)
			for _, n := range tt.want {
				assert.True(t, p.Vault.Unmasked[n], n)
			}
			assert.Len(t, p.Vault.Unmasked, len(tt.want))
		})
	}
}
