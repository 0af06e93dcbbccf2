package plan_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/federate-action/federate/internal/inputs"
	"github.com/federate-action/federate/internal/plan"
)

// runnerEnv is what the runner sets for every step of a job with
// `permissions: id-token: write`.
func runnerEnv(in map[string]string) func(string) string {
	env := map[string]string{
		"ACTIONS_ID_TOKEN_REQUEST_URL":   "https://token.example/idtoken?api-version=2.0",
		"ACTIONS_ID_TOKEN_REQUEST_TOKEN": "runtime-token",
		"GITHUB_ENV":                     "/github/file_commands/set_env",
		"GITHUB_OUTPUT":                  "/github/file_commands/set_output",
		"GITHUB_WORKSPACE":               "/github/workspace",
	}
	for k, v := range in {
		if k == strings.ToUpper(k) { // a variable (RUNNER_TEMP, AWS_ACCESS_KEY_ID), not an input
			env[k] = v
			continue
		}
		env["INPUT_"+strings.ToUpper(k)] = v
	}
	return func(k string) string { return env[k] }
}

// assertRefused checks err is what a user sees for a refused input:
// wantTitle as its annotation title, wantText in its message, and not
// "hunter2", the secret the cases plant in inputs that hold one.
func assertRefused(t *testing.T, err error, wantTitle, wantText string) {
	t.Helper()
	var titled interface{ Title() string }
	require.ErrorAs(t, err, &titled)
	assert.Equal(t, wantTitle, titled.Title())
	assert.Contains(t, err.Error(), wantText)
	assert.NotContains(t, err.Error(), "hunter2", "a secret is never shown")
}

func TestBuild_Defaults(t *testing.T) {
	t.Parallel()
	p, err := plan.Build(inputs.New(runnerEnv(map[string]string{
		"role-to-assume": "arn:aws:iam::737236345234:role/gha-oidc-role",
		"aws-region":     "us-west-1",
	})))
	require.NoError(t, err)
	require.NotNil(t, p.AWS)
	assert.Equal(t, plan.AWSPlan{
		RoleARN:              "arn:aws:iam::737236345234:role/gha-oidc-role",
		AccountID:            "737236345234",
		Partition:            "aws",
		Region:               "us-west-1",
		Audience:             "sts.amazonaws.com",
		SessionName:          "GitHubActions",
		Duration:             time.Hour,
		MaxAttempts:          12,
		OutputEnvCredentials: true,
	}, *p.AWS)
	assert.Equal(t, 300*time.Second, p.Timeout)
	assert.Equal(t, "https://token.example/idtoken?api-version=2.0", p.Token.RequestURL)
	assert.Equal(t, "runtime-token", p.Token.RequestToken.Reveal())
}

func TestBuild_Valid(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		in    map[string]string
		check func(t *testing.T, p plan.Plan)
	}{
		{
			name: "bare_role_name_with_account_builds_the_arn",
			in:   map[string]string{"role-to-assume": "deploy", "aws-account-id": "111122223333", "aws-region": "eu-west-1"},
			check: func(t *testing.T, p plan.Plan) {
				assert.Equal(t, "arn:aws:iam::111122223333:role/deploy", p.AWS.RoleARN)
			},
		},
		{
			name: "bare_role_name_keeps_its_path",
			in:   map[string]string{"role-to-assume": "ci/deploy", "aws-account-id": "111122223333", "aws-region": "eu-west-1"},
			check: func(t *testing.T, p plan.Plan) {
				assert.Equal(t, "arn:aws:iam::111122223333:role/ci/deploy", p.AWS.RoleARN)
			},
		},
		{
			name: "china_region_picks_the_china_partition_and_audience",
			in:   map[string]string{"role-to-assume": "deploy", "aws-account-id": "111122223333", "aws-region": "cn-north-1"},
			check: func(t *testing.T, p plan.Plan) {
				assert.Equal(t, "arn:aws-cn:iam::111122223333:role/deploy", p.AWS.RoleARN)
				assert.Equal(t, "sts.amazonaws.com.cn", p.AWS.Audience)
			},
		},
		{
			name: "govcloud_region_picks_the_govcloud_partition",
			in:   map[string]string{"role-to-assume": "arn:aws-us-gov:iam::111122223333:role/r", "aws-region": "us-gov-west-1"},
			check: func(t *testing.T, p plan.Plan) {
				assert.Equal(t, "aws-us-gov", p.AWS.Partition)
				assert.Equal(t, "sts.amazonaws.com", p.AWS.Audience)
			},
		},
		{
			name: "iso_region_picks_its_own_partition",
			in:   map[string]string{"role-to-assume": "deploy", "aws-account-id": "111122223333", "aws-region": "us-isob-east-1"},
			check: func(t *testing.T, p plan.Plan) {
				assert.Equal(t, "arn:aws-iso-b:iam::111122223333:role/deploy", p.AWS.RoleARN)
			},
		},
		{
			name: "managed_policy_name_with_a_comma",
			in: map[string]string{"role-to-assume": "arn:aws:iam::111122223333:role/r", "aws-region": "us-east-1",
				"managed-session-policies": "arn:aws:iam::111122223333:policy/a,b"},
			check: func(t *testing.T, p plan.Plan) {
				assert.Equal(t, []string{"arn:aws:iam::111122223333:policy/a,b"}, p.AWS.ManagedPolicies)
			},
		},
		{
			name: "inline_policy_is_packed",
			in: map[string]string{"role-to-assume": "arn:aws:iam::111122223333:role/r", "aws-region": "us-east-1",
				"inline-session-policy": "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": []\n}"},
			check: func(t *testing.T, p plan.Plan) {
				assert.Equal(t, `{"Version":"2012-10-17","Statement":[]}`, p.AWS.InlinePolicy)
			},
		},
		{
			name: "managed_policies_one_per_line",
			in: map[string]string{"role-to-assume": "arn:aws:iam::111122223333:role/r", "aws-region": "us-east-1",
				"managed-session-policies": "arn:aws:iam::aws:policy/ReadOnlyAccess\narn:aws:iam::111122223333:policy/mine\n"},
			check: func(t *testing.T, p plan.Plan) {
				assert.Equal(t, []string{"arn:aws:iam::aws:policy/ReadOnlyAccess", "arn:aws:iam::111122223333:policy/mine"}, p.AWS.ManagedPolicies)
			},
		},
		{
			name: "loopback_http_endpoint_is_allowed",
			in:   map[string]string{"role-to-assume": "arn:aws:iam::111122223333:role/r", "aws-region": "us-east-1", "sts-endpoint": "http://127.0.0.1:5000/"},
			check: func(t *testing.T, p plan.Plan) {
				assert.Equal(t, "http://127.0.0.1:5000", p.AWS.Endpoint)
			},
		},
		{
			name: "relative_token_file_is_under_the_workspace",
			in:   map[string]string{"role-to-assume": "arn:aws:iam::111122223333:role/r", "aws-region": "us-east-1", "web-identity-token-file": "token.jwt", "ACTIONS_ID_TOKEN_REQUEST_URL": ""},
			check: func(t *testing.T, p plan.Plan) {
				assert.Equal(t, "/github/workspace/token.jwt", p.Token.File)
			},
		},
		{
			name: "allowed_accounts_include_the_role_account",
			in:   map[string]string{"role-to-assume": "arn:aws:iam::111122223333:role/r", "aws-region": "us-east-1", "allowed-account-ids": "444455556666, 111122223333"},
			check: func(t *testing.T, p plan.Plan) {
				assert.Equal(t, []string{"444455556666", "111122223333"}, p.AWS.AllowedAccountIDs)
			},
		},
		{
			name: "booleans_accept_capitalised_forms",
			in:   map[string]string{"role-to-assume": "arn:aws:iam::111122223333:role/r", "aws-region": "us-east-1", "output-credentials": "True", "output-env-credentials": "FALSE", "mask-aws-account-id": "true"},
			check: func(t *testing.T, p plan.Plan) {
				assert.True(t, p.AWS.OutputCredentials)
				assert.False(t, p.AWS.OutputEnvCredentials)
				assert.True(t, p.AWS.MaskAccountID)
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p, err := plan.Build(inputs.New(runnerEnv(tt.in)))
			require.NoError(t, err)
			tt.check(t, p)
		})
	}
}

func TestBuild_Invalid(t *testing.T) {
	t.Parallel()
	role := "arn:aws:iam::111122223333:role/r"
	tests := []struct {
		name      string
		in        map[string]string
		wantInput string // the input the error must name
		wantText  string
	}{
		{"nothing_to_do", map[string]string{}, "role-to-assume", "nothing to do"},
		{"missing_region", map[string]string{"role-to-assume": role}, "aws-region", "is required"},
		{"bad_region", map[string]string{"role-to-assume": role, "aws-region": "US_EAST_1"}, "aws-region", `"US_EAST_1"`},
		{"bare_name_without_account", map[string]string{"role-to-assume": "deploy", "aws-region": "us-east-1"}, "aws-account-id", "bare role name"},
		{"bad_account_id", map[string]string{"role-to-assume": "deploy", "aws-account-id": "12345", "aws-region": "us-east-1"}, "aws-account-id", "12-digit"},
		{"account_disagrees_with_arn", map[string]string{"role-to-assume": role, "aws-account-id": "999999999999", "aws-region": "us-east-1"}, "aws-account-id", "names account 111122223333"},
		{"malformed_arn", map[string]string{"role-to-assume": "arn:aws:iam::111122223333:user/bob", "aws-region": "us-east-1"}, "role-to-assume", "arn:PARTITION:iam::ACCOUNT_ID:role/NAME"},
		{"arn_partition_differs_from_region", map[string]string{"role-to-assume": role, "aws-region": "cn-north-1"}, "role-to-assume", "partition aws but aws-region is in aws-cn"},
		{"bad_role_name", map[string]string{"role-to-assume": "de ploy", "aws-account-id": "111122223333", "aws-region": "us-east-1"}, "role-to-assume", "role name"},
		{"session_name_too_short", map[string]string{"role-to-assume": role, "aws-region": "us-east-1", "role-session-name": "a"}, "role-session-name", "2 to 64"},
		{"session_name_bad_char", map[string]string{"role-to-assume": role, "aws-region": "us-east-1", "role-session-name": "my session"}, "role-session-name", "2 to 64"},
		{"duration_not_a_number", map[string]string{"role-to-assume": role, "aws-region": "us-east-1", "role-duration-seconds": "1h"}, "role-duration-seconds", "900 to 43200"},
		{"duration_too_short", map[string]string{"role-to-assume": role, "aws-region": "us-east-1", "role-duration-seconds": "899"}, "role-duration-seconds", "900 to 43200"},
		{"duration_too_long", map[string]string{"role-to-assume": role, "aws-region": "us-east-1", "role-duration-seconds": "43201"}, "role-duration-seconds", "900 to 43200"},
		{"inline_policy_null", map[string]string{"role-to-assume": role, "aws-region": "us-east-1", "inline-session-policy": "null"}, "inline-session-policy", "JSON object"},
		{"role_arn_with_empty_path_segment", map[string]string{"role-to-assume": "arn:aws:iam::111122223333:role//r", "aws-region": "us-east-1"}, "role-to-assume", "role/NAME"},
		{"role_name_too_long", map[string]string{"role-to-assume": "arn:aws:iam::111122223333:role/" + strings.Repeat("r", 65), "aws-region": "us-east-1"}, "role-to-assume", "role/NAME"},
		{"endpoint_with_a_password_is_redacted", map[string]string{"role-to-assume": role, "aws-region": "us-east-1", "sts-endpoint": "https://hunter2:x@sts.example.com"}, "sts-endpoint", "https://REDACTED@sts.example.com"},
		{"endpoint_without_a_scheme_hides_its_password", map[string]string{"role-to-assume": role, "aws-region": "us-east-1", "sts-endpoint": "u:hunter2@sts.example.com"}, "sts-endpoint", `"REDACTED@sts.example.com"`},
		{"endpoint_password_holding_a_question_mark", map[string]string{"role-to-assume": role, "aws-region": "us-east-1", "sts-endpoint": "u:hun?ter2@sts.example.com:port"}, "sts-endpoint", `"REDACTED@sts.example.com:port"`},
		{"endpoint_password_holding_a_scheme_separator", map[string]string{"role-to-assume": role, "aws-region": "us-east-1", "sts-endpoint": "u:hunter2://x@sts.example.com:port"}, "sts-endpoint", `"REDACTED@sts.example.com:port"`},
		{"endpoint_with_a_query", map[string]string{"role-to-assume": role, "aws-region": "us-east-1", "sts-endpoint": "https://sts.example.com/?x=1"}, "sts-endpoint", "no user:password@"},
		{"inline_policy_not_json", map[string]string{"role-to-assume": role, "aws-region": "us-east-1", "inline-session-policy": "{Version: 1}"}, "inline-session-policy", "JSON object"},
		{"inline_policy_too_long", map[string]string{"role-to-assume": role, "aws-region": "us-east-1", "inline-session-policy": `{"x":"` + strings.Repeat("a", 2100) + `"}`}, "inline-session-policy", "at most 2048"},
		{"managed_policy_not_an_arn", map[string]string{"role-to-assume": role, "aws-region": "us-east-1", "managed-session-policies": "ReadOnlyAccess"}, "managed-session-policies", "policy ARNs"},
		{"too_many_managed_policies", map[string]string{"role-to-assume": role, "aws-region": "us-east-1", "managed-session-policies": strings.Repeat("arn:aws:iam::aws:policy/P\n", 11)}, "managed-session-policies", "at most 10"},
		{"endpoint_not_a_url", map[string]string{"role-to-assume": role, "aws-region": "us-east-1", "sts-endpoint": "sts.amazonaws.com"}, "sts-endpoint", "https URL"},
		{"endpoint_plain_http_off_loopback", map[string]string{"role-to-assume": role, "aws-region": "us-east-1", "sts-endpoint": "http://sts.internal.example"}, "sts-endpoint", "unencrypted"},
		{"fips_region_name_with_an_endpoint_of_its_own", map[string]string{"role-to-assume": role, "aws-region": "fips-us-east-1", "sts-endpoint": "https://sts.example.com"}, "sts-endpoint", "FIPS region name"},
		{"fips_infix_region_name_with_an_endpoint_of_its_own", map[string]string{"role-to-assume": role, "aws-region": "us-fips-east-1", "sts-endpoint": "https://sts.example.com"}, "sts-endpoint", "FIPS region name"},
		{"profile_in_a_fips_region_with_an_endpoint_of_its_own", map[string]string{"aws-profiles": "a deploy account=111122223333 region=fips-us-east-1", "RUNNER_TEMP": "/tmp/rt", "sts-endpoint": "https://sts.example.com"}, "sts-endpoint", "aws-profiles' a has region fips-us-east-1"},
		{"bool_typo", map[string]string{"role-to-assume": role, "aws-region": "us-east-1", "output-credentials": "yes"}, "output-credentials", "true or false"},
		{"bool_numeric", map[string]string{"role-to-assume": role, "aws-region": "us-east-1", "mask-aws-account-id": "1"}, "mask-aws-account-id", "true or false"},
		{"retry_attempts_zero", map[string]string{"role-to-assume": role, "aws-region": "us-east-1", "retry-max-attempts": "0"}, "retry-max-attempts", "1 to 100"},
		{"timeout_negative", map[string]string{"role-to-assume": role, "aws-region": "us-east-1", "action-timeout-s": "-5"}, "action-timeout-s", "1 to 3600"},
		{"allowed_account_malformed", map[string]string{"role-to-assume": role, "aws-region": "us-east-1", "allowed-account-ids": "1111-2222-3333"}, "allowed-account-ids", "12-digit"},
		{"role_account_not_allowed", map[string]string{"role-to-assume": role, "aws-region": "us-east-1", "allowed-account-ids": "444455556666"}, "allowed-account-ids", "not in the list"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := plan.Build(inputs.New(runnerEnv(tt.in)))
			var inErr *inputs.Error
			require.ErrorAs(t, err, &inErr)
			assert.Equal(t, tt.wantInput, inErr.Input)
			assertRefused(t, err, "Invalid input "+tt.wantInput, tt.wantText)
		})
	}
}

func TestBuild_Environment(t *testing.T) {
	t.Parallel()
	base := map[string]string{"role-to-assume": "arn:aws:iam::111122223333:role/r", "aws-region": "us-east-1"}
	tests := []struct {
		name      string
		unset     string
		wantTitle string
		wantText  string
	}{
		{"no_token_url_names_the_permission", "ACTIONS_ID_TOKEN_REQUEST_URL", "Missing id-token permission", "id-token: write"},
		{"no_token_names_the_permission", "ACTIONS_ID_TOKEN_REQUEST_TOKEN", "Missing id-token permission", "forks"},
		{"no_github_env", "GITHUB_ENV", "Not running in GitHub Actions", "GITHUB_ENV and GITHUB_OUTPUT"},
		{"no_github_output", "GITHUB_OUTPUT", "Not running in GitHub Actions", "local run"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			in := map[string]string{tt.unset: ""}
			for k, v := range base {
				in[k] = v
			}
			_, err := plan.Build(inputs.New(runnerEnv(in)))
			var envErr *plan.EnvError
			require.ErrorAs(t, err, &envErr)
			assert.Equal(t, tt.wantTitle, envErr.Title())
			assert.Contains(t, err.Error(), tt.wantText)
		})
	}
}
