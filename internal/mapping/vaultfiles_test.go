package mapping

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/federate-action/federate/internal/export"
	"github.com/federate-action/federate/internal/plan"
	"github.com/federate-action/federate/internal/secret"
	"github.com/federate-action/federate/internal/vault"
)

func withFiles(p *plan.VaultPlan) {
	p.Files = &plan.FilesPlan{TempDir: "/github/runner_temp", HostTempDir: "/home/runner/_temp",
		FilesDir: "/github/runner_temp/federate-0123abcd", HostFilesDir: "/home/runner/_temp/federate-0123abcd"}
}

func unmask(names ...string) func(*plan.VaultPlan) {
	return func(p *plan.VaultPlan) {
		p.Unmasked = map[string]bool{}
		for _, n := range names {
			p.Unmasked[n] = true
		}
	}
}

func TestVault_secret_files(t *testing.T) {
	t.Parallel()
	const dir, host = "/github/runner_temp/federate-0123abcd", "/home/runner/_temp/federate-0123abcd"
	tests := []struct {
		name        string
		specs       string
		ignore      bool
		wantFiles   map[string]string
		wantEnv     map[string]string
		wantMasked  []string
		wantNoState bool
	}{
		{name: "value_goes_to_a_file_and_name_to_its_host_path", specs: "secret/data/app token > TOKEN_FILE",
			wantFiles:  map[string]string{dir + "/secrets/TOKEN_FILE": "app-token-value"},
			wantEnv:    map[string]string{"TOKEN_FILE": host + "/secrets/TOKEN_FILE"},
			wantMasked: []string{"app-token-value"}},
		{name: "json_value_and_its_leaves_are_masked", specs: "secret/data/app db > DB_FILE",
			wantFiles:  map[string]string{dir + "/secrets/DB_FILE": `{"password":"db-pass-value","port":5432}`},
			wantEnv:    map[string]string{"DB_FILE": host + "/secrets/DB_FILE"},
			wantMasked: []string{`{"password":"db-pass-value","port":5432}`, "db-pass-value", "5432"}},
		{name: "file_and_value_entries_side_by_side", specs: "secret/data/app token > TOKEN_FILE\nsecret/data/app db.password | DB_PASSWORD",
			wantFiles:  map[string]string{dir + "/secrets/TOKEN_FILE": "app-token-value"},
			wantEnv:    map[string]string{"TOKEN_FILE": host + "/secrets/TOKEN_FILE", "DB_PASSWORD": "db-pass-value"},
			wantMasked: []string{"app-token-value", "db-pass-value"}},
		{name: "ignored_missing_secret_writes_no_file", specs: "secret/data/gone token > TOKEN_FILE", ignore: true,
			wantFiles: map[string]string{}, wantEnv: map[string]string{}, wantNoState: true},
		{name: "ignored_missing_key_writes_no_file", specs: "secret/data/app nokey > TOKEN_FILE", ignore: true,
			wantFiles: map[string]string{}, wantEnv: map[string]string{}, wantNoState: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := vaultPlan(t, tt.specs, func(p *plan.VaultPlan) { withFiles(p); p.IgnoreNotFound = tt.ignore })
			set := &export.Set{}
			_, err := Vault(set, p, VaultResult{Secrets: testSecrets})
			require.NoError(t, err)
			assert.Equal(t, tt.wantFiles, files(set))
			assert.Equal(t, tt.wantEnv, values(set.EnvVars()))
			assert.Equal(t, tt.wantEnv, values(set.Outputs()), "outputs as env")
			for _, f := range set.Files() {
				assert.True(t, f.Value.IsSecret())
				assert.EqualValues(t, 0o600, f.Mode)
			}
			for _, v := range append(set.EnvVars(), set.Outputs()...) {
				for _, content := range files(set) {
					assert.NotContains(t, v.Value.Reveal(), content, "a file's value is never in env or outputs")
				}
			}
			assert.Subset(t, masks(set), tt.wantMasked)
			if tt.wantNoState {
				assert.Empty(t, set.StateVars())
			} else {
				assert.Equal(t, map[string]string{StateAWSFilesDir: dir}, values(set.StateVars()))
			}
		})
	}
}

func TestVault_secret_file_shares_the_aws_state(t *testing.T) {
	t.Parallel()
	set := &export.Set{}
	require.NoError(t, set.State(StateAWSFilesDir, export.Public("/github/runner_temp/federate-0123abcd"), "aws-profiles"))
	_, err := Vault(set, vaultPlan(t, "secret/data/app token > TOKEN_FILE", withFiles), VaultResult{Secrets: testSecrets})
	require.NoError(t, err)
	assert.Len(t, set.StateVars(), 1)
}

func TestVault_unmasked(t *testing.T) {
	t.Parallel()
	secrets := map[string]vault.Secret{
		"secret/data/cfg": {Path: "secret/data/cfg", Found: true, Data: map[string]any{
			"region":      "eu-west-1",
			"url":         "https://db.example.com/?password=db-pass-value",
			"same":        "db-pass-value",
			"short":       "ab",
			"public":      map[string]any{"host": "db.example.com", "port": "5432"},
			"password":    "db-pass-value",
			"holds_token": "prefix-s.vaulttoken-suffix",
			"quoted_pw":   `Gx7"q\Lm9!zR`,
			"config":      map[string]any{"host": "db.example.com", "password": `Gx7"q\Lm9!zR`},
		}},
	}
	tests := []struct {
		name       string
		specs      string
		unmasked   []string
		masked     []secret.String
		password   string   // the login's vault-password
		github     string   // the login's vault-github-token
		wantPublic []string // output names not secret
		wantErr    string   // the entry's name; "" for none
	}{
		{name: "unmasked_output_is_public", specs: "secret/data/cfg region | REGION\nsecret/data/cfg password | PW",
			unmasked: []string{"REGION"}, wantPublic: []string{"REGION"}},
		{name: "unmasked_by_output_name", specs: "secret/data/cfg region",
			unmasked: []string{"region"}, wantPublic: []string{"region"}},
		{name: "json_leaves_of_an_unmasked_value_are_not_masked", specs: "secret/data/cfg public | DB",
			unmasked: []string{"DB"}, wantPublic: []string{"DB"}},
		{name: "wildcard_key_unmasked", specs: "secret/data/cfg * | CFG_",
			unmasked: []string{"CFG_REGION"}, wantPublic: []string{"CFG_region"}, wantErr: ""},
		{name: "value_containing_another_secret_is_refused", specs: "secret/data/cfg url | URL\nsecret/data/cfg password | PW",
			unmasked: []string{"URL"}, wantErr: "URL"},
		{name: "value_equal_to_another_secret_is_refused", specs: "secret/data/cfg same | SAME\nsecret/data/cfg password | PW",
			unmasked: []string{"SAME"}, wantErr: "SAME"},
		{name: "value_containing_the_vault_token_is_refused", specs: "secret/data/cfg holds_token | H",
			unmasked: []string{"H"}, wantErr: "H"},
		{name: "value_containing_a_step_secret_is_refused", specs: "secret/data/cfg region | REGION",
			unmasked: []string{"REGION"}, masked: []secret.String{secret.New("west")}, wantErr: "REGION"},
		{name: "value_containing_the_login_password_is_refused", specs: "secret/data/cfg region | REGION",
			unmasked: []string{"REGION"}, password: "west-1", wantErr: "REGION"},
		{name: "value_containing_the_login_github_token_is_refused", specs: "secret/data/cfg region | REGION",
			unmasked: []string{"REGION"}, github: "eu-west", wantErr: "REGION"},
		{name: "value_containing_a_short_mask_is_kept", specs: "secret/data/cfg region | REGION",
			unmasked: []string{"REGION"}, masked: []secret.String{secret.New("eu")}, wantPublic: []string{"REGION"}},
		{name: "value_equal_to_a_short_mask_is_refused", specs: "secret/data/cfg short | SHORT",
			unmasked: []string{"SHORT"}, masked: []secret.String{secret.New("ab")}, wantErr: "SHORT"},
		// The object is exported as JSON text, where the password shows
		// escaped (\" and \\): still the password.
		{name: "object_holding_another_secret_escaped_is_refused", specs: "secret/data/cfg config | CFG\nsecret/data/cfg quoted_pw | PW",
			unmasked: []string{"CFG"}, wantErr: "CFG"},
		{name: "value_equal_to_a_secret_file_is_refused", specs: "secret/data/cfg same | SAME\nsecret/data/cfg password > PW_FILE",
			unmasked: []string{"SAME"}, wantErr: "SAME"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := vaultPlan(t, tt.specs, func(p *plan.VaultPlan) {
				withFiles(p)
				unmask(tt.unmasked...)(p)
				p.Password, p.GitHubToken = secret.New(tt.password), secret.New(tt.github)
			})
			set := &export.Set{}
			_, err := Vault(set, p, VaultResult{Secrets: secrets, Token: secret.New("s.vaulttoken"), Masked: tt.masked})
			if tt.wantErr != "" {
				var unm *UnmaskedError
				require.ErrorAs(t, err, &unm)
				assert.Equal(t, tt.wantErr, unm.Name)
				assert.NotContains(t, err.Error(), "db-pass-value", "the error never shows the value")
				assert.NotContains(t, err.Error(), "s.vaulttoken")
				return
			}
			require.NoError(t, err)
			public := map[string]bool{}
			for _, v := range set.Outputs() {
				if !v.Value.IsSecret() {
					public[v.Name] = true
				}
			}
			for _, n := range tt.wantPublic {
				assert.True(t, public[n], "%s is not masked", n)
				for _, v := range set.Outputs() {
					if v.Name == n {
						assert.NotContains(t, masks(set), v.Value.Reveal())
					}
				}
			}
			assert.Len(t, public, len(tt.wantPublic), "only the unmasked names are public")
			if tt.name == "json_leaves_of_an_unmasked_value_are_not_masked" {
				assert.NotContains(t, masks(set), "db.example.com")
				assert.NotContains(t, masks(set), "5432")
			}
		})
	}
}
