package plan_test

import (
	"encoding/json"
	"maps"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/federate-action/federate/internal/inputs"
	"github.com/federate-action/federate/internal/plan"
)

// loginBase is a Vault step with nothing of its method's: each case adds it.
func loginBase(method string, in map[string]string) map[string]string {
	base := map[string]string{"vault-url": "https://vault.example.com", "vault-secrets": "secret/data/x y",
		"vault-method": method, "ACTIONS_ID_TOKEN_REQUEST_URL": "",
		// action.yml's default, which the runner passes like any input.
		"vault-kubernetes-token-path": plan.DefaultKubernetesTokenPath}
	maps.Copy(base, in)
	return base
}

func TestBuild_VaultLoginMethods(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		method string
		in     map[string]string
		check  func(t *testing.T, v *plan.VaultPlan)
	}{
		{"userpass_reads_username_and_password", "userpass", map[string]string{"vault-username": "ci", "vault-password": "hunter2"},
			func(t *testing.T, v *plan.VaultPlan) {
				assert.Equal(t, "userpass", v.Mount)
				assert.Equal(t, "ci", v.Username)
				assert.Equal(t, "hunter2", v.Password.Reveal())
			}},
		{"ldap_mount_from_vault_path", "ldap", map[string]string{"vault-username": "jane doe@corp", "vault-password": "hunter2", "vault-path": "corp-ldap"},
			func(t *testing.T, v *plan.VaultPlan) {
				assert.Equal(t, "corp-ldap", v.Mount)
				assert.Equal(t, "jane doe@corp", v.Username)
			}},
		{"github_reads_its_token", "GitHub", map[string]string{"vault-github-token": "ghp_hunter2"},
			func(t *testing.T, v *plan.VaultPlan) {
				assert.Equal(t, "github", v.Method)
				assert.Equal(t, "ghp_hunter2", v.GitHubToken.Reveal())
			}},
		{"kubernetes_defaults_to_the_pods_token", "kubernetes", map[string]string{"vault-role": "ci"},
			func(t *testing.T, v *plan.VaultPlan) {
				assert.Equal(t, plan.DefaultKubernetesTokenPath, v.KubernetesTokenPath)
				assert.Equal(t, "ci", v.LoginRole())
			}},
		{"kubernetes_relative_path_is_in_the_workspace", "kubernetes", map[string]string{"vault-role": "ci", "vault-kubernetes-token-path": "k8s/token"},
			func(t *testing.T, v *plan.VaultPlan) {
				assert.Equal(t, "/github/workspace/k8s/token", v.KubernetesTokenPath)
			}},
		{"payload_for_another_method", "oci", map[string]string{"vault-auth-payload": `{"role": "ci", "n": 12, "nested": {"key": "hunter2"}}`},
			func(t *testing.T, v *plan.VaultPlan) {
				assert.Equal(t, "oci", v.Mount)
				assert.Equal(t, map[string]any{"role": "ci", "n": jsonNumber("12"), "nested": map[string]any{"key": "hunter2"}}, v.AuthBody)
				var masks []string
				for _, s := range v.LoginSecrets() {
					if !s.IsZero() {
						masks = append(masks, s.Reveal())
					}
				}
				// "ci" is too short to mask on its own: it would star
				// every "ci" in the log (the whole payload is masked).
				assert.ElementsMatch(t, []string{`{"role": "ci", "n": 12, "nested": {"key": "hunter2"}}`, "hunter2"}, masks)
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p, err := plan.Build(inputs.New(runnerEnv(loginBase(tt.method, tt.in))))
			require.NoError(t, err)
			assert.Empty(t, p.Token.RequestURL, "no ID token is needed")
			tt.check(t, p.Vault)
		})
	}
}

func TestBuild_VaultLoginInputErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		method    string
		in        map[string]string
		wantInput string
		wantText  string
	}{
		{"userpass_without_username", "userpass", map[string]string{"vault-password": "hunter2"}, "vault-username", "is required"},
		{"ldap_without_password", "ldap", map[string]string{"vault-username": "ci"}, "vault-password", "is required"},
		{"username_with_a_slash", "userpass", map[string]string{"vault-username": "../approle/login", "vault-password": "hunter2"}, "vault-username", "no '/'"},
		{"username_that_is_a_dot_segment", "userpass", map[string]string{"vault-username": "..", "vault-password": "hunter2"}, "vault-username", "not . or .."},
		{"github_without_token", "github", nil, "vault-github-token", "is required"},
		{"kubernetes_without_role", "kubernetes", nil, "vault-role", "bound to the pod's service account"},
		{"unknown_method_without_payload", "oci", nil, "vault-method", "vault-auth-payload"},
		{"payload_method_name_with_a_space", "o ci", map[string]string{"vault-auth-payload": `{"a":"b"}`}, "vault-method", "auth method's name"},
		{"payload_not_json", "oci", map[string]string{"vault-auth-payload": `role=hunter2`}, "vault-auth-payload", "JSON object"},
		{"payload_an_array", "oci", map[string]string{"vault-auth-payload": `["hunter2"]`}, "vault-auth-payload", "JSON object"},
		{"payload_null", "oci", map[string]string{"vault-auth-payload": `null`}, "vault-auth-payload", "JSON object"},
		{"payload_two_objects", "oci", map[string]string{"vault-auth-payload": `{"a":"hunter2"} {}`}, "vault-auth-payload", "JSON object"},
		{"payload_with_a_method_of_its_own", "approle", map[string]string{"vault-role-id": "r", "vault-auth-payload": `{"secret_id":"hunter2"}`}, "vault-auth-payload", "does not read vault-auth-payload"},
		{"password_with_jwt", "jwt", map[string]string{"vault-password": "hunter2"}, "vault-password", "vault-method is jwt, which does not read vault-password: remove it, or set vault-method to userpass or ldap"},
		{"github_token_with_userpass", "userpass", map[string]string{"vault-username": "ci", "vault-password": "p", "vault-github-token": "hunter2"}, "vault-github-token", "set vault-method to github"},
		{"token_path_with_github", "github", map[string]string{"vault-github-token": "t", "vault-kubernetes-token-path": "/tmp/hunter2"}, "vault-kubernetes-token-path", "to kubernetes"},
		{"role_with_github", "github", map[string]string{"vault-github-token": "hunter2", "vault-role": "ci"}, "vault-role", "github, which does not read vault-role: remove it, or set vault-method to jwt, kubernetes, cert or aws"},
		{"token_with_approle", "approle", map[string]string{"vault-role-id": "r", "vault-token": "hunter2"}, "vault-token", "set vault-method to token"},
		{"audience_with_kubernetes", "kubernetes", map[string]string{"vault-role": "ci", "vault-audience": "vault"}, "vault-audience", "to jwt"},
		{"secret_id_with_payload", "oci", map[string]string{"vault-auth-payload": `{}`, "vault-secret-id": "hunter2"}, "vault-secret-id", "to approle"},
		{"username_with_kubernetes", "kubernetes", map[string]string{"vault-role": "ci", "vault-username": "ci"}, "vault-username", "userpass or ldap"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := plan.Build(inputs.New(runnerEnv(loginBase(tt.method, tt.in))))
			var inErr *inputs.Error
			require.ErrorAs(t, err, &inErr)
			assert.Equal(t, tt.wantInput, inErr.Input)
			assertRefused(t, err, "Invalid input "+tt.wantInput, tt.wantText)
		})
	}
}

func jsonNumber(s string) json.Number { return json.Number(s) }

// token and approle ignored vault-role and vault-audience before inputs a
// method does not read were refused; they still do.
func TestBuild_VaultRoleStillIgnoredByTokenAndApprole(t *testing.T) {
	t.Parallel()
	for _, in := range []map[string]string{
		loginBase("token", map[string]string{"vault-token": "t", "vault-role": "ci", "vault-audience": "vault"}),
		loginBase("approle", map[string]string{"vault-role-id": "r", "vault-role": "ci", "vault-audience": "vault"}),
	} {
		_, err := plan.Build(inputs.New(runnerEnv(in)))
		require.NoError(t, err, in["vault-method"])
	}
}
