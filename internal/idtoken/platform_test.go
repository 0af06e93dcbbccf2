package idtoken_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/federate-action/federate/internal/idtoken"
)

func TestClaims_PlatformAndSubjectCondition(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name         string
		claims       idtoken.Claims
		wantPlatform string
		wantOp       string
		wantSub      string
	}{
		{name: "github_by_issuer", claims: idtoken.Claims{Issuer: "https://token.actions.githubusercontent.com", Subject: "repo:o/r:ref:refs/heads/main"},
			wantPlatform: "github", wantOp: "StringEquals", wantSub: "repo:o/r:ref:refs/heads/main"},
		{name: "github_enterprise_issuer_by_its_claims", claims: idtoken.Claims{Issuer: "https://token.actions.githubusercontent.com/acme", JobWorkflowRef: "o/r/.github/workflows/x.yml@refs/heads/main", Subject: "repo:o/r:ref:refs/heads/main"},
			wantPlatform: "github", wantOp: "StringEquals", wantSub: "repo:o/r:ref:refs/heads/main"},
		{name: "self_managed_gitlab_by_project_path", claims: idtoken.Claims{Issuer: "https://gitlab.example.com", ProjectPath: "g/p", Subject: "project_path:g/p:ref_type:branch:ref:main"},
			wantPlatform: "gitlab", wantOp: "StringEquals", wantSub: "project_path:g/p:ref_type:branch:ref:main"},
		{name: "circleci_by_issuer", claims: idtoken.Claims{Issuer: "https://oidc.circleci.com/org/O", Subject: "org/O/project/P/user/U/vcs-origin/github.com/o/r/vcs-ref/refs/heads/main"},
			wantPlatform: "circleci", wantOp: "StringLike", wantSub: "org/O/project/P/user/*"},
		{name: "buildkite_by_issuer", claims: idtoken.Claims{Issuer: "https://agent.buildkite.com", Subject: "organization:a:pipeline:p:ref:refs/heads/main:commit:abc:step:s"},
			wantPlatform: "buildkite", wantOp: "StringLike", wantSub: "organization:a:pipeline:p:ref:refs/heads/main:commit:*:step:*"},
		{name: "buildkite_with_an_unexpected_sub_keeps_it_whole", claims: idtoken.Claims{Issuer: "https://agent.buildkite.com", Subject: "organization:a:pipeline:p"},
			wantPlatform: "buildkite", wantOp: "StringEquals", wantSub: "organization:a:pipeline:p"},
		{name: "unknown_issuer_keeps_the_exact_sub", claims: idtoken.Claims{Issuer: "https://idp.example", Subject: "anything"},
			wantPlatform: "", wantOp: "StringEquals", wantSub: "anything"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.wantPlatform, tt.claims.Platform())
			op, sub := tt.claims.SubjectCondition()
			assert.Equal(t, tt.wantOp, op)
			assert.Equal(t, tt.wantSub, sub)
		})
	}
}
