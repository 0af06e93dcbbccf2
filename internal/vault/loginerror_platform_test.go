package vault_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/federate-action/federate/internal/idtoken"
	"github.com/federate-action/federate/internal/idtoken/idtokentest"
	"github.com/federate-action/federate/internal/secret"
	"github.com/federate-action/federate/internal/vault"
)

func TestLoginError_SuggestsARoleInEachPlatformsSubFormat(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		platform string
		issuer   string
		want     []string
	}{
		{name: "gitlab_bound_subject", platform: idtokentest.GitLab, issuer: "https://gitlab.com",
			want: []string{"  project_path: octo-org/octo-repo\n",
				"vault write auth/jwt/role/ci role_type=jwt user_claim=sub bound_audiences=https://vault.example bound_subject=project_path:octo-org/octo-repo:ref_type:branch:ref:main (and the mount: oidc_discovery_url=https://gitlab.com bound_issuer=https://gitlab.com)"}},
		{name: "circleci_glob_on_the_project", platform: idtokentest.CircleCIV2, issuer: "https://oidc.circleci.com/org/" + idtokentest.CircleOrgID,
			want: []string{"  oidc.circleci.com/vcs-ref: refs/heads/main\n",
				`bound_claims_type=glob bound_claims='{"sub":"org/` + idtokentest.CircleOrgID + `/project/` + idtokentest.CircleProjectID + `/user/*"}'`,
				"bound_issuer=https://oidc.circleci.com/org/" + idtokentest.CircleOrgID}},
		{name: "buildkite_glob_on_the_pipeline_and_ref", platform: idtokentest.Buildkite, issuer: "https://agent.buildkite.com",
			want: []string{"  pipeline_slug: deploy-app\n",
				`bound_claims='{"sub":"organization:acme-inc:pipeline:deploy-app:ref:refs/heads/main:commit:*:step:*"}'`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, err := idtokentest.New(idtokentest.Config{Platform: tt.platform, Claims: map[string]any{"iss": tt.issuer}})
			require.NoError(t, err)
			t.Cleanup(srv.Close)
			token, err := srv.Mint("https://vault.example")
			require.NoError(t, err)
			claims, err := idtoken.ParseClaims(secret.New(token))
			require.NoError(t, err)
			got := (&vault.LoginError{Method: "jwt", Mount: "jwt", Role: "ci", Status: 400, Reason: "error validating claims", Claims: &claims}).Error()
			for _, w := range tt.want {
				assert.Contains(t, got, w)
			}
		})
	}
}
