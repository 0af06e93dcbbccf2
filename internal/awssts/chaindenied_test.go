package awssts

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestChainDeniedError_NamesBothRolesAndTheTrustStatement(t *testing.T) {
	t.Parallel()
	const target = "arn:aws:iam::444455556666:role/deploy"
	tests := []struct {
		name       string
		source     string
		externalID bool
		want       []string
		wantNot    []string
	}{
		{
			name:   "session_arn_becomes_the_role_principal",
			source: "arn:aws:sts::111122223333:assumed-role/ci/run-42",
			want: []string{
				"STS refused to let arn:aws:sts::111122223333:assumed-role/ci/run-42 assume " + target + " (AccessDenied: not authorized).",
				`"Principal": {"AWS": "arn:aws:iam::111122223333:role/ci"}`,
				`"Action": "sts:AssumeRole"`,
				`must allow "sts:AssumeRole" on ` + target,
				"A role with a path is named with it",
				"No external id was sent",
			},
			wantNot: []string{`"Condition"`},
		},
		{
			name:       "external_id_adds_the_condition_without_its_value",
			source:     "arn:aws:sts::111122223333:assumed-role/ci/run-42",
			externalID: true,
			want:       []string{`"Condition": {"StringEquals": {"sts:ExternalId": "<the external id this step sends>"}}`},
			wantNot:    []string{"No external id was sent"},
		},
		{
			name:   "other_partition_is_kept",
			source: "arn:aws-us-gov:sts::111122223333:assumed-role/ci/run-42",
			want:   []string{`"Principal": {"AWS": "arn:aws-us-gov:iam::111122223333:role/ci"}`},
		},
		{
			name:    "a_user_arn_is_shown_as_it_is",
			source:  "arn:aws:iam::111122223333:user/ci",
			want:    []string{`"Principal": {"AWS": "arn:aws:iam::111122223333:user/ci"}`},
			wantNot: []string{"A role with a path"},
		},
		{
			name:   "unknown_source_is_a_placeholder",
			source: "",
			want:   []string{"STS refused to let the source's session assume", `"Principal": {"AWS": "<the source role's ARN>"}`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := &ChainDeniedError{RoleARN: target, SourceARN: tt.source, ExternalID: tt.externalID,
				Code: "AccessDenied", Message: "not authorized"}
			got := e.Error()
			for _, w := range tt.want {
				assert.Contains(t, got, w)
			}
			for _, w := range tt.wantNot {
				assert.NotContains(t, got, w)
			}
			assert.Equal(t, "AWS refused the role "+target, e.Title())
		})
	}
}

func TestChainTransient_NoTokenBudgetWithoutAFreshToken(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"throttling_is_retried", apiErr("Throttling"), true},
		{"http_503_is_retried", httpErr(503), true},
		{"access_denied_fails_at_once", apiErr("AccessDenied"), false},
		{"expired_source_session_fails_at_once", apiErr("ExpiredToken"), false},
		{"expired_token_exception_fails_at_once", apiErr("ExpiredTokenException"), false},
		{"invalid_client_token_fails_at_once", apiErr("InvalidClientTokenId"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, chainTransient(tt.err))
		})
	}
}
