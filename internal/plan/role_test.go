package plan_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/federate-action/federate/internal/plan"
)

func TestCheckWebIdentityRole(t *testing.T) {
	t.Parallel()
	valid := plan.WebIdentityRole{RoleARN: "arn:aws:iam::111111111111:role/deploy", Region: "us-east-1"}
	with := func(change func(*plan.WebIdentityRole)) plan.WebIdentityRole {
		r := valid
		change(&r)
		return r
	}
	tests := []struct {
		name    string
		in      plan.WebIdentityRole
		want    plan.WebIdentityRole
		wantErr string
	}{
		{name: "defaults_follow_the_action", in: valid, want: plan.WebIdentityRole{
			RoleARN: valid.RoleARN, Region: "us-east-1", Audience: "sts.amazonaws.com",
			SessionName: "GitHubActions", Duration: time.Hour, MaxAttempts: 12}},
		{name: "china_gets_its_own_audience",
			in:   plan.WebIdentityRole{RoleARN: "arn:aws-cn:iam::111111111111:role/deploy", Region: "cn-north-1", MaxAttempts: 5, Duration: 900 * time.Second, SessionName: "ci"},
			want: plan.WebIdentityRole{RoleARN: "arn:aws-cn:iam::111111111111:role/deploy", Region: "cn-north-1", Audience: "sts.amazonaws.com.cn", SessionName: "ci", Duration: 900 * time.Second, MaxAttempts: 5}},
		{name: "loopback_http_endpoint_is_kept", in: with(func(r *plan.WebIdentityRole) { r.Endpoint = "http://127.0.0.1:5000/" }),
			want: plan.WebIdentityRole{RoleARN: valid.RoleARN, Region: "us-east-1", Audience: "sts.amazonaws.com",
				SessionName: "GitHubActions", Duration: time.Hour, MaxAttempts: 12, Endpoint: "http://127.0.0.1:5000"}},
		{name: "missing_region", in: with(func(r *plan.WebIdentityRole) { r.Region = "" }), wantErr: "input aws-region is required"},
		{name: "bad_region", in: with(func(r *plan.WebIdentityRole) { r.Region = "mars" }), wantErr: `aws-region has an invalid value "mars"`},
		{name: "bare_role_name_needs_an_arn", in: with(func(r *plan.WebIdentityRole) { r.RoleARN = "deploy" }), wantErr: "use the full role ARN"},
		{name: "malformed_arn", in: with(func(r *plan.WebIdentityRole) { r.RoleARN = "arn:aws:iam::1:role/x" }), wantErr: "role-to-assume has an invalid value"},
		{name: "arn_of_another_partition", in: with(func(r *plan.WebIdentityRole) { r.Region = "cn-north-1" }), wantErr: "partition aws but aws-region is in aws-cn"},
		{name: "bad_session_name", in: with(func(r *plan.WebIdentityRole) { r.SessionName = "a b" }), wantErr: "role-session-name"},
		{name: "duration_too_short", in: with(func(r *plan.WebIdentityRole) { r.Duration = 60 * time.Second }), wantErr: `role-duration-seconds has an invalid value "60"`},
		{name: "plain_http_to_a_remote_endpoint", in: with(func(r *plan.WebIdentityRole) { r.Endpoint = "http://sts.example.com" }), wantErr: "plain http is allowed only for a loopback"},
		{name: "fips_region_name_with_an_endpoint_of_its_own", in: with(func(r *plan.WebIdentityRole) { r.Region, r.Endpoint = "fips-us-east-1", "https://sts.example.com" }),
			wantErr: `sts-endpoint has an invalid value "https://sts.example.com"`},
		{name: "too_many_attempts", in: with(func(r *plan.WebIdentityRole) { r.MaxAttempts = 101 }), wantErr: `retry-max-attempts has an invalid value "101"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := plan.CheckWebIdentityRole(tt.in)
			if tt.wantErr != "" {
				require.ErrorContains(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}
