package plan_test

import (
	"maps"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/federate-action/federate/internal/inputs"
	"github.com/federate-action/federate/internal/plan"
)

const (
	testRole     = "arn:aws:iam::111122223333:role/r"
	testProfiles = "prod arn:aws:iam::222222222222:role/deploy\naudit arn:aws:iam::444444444444:role/read source=prod external-id=ci-audit"
)

func build(t *testing.T, in map[string]string) (plan.Plan, error) {
	t.Helper()
	return plan.Build(inputs.New(runnerEnv(in)))
}

func TestBuild_Profiles(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		in    map[string]string
		check func(t *testing.T, p *plan.AWSPlan)
	}{
		{
			name: "aws_profiles_alone_turn_the_aws_side_on",
			in:   map[string]string{"aws-profiles": testProfiles, "aws-region": "eu-west-1", "RUNNER_TEMP": "/github/runner_temp"},
			check: func(t *testing.T, p *plan.AWSPlan) {
				assert.Empty(t, p.RoleARN)
				require.Len(t, p.Profiles, 2)
				assert.Equal(t, "prod", p.Profiles[0].Name)
				assert.Equal(t, "ci-audit", p.Profiles[1].ExternalID)
				assert.False(t, p.OutputEnvCredentials, "no role: no AWS_* keys")
				assert.Empty(t, p.Env())
				assert.Empty(t, p.Outputs())
				assert.Equal(t, []string{"AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"}, p.FileEnvNames())
				assert.Equal(t, []string{"aws-profiles"}, p.ProfileOutputNames())
				assert.Equal(t, "/github/runner_temp", p.TempDir)
				assert.Equal(t, "/github/runner_temp", p.HostTempDir, "no runner-temp: the binary runs on the host")
			},
		},
		{
			name: "profiles_without_aws_region_name_their_own",
			in:   map[string]string{"aws-profiles": "a deploy account=111122223333 region=cn-north-1", "RUNNER_TEMP": "/tmp/rt"},
			check: func(t *testing.T, p *plan.AWSPlan) {
				assert.Equal(t, "arn:aws-cn:iam::111122223333:role/deploy", p.Profiles[0].RoleARN)
				assert.Equal(t, "sts.amazonaws.com.cn", p.Audience, "the first profile's partition picks the audience")
			},
		},
		{
			// No role is assumed in aws-region: its FIPS name and sts-endpoint never meet.
			name: "fips_aws_region_only_defaulting_profiles_in_other_regions_takes_an_endpoint",
			in: map[string]string{"aws-profiles": "a deploy account=111122223333 region=us-east-1", "aws-region": "fips-us-east-1",
				"sts-endpoint": "https://sts.example.com", "RUNNER_TEMP": "/tmp/rt"},
			check: func(t *testing.T, p *plan.AWSPlan) {
				assert.Equal(t, "https://sts.example.com", p.Endpoint)
			},
		},
		{
			name: "profile_lines_count_from_the_inputs_first_line",
			in:   map[string]string{"aws-profiles": "\n\n  prod arn:aws:iam::222222222222:role/deploy\n", "aws-region": "eu-west-1", "RUNNER_TEMP": "/tmp/rt"},
			check: func(t *testing.T, p *plan.AWSPlan) {
				assert.Equal(t, 3, p.Profiles[0].Line)
			},
		},
		{
			name: "profiles_take_the_steps_session_name_and_duration",
			in: map[string]string{"aws-profiles": testProfiles, "aws-region": "eu-west-1", "role-session-name": "ci-run",
				"role-duration-seconds": "7200", "RUNNER_TEMP": "/tmp/rt"},
			check: func(t *testing.T, p *plan.AWSPlan) {
				assert.Equal(t, "ci-run", p.Profiles[0].SessionName)
				assert.Equal(t, 2*time.Hour, p.Profiles[0].Duration)
				assert.Equal(t, time.Hour, p.Profiles[1].Duration, "a chained profile is capped at an hour")
			},
		},
		{
			name: "runner_temp_is_the_hosts_path",
			in:   map[string]string{"role-to-assume": testRole, "aws-region": "us-east-1", "aws-profile": "ci", "runner-temp": "/home/runner/work/_temp/", "RUNNER_TEMP": "/github/runner_temp"},
			check: func(t *testing.T, p *plan.AWSPlan) {
				assert.Equal(t, "/github/runner_temp", p.TempDir)
				assert.Equal(t, "/home/runner/work/_temp", p.HostTempDir)
				require.NoError(t, p.SetFilesDir("0a1b2c3d"))
				assert.Equal(t, "/github/runner_temp/federate-0a1b2c3d", p.FilesDir)
				assert.Equal(t, "/home/runner/work/_temp/federate-0a1b2c3d", p.HostFilesDir)
				assert.Error(t, p.SetFilesDir("../x"))
			},
		},
		{
			name: "aws_profile_turns_the_env_vars_off_as_configure_aws_credentials_does",
			in:   map[string]string{"role-to-assume": testRole, "aws-region": "us-east-1", "aws-profile": "default", "overwrite-aws-profile": "true", "RUNNER_TEMP": "/tmp/rt"},
			check: func(t *testing.T, p *plan.AWSPlan) {
				assert.Equal(t, "default", p.ProfileName)
				assert.True(t, p.OverwriteProfile)
				assert.False(t, p.OutputEnvCredentials)
				assert.Empty(t, p.Env())
				assert.Equal(t, []string{"AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"}, p.FileEnvNames())
			},
		},
		{
			name: "aws_profile_with_env_vars_asked_for_exports_aws_profile",
			in:   map[string]string{"role-to-assume": testRole, "aws-region": "us-east-1", "aws-profile": "ci", "output-env-credentials": "true", "RUNNER_TEMP": "/tmp/rt"},
			check: func(t *testing.T, p *plan.AWSPlan) {
				assert.True(t, p.OutputEnvCredentials)
				assert.Equal(t, []string{"AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE", "AWS_PROFILE"}, p.FileEnvNames())
			},
		},
		{
			name: "role_chaining_needs_no_id_token",
			in: map[string]string{"role-to-assume": testRole, "aws-region": "us-east-1", "role-chaining": "true", "role-external-id": "ext-123",
				"AWS_ACCESS_KEY_ID": "AKIAEXAMPLE", "AWS_SECRET_ACCESS_KEY": "s", "ACTIONS_ID_TOKEN_REQUEST_URL": "", "ACTIONS_ID_TOKEN_REQUEST_TOKEN": ""},
			check: func(t *testing.T, p *plan.AWSPlan) {
				assert.True(t, p.RoleChaining)
				assert.Equal(t, "ext-123", p.ExternalID)
				assert.True(t, p.OutputEnvCredentials)
				assert.False(t, p.FilesNeeded())
			},
		},
		{
			name: "refresh_writes_files_and_no_env_keys",
			in:   map[string]string{"role-to-assume": testRole, "aws-region": "us-east-1", "refresh-credentials": "true", "RUNNER_TEMP": "/tmp/rt"},
			check: func(t *testing.T, p *plan.AWSPlan) {
				assert.True(t, p.Refresh)
				assert.False(t, p.OutputEnvCredentials)
				assert.True(t, p.FilesNeeded())
			},
		},
		{
			name: "unset_current_credentials_lists_what_it_clears",
			in:   map[string]string{"role-to-assume": testRole, "aws-region": "us-east-1", "unset-current-credentials": "true", "use-existing-credentials": "false"},
			check: func(t *testing.T, p *plan.AWSPlan) {
				assert.True(t, p.UnsetCurrent)
				assert.Equal(t, []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_REGION", "AWS_DEFAULT_REGION"}, p.UnsetEnvNames())
			},
		},
		{
			name: "allowed_accounts_cover_every_profile",
			in: map[string]string{"role-to-assume": testRole, "aws-region": "eu-west-1", "aws-profiles": testProfiles, "RUNNER_TEMP": "/tmp/rt",
				"allowed-account-ids": "111122223333,222222222222,444444444444"},
			check: func(t *testing.T, p *plan.AWSPlan) {
				assert.Len(t, p.AllowedAccountIDs, 3)
				assert.Equal(t, []string{"222222222222", "444444444444"}, []string{p.Profiles[0].AccountID, p.Profiles[1].AccountID})
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p, err := build(t, tt.in)
			require.NoError(t, err)
			require.NotNil(t, p.AWS)
			tt.check(t, p.AWS)
		})
	}
}

func TestBuild_Proxy(t *testing.T) {
	t.Parallel()
	p, err := build(t, map[string]string{"role-to-assume": testRole, "aws-region": "us-east-1",
		"http-proxy": "http://user:pw@proxy.example.com:3128/", "no-proxy": "localhost, .internal.example,10.0.0.0/8\n[::1]:8200"})
	require.NoError(t, err)
	assert.Equal(t, plan.Proxy{HTTPProxy: "http://user:pw@proxy.example.com:3128", NoProxy: "localhost,.internal.example,10.0.0.0/8,[::1]:8200"}, p.Proxy)
}

func TestBuild_ProfileAndOptionErrors(t *testing.T) {
	t.Parallel()
	role := map[string]string{"role-to-assume": testRole, "aws-region": "us-east-1", "RUNNER_TEMP": "/tmp/rt"}
	profiles := map[string]string{"aws-profiles": testProfiles, "aws-region": "us-east-1", "RUNNER_TEMP": "/tmp/rt"}
	chained := map[string]string{"role-to-assume": testRole, "aws-region": "us-east-1", "role-chaining": "true",
		"AWS_ACCESS_KEY_ID": "AKIAEXAMPLE", "AWS_SECRET_ACCESS_KEY": "s"}
	tests := []struct {
		name      string
		base      map[string]string
		in        map[string]string
		wantTitle string
		wantText  string
	}{
		{"profile_line_error_names_line_and_column", profiles, map[string]string{"aws-profiles": "prod arn:aws:iam::222222222222:role/deploy\nx deploy"},
			"Invalid input aws-profiles", "aws-profiles line 2, column 3: role \"deploy\" is a bare role name"},
		{"profiles_of_comments_only_without_a_role", profiles, map[string]string{"aws-profiles": "# none yet"},
			"Invalid input aws-profiles", "only comments and blank lines"},
		{"profile_needs_a_region", profiles, map[string]string{"aws-region": ""},
			"Invalid input aws-profiles", "add region=REGION to the line, or set aws-region"},
		{"role_only_input_with_profiles_only", profiles, map[string]string{"inline-session-policy": `{"Version":"2012-10-17"}`, "output-credentials": "true"},
			"Invalid input role-to-assume", "inline-session-policy, output-credentials are set, but role-to-assume is empty"},
		{"aws_account_id_with_profiles_only", profiles, map[string]string{"aws-account-id": "111122223333"},
			"Invalid input role-to-assume", "aws-account-id is set"},
		{"allowed_accounts_exclude_a_profile", profiles, map[string]string{"allowed-account-ids": "222222222222"},
			"Invalid input allowed-account-ids", "profile audit (aws-profiles line 2) is in account 444444444444"},
		{"aws_profile_bad_name", role, map[string]string{"aws-profile": "my profile"},
			"Invalid input aws-profile", "1 to 64 characters"},
		{"aws_profile_named_like_a_profile_line", with(role, profiles), map[string]string{"aws-profile": "audit"},
			"Invalid input aws-profile", "aws-profiles line 2 defines a profile of that name too"},
		{"overwrite_without_aws_profile", role, map[string]string{"overwrite-aws-profile": "true"},
			"Invalid input overwrite-aws-profile", "set aws-profile"},
		{"overwrite_not_a_boolean", role, map[string]string{"overwrite-aws-profile": "yes"},
			"Invalid input overwrite-aws-profile", "true or false"},
		{"external_id_without_role_chaining", role, map[string]string{"role-external-id": "ext-123"},
			"Invalid input role-external-id", "set role-chaining: true"},
		{"external_id_bad_shape", chained, map[string]string{"role-external-id": "x"},
			"Invalid input role-external-id", "2 to 1224"},
		{"role_chaining_without_a_role", profiles, map[string]string{"role-chaining": "true"},
			"Invalid input role-to-assume", "role-chaining is set, but role-to-assume is empty"},
		{"role_chaining_without_credentials_in_the_environment", chained, map[string]string{"AWS_SECRET_ACCESS_KEY": ""},
			"Invalid input role-chaining", "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set"},
		{"role_chaining_longer_than_an_hour", chained, map[string]string{"role-duration-seconds": "7200"},
			"Invalid input role-duration-seconds", "use 3600 or less"},
		{"role_chaining_with_a_session_policy", chained, map[string]string{"managed-session-policies": "arn:aws:iam::aws:policy/ReadOnlyAccess"},
			"Invalid input role-chaining", "session policies"},
		{"role_chaining_with_unset_current", chained, map[string]string{"unset-current-credentials": "true"},
			"Invalid input unset-current-credentials", "role-chaining starts from the credentials"},
		{"role_chaining_with_use_existing", chained, map[string]string{"use-existing-credentials": "true"},
			"Invalid input use-existing-credentials", "set only one of them"},
		{"unset_with_use_existing", role, map[string]string{"unset-current-credentials": "true", "use-existing-credentials": "true"},
			"Invalid input unset-current-credentials", "use-existing-credentials keeps the credentials"},
		{"use_existing_with_profiles_only", profiles, map[string]string{"use-existing-credentials": "true"},
			"Invalid input role-to-assume", "use-existing-credentials is set"},
		{"refresh_with_role_chaining", chained, map[string]string{"refresh-credentials": "true"},
			"Invalid input refresh-credentials", "cannot be refreshed"},
		{"refresh_with_a_token_file", role, map[string]string{"refresh-credentials": "true", "web-identity-token-file": "token.jwt"},
			"Invalid input refresh-credentials", "remove web-identity-token-file"},
		{"refresh_with_a_session_policy", role, map[string]string{"refresh-credentials": "true", "inline-session-policy": `{"Version":"2012-10-17"}`},
			"Invalid input refresh-credentials", "with more access"},
		{"refresh_with_env_keys_asked_for", role, map[string]string{"refresh-credentials": "true", "output-env-credentials": "true"},
			"Invalid input refresh-credentials", "shadow the refreshing profiles"},
		{"refresh_with_use_existing", role, map[string]string{"refresh-credentials": "true", "use-existing-credentials": "true"},
			"Invalid input refresh-credentials", "cannot be refreshed"},
		{"files_without_runner_temp", profiles, map[string]string{"RUNNER_TEMP": ""},
			"No runner temp directory", "runner 2.329 or later"},
		{"files_with_a_relative_runner_temp", role, map[string]string{"aws-profile": "ci", "RUNNER_TEMP": "tmp"},
			"No runner temp directory", "runner 2.329 or later"},
		{"runner_temp_input_not_absolute", profiles, map[string]string{"runner-temp": "${{ runner.temp }}"},
			"Invalid input runner-temp", "leave it unset"},
		{"http_proxy_without_a_scheme_hides_its_password", role, map[string]string{"http-proxy": "user:hunter2@proxy.example.com:3128"},
			"Invalid input http-proxy", "REDACTED"},
		{"http_proxy_socks", role, map[string]string{"http-proxy": "socks5://proxy.example.com:1080"},
			"Invalid input http-proxy", "http://proxy.example.com:3128"},
		{"http_proxy_with_a_path_hides_its_password", role, map[string]string{"http-proxy": "http://user:hunter2@proxy.example.com/x"},
			"Invalid input http-proxy", "no path"},
		{"no_proxy_with_a_space_inside", role, map[string]string{"no-proxy": "a.example b.example"},
			"Invalid input no-proxy", "separated by commas"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			in := maps.Clone(tt.base)
			maps.Copy(in, tt.in)
			_, err := build(t, in)
			require.Error(t, err)
			assertRefused(t, err, tt.wantTitle, tt.wantText)
		})
	}
}

func with(base, more map[string]string) map[string]string {
	out := maps.Clone(base)
	maps.Copy(out, more)
	return out
}
