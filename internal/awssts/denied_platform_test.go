package awssts_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/federate-action/federate/internal/awssts"
	"github.com/federate-action/federate/internal/idtoken"
	"github.com/federate-action/federate/internal/idtoken/idtokentest"
	"github.com/federate-action/federate/internal/secret"
)

// platformClaims mints a token as platform would and reads its claims; the
// issuer is replaced by the platform's real one, as a refusal would show.
func platformClaims(t *testing.T, platform, aud, issuer string) idtoken.Claims {
	t.Helper()
	srv, err := idtokentest.New(idtokentest.Config{Platform: platform, Claims: map[string]any{"iss": issuer}})
	require.NoError(t, err)
	t.Cleanup(srv.Close)
	token, err := srv.Mint(aud)
	require.NoError(t, err)
	claims, err := idtoken.ParseClaims(secret.New(token))
	require.NoError(t, err)
	return claims
}

func TestDeniedError_SpeaksEachPlatformsIssuerAndSub(t *testing.T) {
	t.Parallel()
	circleIss := "https://oidc.circleci.com/org/" + idtokentest.CircleOrgID
	circleHost := "oidc.circleci.com/org/" + idtokentest.CircleOrgID
	tests := []struct {
		name     string
		platform string
		issuer   string
		aud      string
		asked    string
		want     []string
		wantNot  []string
	}{
		{name: "gitlab_exact_sub_with_its_issuer", platform: idtokentest.GitLab, issuer: "https://gitlab.com", aud: "sts.amazonaws.com", asked: "sts.amazonaws.com",
			want: []string{
				"  project_path: octo-org/octo-repo\n", "  ref_type: branch\n", "  ref_protected: true\n",
				`"Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/gitlab.com"}`,
				`"Condition": {"StringEquals": {"gitlab.com:aud": "sts.amazonaws.com", "gitlab.com:sub": "project_path:octo-org/octo-repo:ref_type:branch:ref:main"}}`,
			},
			wantNot: []string{"minted for audience"}},
		{name: "self_managed_gitlab_uses_the_instance_host", platform: idtokentest.GitLab, issuer: "https://gitlab.example.com", aud: "sts.amazonaws.com",
			want: []string{`"gitlab.example.com:sub": "project_path:octo-org/octo-repo:ref_type:branch:ref:main"`}},
		{name: "gitlab_token_for_another_audience_says_how_to_fix_the_yaml", platform: idtokentest.GitLab, issuer: "https://gitlab.com", aud: "https://gitlab.com", asked: "sts.amazonaws.com",
			want: []string{`The token was minted for audience "https://gitlab.com", not the "sts.amazonaws.com" asked for: GitLab mints the token for the aud the job names: set it under id_tokens: (e.g. ID_TOKEN: {aud: sts.amazonaws.com})`}},
		{name: "circleci_v1_admits_every_user_of_the_project", platform: idtokentest.CircleCI, issuer: circleIss, asked: "sts.amazonaws.com",
			want: []string{
				"  oidc.circleci.com/project-id: " + idtokentest.CircleProjectID + "\n",
				"  oidc.circleci.com/context-ids: " + idtokentest.CircleContextID + "\n",
				`oidc-provider/` + circleHost + `"}`,
				`"Condition": {"StringEquals": {"` + circleHost + `:aud": "` + idtokentest.CircleOrgID + `"}, "StringLike": {"` + circleHost + `:sub": "org/` + idtokentest.CircleOrgID + `/project/` + idtokentest.CircleProjectID + `/user/*"}}`,
				`The token was minted for audience "` + idtokentest.CircleOrgID + `", not the "sts.amazonaws.com" asked for: CircleCI mints $CIRCLE_OIDC_TOKEN for the organization ID`,
			}},
		{name: "circleci_v2_shows_vcs_claims", platform: idtokentest.CircleCIV2, issuer: circleIss,
			want: []string{
				"  oidc.circleci.com/vcs-origin: github.com/octo-org/octo-repo\n", "  oidc.circleci.com/vcs-ref: refs/heads/main\n",
				`"StringLike": {"` + circleHost + `:sub": "org/` + idtokentest.CircleOrgID + `/project/` + idtokentest.CircleProjectID + `/user/*"}`,
			}},
		{name: "buildkite_lets_commit_and_step_vary", platform: idtokentest.Buildkite, issuer: "https://agent.buildkite.com", aud: "sts.amazonaws.com", asked: "sts.amazonaws.com",
			want: []string{
				"  organization_slug: acme-inc\n", "  pipeline_slug: deploy-app\n", "  build_branch: main\n", "  step_key: deploy\n",
				`oidc-provider/agent.buildkite.com"}`,
				`"Condition": {"StringEquals": {"agent.buildkite.com:aud": "sts.amazonaws.com"}, "StringLike": {"agent.buildkite.com:sub": "organization:acme-inc:pipeline:deploy-app:ref:refs/heads/main:commit:*:step:*"}}`,
			}},
		{name: "github_unchanged", platform: "", issuer: "https://token.actions.githubusercontent.com", aud: "sts.amazonaws.com", asked: "sts.amazonaws.com",
			want:    []string{`"Condition": {"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com", "token.actions.githubusercontent.com:sub": "repo:octo-org/octo-repo:ref:refs/heads/main"}}`},
			wantNot: []string{"project_path", "StringLike", "ref_type", "ref_protected"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := &awssts.DeniedError{RoleARN: "arn:aws:iam::111122223333:role/deploy", Code: "AccessDenied", Message: "Not authorized to perform sts:AssumeRoleWithWebIdentity",
				Claims: platformClaims(t, tt.platform, tt.aud, tt.issuer), Audience: tt.asked}
			got := e.Error()
			for _, w := range tt.want {
				assert.Contains(t, got, w)
			}
			for _, w := range tt.wantNot {
				assert.NotContains(t, got, w)
			}
		})
	}
}
