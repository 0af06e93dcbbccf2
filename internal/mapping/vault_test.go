package mapping

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/federate-action/federate/internal/export"
	"github.com/federate-action/federate/internal/plan"
	"github.com/federate-action/federate/internal/secret"
	"github.com/federate-action/federate/internal/secretspec"
	"github.com/federate-action/federate/internal/vault"
)

// testSecrets is what a read of secret/data/app and secret/data/db returns;
// numbers arrive as json.Number, as the Vault client decodes them.
var testSecrets = map[string]vault.Secret{
	"secret/data/app": {Path: "secret/data/app", Found: true, Data: map[string]any{
		"token": "app-token-value",
		"db":    map[string]any{"password": "db-pass-value", "port": json.Number("5432")},
	}},
	"secret/data/gone": {Path: "secret/data/gone", APIPath: "secret/data/gone"},
}

func vaultPlan(t *testing.T, specs string, change func(*plan.VaultPlan)) *plan.VaultPlan {
	t.Helper()
	parsed, err := secretspec.Parse(specs)
	require.NoError(t, err)
	p := &plan.VaultPlan{Address: "https://vault.example.com", Method: "jwt", Mount: "jwt", Role: "ci",
		Specs: parsed, ExportEnv: true}
	if change != nil {
		change(p)
	}
	return p
}

func TestVault(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		specs       string
		change      func(*plan.VaultPlan)
		result      VaultResult
		wantEnv     map[string]string
		wantOutputs map[string]string
		wantState   map[string]string
		wantNotes   []string
		wantErr     any
	}{
		{
			name:        "one_key_as_env_and_output",
			specs:       "secret/data/app token | APP_TOKEN",
			wantEnv:     map[string]string{"APP_TOKEN": "app-token-value"},
			wantOutputs: map[string]string{"APP_TOKEN": "app-token-value"},
		},
		{
			name:        "output_only_without_export_env",
			specs:       "secret/data/app token | APP_TOKEN",
			change:      func(p *plan.VaultPlan) { p.ExportEnv = false },
			wantOutputs: map[string]string{"APP_TOKEN": "app-token-value"},
		},
		{
			name:        "object_as_compact_json",
			specs:       "secret/data/app db | DB",
			wantEnv:     map[string]string{"DB": `{"password":"db-pass-value","port":5432}`},
			wantOutputs: map[string]string{"DB": `{"password":"db-pass-value","port":5432}`},
		},
		{
			name:        "wildcard_exports_every_key_with_a_prefix",
			specs:       "secret/data/app * | APP_",
			wantEnv:     map[string]string{"APP_TOKEN": "app-token-value", "APP_DB": `{"password":"db-pass-value","port":5432}`},
			wantOutputs: map[string]string{"APP_token": "app-token-value", "APP_db": `{"password":"db-pass-value","port":5432}`},
		},
		{
			name:    "missing_path_is_an_error",
			specs:   "secret/data/gone token | T",
			wantErr: new(*vault.ReadError),
		},
		{
			name:      "missing_path_is_skipped_with_ignore_not_found",
			specs:     "secret/data/gone token | T",
			change:    func(p *plan.VaultPlan) { p.IgnoreNotFound = true },
			wantNotes: []string{"Skipping secret/data/gone: not found (vault-ignore-not-found)"},
		},
		{
			name:    "missing_key_is_an_error",
			specs:   "secret/data/app nope | T",
			wantErr: new(*KeyError),
		},
		{
			name:      "missing_key_is_skipped_with_ignore_not_found",
			specs:     "secret/data/app nope | T",
			change:    func(p *plan.VaultPlan) { p.IgnoreNotFound = true },
			wantNotes: []string{"Skipping secret/data/app nope: no such key (vault-ignore-not-found)"},
		},
		{
			name:  "token_exported_and_output",
			specs: "secret/data/app token | APP_TOKEN",
			change: func(p *plan.VaultPlan) {
				p.ExportToken, p.OutputToken = true, true
			},
			result: VaultResult{Token: secret.New("hvs.token")},
			wantEnv: map[string]string{"APP_TOKEN": "app-token-value", "VAULT_TOKEN": "hvs.token",
				"VAULT_ADDR": "https://vault.example.com"},
			wantOutputs: map[string]string{"APP_TOKEN": "app-token-value", "vault-token": "hvs.token"},
		},
		{
			name:        "leased_token_handed_to_the_post_step",
			specs:       "secret/data/app token | APP_TOKEN",
			result:      VaultResult{Token: secret.New("hvs.token"), LeasedPaths: []string{"aws/creds/ci"}, PostRevokes: true},
			wantEnv:     map[string]string{"APP_TOKEN": "app-token-value"},
			wantOutputs: map[string]string{"APP_TOKEN": "app-token-value"},
			wantState:   map[string]string{StateVaultToken: "hvs.token"},
			wantNotes:   []string{"Keeping the Vault token until the job ends: revoking it now would revoke the leases of aws/creds/ci; the post step revokes it"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := tt.result
			r.Secrets = testSecrets
			set := &export.Set{}
			notes, err := Vault(set, vaultPlan(t, tt.specs, tt.change), r)
			assert.Equal(t, tt.wantNotes, notes)
			if tt.wantErr != nil {
				require.ErrorAs(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, orEmpty(tt.wantEnv), values(set.EnvVars()), "env")
			assert.Equal(t, orEmpty(tt.wantOutputs), values(set.Outputs()), "outputs")
			assert.Equal(t, orEmpty(tt.wantState), values(set.StateVars()), "state")
			for _, v := range append(set.EnvVars(), set.Outputs()...) {
				assert.Equal(t, v.Name != "VAULT_ADDR", v.Value.IsSecret(), "%s is secret", v.Name)
			}
		})
	}
}

func TestVault_WildcardKeyNameLaterStepsCannotUse(t *testing.T) {
	t.Parallel()
	secrets := map[string]vault.Secret{"secret/data/app": {Found: true, Data: map[string]any{"пароль": "x"}}}
	_, err := Vault(&export.Set{}, vaultPlan(t, "secret/data/app *", nil), VaultResult{Secrets: secrets})
	var keyErr *KeyNameError
	require.ErrorAs(t, err, &keyErr)
	assert.Equal(t, "пароль", keyErr.Key)
	assert.Equal(t, "Invalid input vault-secrets", keyErr.Title())
}

// A key of a secret read with `*` chooses its env name, so whoever can
// write the secret must not get to set a name that runs code in later
// steps; a name the user writes is the user's choice.
func TestVault_WildcardKeyThatWouldRunCodeIsRefused(t *testing.T) {
	t.Parallel()
	for _, key := range []string{"LD_PRELOAD", "bash_env", "PATH", "GITHUB_PATH", "git_ssh_command"} {
		t.Run(key, func(t *testing.T) {
			t.Parallel()
			secrets := map[string]vault.Secret{"secret/data/app": {Found: true, Data: map[string]any{key: "/tmp/x.so"}}}
			_, err := Vault(&export.Set{}, vaultPlan(t, "secret/data/app *", nil), VaultResult{Secrets: secrets})
			var keyErr *KeyNameError
			require.ErrorAs(t, err, &keyErr)
			assert.Contains(t, err.Error(), "changes what later steps run")
		})
	}
	t.Run("named_by_the_user", func(t *testing.T) {
		t.Parallel()
		secrets := map[string]vault.Secret{"secret/data/app": {Found: true, Data: map[string]any{"dir": "/opt/bin"}}}
		_, err := Vault(&export.Set{}, vaultPlan(t, "secret/data/app dir | PATH", nil), VaultResult{Secrets: secrets})
		require.NoError(t, err)
	})
	t.Run("outputs_only", func(t *testing.T) {
		t.Parallel()
		secrets := map[string]vault.Secret{"secret/data/app": {Found: true, Data: map[string]any{"PATH": "/opt/bin"}}}
		_, err := Vault(&export.Set{}, vaultPlan(t, "secret/data/app *", func(p *plan.VaultPlan) { p.ExportEnv = false }), VaultResult{Secrets: secrets})
		require.NoError(t, err)
	})
}

func TestVault_Summary(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		change func(*plan.VaultPlan)
		result VaultResult
		want   []string
	}{
		{"jwt_login_names_its_role", nil, VaultResult{},
			[]string{"| Login | jwt at `auth/jwt`, role ci |", "| Paths read | `secret/data/app` |", "| Env vars | `APP_TOKEN` |", "| Token | revoked at the end of the step |"}},
		{"approle_login_hides_its_role", func(p *plan.VaultPlan) { p.Method, p.Mount = "approle", "approle" }, VaultResult{},
			[]string{"| Login | approle at `auth/approle` |"}},
		{"given_token_is_not_revoked", func(p *plan.VaultPlan) { p.Method = "token" }, VaultResult{},
			[]string{"| Token | the given token (not revoked) |"}},
		{"exported_token_is_kept", func(p *plan.VaultPlan) { p.ExportToken = true }, VaultResult{},
			[]string{"| Token | kept: exported for later steps |", "| Env vars | `APP_TOKEN`, `VAULT_TOKEN`, `VAULT_ADDR` |"}},
		{"leased_token_revoked_by_the_post_step", nil, VaultResult{PostRevokes: true},
			[]string{"| Token | revoked at the end of the job (it holds the leases of dynamic secrets) |"}},
		{"batch_token_expires_on_its_own", nil, VaultResult{Batch: true},
			[]string{"| Token | a batch token: Vault cannot revoke it, so it expires at the end of its TTL |"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			set := &export.Set{}
			r := tt.result
			r.Secrets, r.Token = testSecrets, secret.New("hvs.token")
			_, err := Vault(set, vaultPlan(t, "secret/data/app token | APP_TOKEN", tt.change), r)
			require.NoError(t, err)
			summary := joinLines(set.SummaryLines())
			for _, w := range tt.want {
				assert.Contains(t, summary, w)
			}
			assert.NotContains(t, summary, "app-token-value")
			assert.NotContains(t, summary, "hvs.token")
		})
	}
}
