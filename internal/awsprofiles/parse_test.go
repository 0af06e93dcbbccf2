package awsprofiles_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/federate-action/federate/internal/awsprofiles"
)

var defaults = awsprofiles.Defaults{Region: "eu-west-1", SessionName: "GitHubActions", Duration: time.Hour}

func TestParse_Valid(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		d    awsprofiles.Defaults
		want []awsprofiles.Profile
	}{
		{
			name: "empty_input_has_no_profiles",
			in:   "  \n# only a comment\n\n",
			d:    defaults,
			want: nil,
		},
		{
			name: "arn_takes_the_defaults",
			in:   "prod arn:aws:iam::222222222222:role/deploy",
			d:    defaults,
			want: []awsprofiles.Profile{{Name: "prod", Line: 1, RoleARN: "arn:aws:iam::222222222222:role/deploy", AccountID: "222222222222",
				Region: "eu-west-1", Partition: "aws", SessionName: "GitHubActions", Duration: time.Hour}},
		},
		{
			name: "bare_name_with_account_and_every_setting",
			in:   "\tstaging  ci/deploy  account=333333333333  region=cn-north-1 session-name=ci.run duration=7200   # trailing comment",
			d:    defaults,
			want: []awsprofiles.Profile{{Name: "staging", Line: 1, RoleARN: "arn:aws-cn:iam::333333333333:role/ci/deploy", AccountID: "333333333333",
				Region: "cn-north-1", Partition: "aws-cn", SessionName: "ci.run", Duration: 2 * time.Hour}},
		},
		{
			name: "region_on_every_line_needs_no_aws_region",
			in:   "a deploy account=111122223333 region=us-east-1",
			d:    awsprofiles.Defaults{SessionName: "s1", Duration: time.Hour},
			want: []awsprofiles.Profile{{Name: "a", Line: 1, RoleARN: "arn:aws:iam::111122223333:role/deploy", AccountID: "111122223333",
				Region: "us-east-1", Partition: "aws", SessionName: "s1", Duration: time.Hour}},
		},
		{
			name: "arn_with_an_agreeing_account",
			in:   "a arn:aws:iam::111122223333:role/r account=111122223333\r\n",
			d:    defaults,
			want: []awsprofiles.Profile{{Name: "a", Line: 1, RoleARN: "arn:aws:iam::111122223333:role/r", AccountID: "111122223333",
				Region: "eu-west-1", Partition: "aws", SessionName: "GitHubActions", Duration: time.Hour}},
		},
		{
			name: "sources_come_first_otherwise_input_order",
			in: "audit arn:aws:iam::444444444444:role/read source=hub external-id=ci-audit\n" +
				"other arn:aws:iam::555555555555:role/x\n" +
				"hub arn:aws:iam::222222222222:role/hub duration=900\n",
			d: defaults,
			want: []awsprofiles.Profile{
				{Name: "hub", Line: 3, RoleARN: "arn:aws:iam::222222222222:role/hub", AccountID: "222222222222", Region: "eu-west-1", Partition: "aws", SessionName: "GitHubActions", Duration: 15 * time.Minute},
				{Name: "audit", Line: 1, RoleARN: "arn:aws:iam::444444444444:role/read", AccountID: "444444444444", Region: "eu-west-1", Partition: "aws", SessionName: "GitHubActions", Duration: time.Hour, Source: "hub", ExternalID: "ci-audit"},
				{Name: "other", Line: 2, RoleARN: "arn:aws:iam::555555555555:role/x", AccountID: "555555555555", Region: "eu-west-1", Partition: "aws", SessionName: "GitHubActions", Duration: time.Hour},
			},
		},
		{
			name: "chained_profile_caps_an_inherited_long_duration_at_an_hour",
			in:   "hub arn:aws:iam::222222222222:role/hub\nspoke arn:aws:iam::333333333333:role/s source=hub",
			d:    awsprofiles.Defaults{Region: "us-east-1", SessionName: "GitHubActions", Duration: 12 * time.Hour},
			want: []awsprofiles.Profile{
				{Name: "hub", Line: 1, RoleARN: "arn:aws:iam::222222222222:role/hub", AccountID: "222222222222", Region: "us-east-1", Partition: "aws", SessionName: "GitHubActions", Duration: 12 * time.Hour},
				{Name: "spoke", Line: 2, RoleARN: "arn:aws:iam::333333333333:role/s", AccountID: "333333333333", Region: "us-east-1", Partition: "aws", SessionName: "GitHubActions", Duration: time.Hour, Source: "hub"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := awsprofiles.Parse(tt.in, tt.d)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestParse_Errors(t *testing.T) {
	t.Parallel()
	const hub = "hub arn:aws:iam::222222222222:role/hub\n"
	tests := []struct {
		name       string
		in         string
		d          awsprofiles.Defaults
		line, col  int
		wantInText string
	}{
		{"bad_profile_name", "  prod]  arn:aws:iam::222222222222:role/r", defaults, 1, 3, `profile name "prod]" is not valid`},
		{"default_is_kept_for_role_to_assume", "default arn:aws:iam::222222222222:role/r", defaults, 1, 1, "use role-to-assume"},
		{"name_without_a_role", "\n\nprod   ", defaults, 3, 5, "profile prod has no role"},
		{"role_name_with_a_bad_character", "prod de$ploy account=222222222222", defaults, 1, 6, `role "de$ploy" is not valid`},
		{"bare_role_without_account", "prod deploy", defaults, 1, 6, "add account=ACCOUNT_ID"},
		{"arn_of_a_user", "prod arn:aws:iam::222222222222:user/bob", defaults, 1, 6, "is not a role ARN"},
		{"arn_partition_differs_from_the_region", "prod arn:aws:iam::222222222222:role/r region=cn-north-1", defaults, 1, 6, "partition aws but the profile's region cn-north-1 is in aws-cn"},
		{"arn_partition_differs_from_aws_region", "prod arn:aws-us-gov:iam::222222222222:role/r", defaults, 1, 6, "partition aws-us-gov"},
		{"account_disagrees_with_the_arn", "prod arn:aws:iam::222222222222:role/r  account=333333333333", defaults, 1, 40, "disagrees with the role ARN's account 222222222222"},
		{"account_not_twelve_digits", "prod deploy account=1234", defaults, 1, 13, `account "1234" is not valid`},
		{"no_region_anywhere", "prod deploy account=222222222222", awsprofiles.Defaults{SessionName: "s1", Duration: time.Hour}, 1, 6, "add region=REGION to the line, or set aws-region"},
		{"bad_region", "prod deploy account=222222222222 region=mars", defaults, 1, 34, `region "mars" is not valid`},
		{"bad_session_name", "prod deploy account=222222222222 session-name=a", defaults, 1, 34, `session-name "a" is not valid`},
		{"duration_below_the_minimum", "prod deploy account=222222222222 duration=60", defaults, 1, 34, "from 900 to 43200"},
		{"duration_with_a_unit", "prod deploy account=222222222222 duration=1h", defaults, 1, 34, `duration "1h" is not valid`},
		{"chained_duration_above_an_hour", hub + "spoke arn:aws:iam::333333333333:role/s source=hub duration=7200", defaults, 2, 51, "use duration=3600 or less"},
		{"unknown_key", "prod deploy account=222222222222 Region=us-east-1", defaults, 1, 34, `unknown key "Region": use one of account, region, session-name, duration, source, external-id`},
		{"duplicate_key", "prod deploy account=222222222222 account=222222222222", defaults, 1, 34, "account= is given twice"},
		{"setting_without_equals", "prod deploy account=222222222222 us-east-1", defaults, 1, 34, `"us-east-1" is not a setting: write key=value`},
		{"setting_with_spaces_around_equals", "prod deploy account = 222222222222", defaults, 1, 13, `"account" is not a setting`},
		{"setting_without_a_value", "prod deploy account=", defaults, 1, 13, "account= has no value"},
		{"duplicate_profile", hub + "# comment\nhub arn:aws:iam::333333333333:role/x", defaults, 3, 1, "profile hub is already defined on line 1"},
		{"external_id_without_source", "prod arn:aws:iam::222222222222:role/r external-id=ci-audit", defaults, 1, 39, "add source=PROFILE"},
		{"external_id_too_short", hub + "a arn:aws:iam::333333333333:role/r source=hub external-id=x", defaults, 2, 47, `external-id "x" is not valid`},
		{"unknown_source", hub + "a arn:aws:iam::333333333333:role/r source=hbu", defaults, 2, 36, `source="hbu" names no profile: use the name of a profile defined in aws-profiles (hub, a)`},
		{"self_source", "a arn:aws:iam::333333333333:role/r source=a", defaults, 1, 36, "profile a names itself as its source"},
		{"source_cycle_names_the_whole_cycle", hub + "a arn:aws:iam::333333333333:role/r source=c\nb arn:aws:iam::444444444444:role/r source=a\nc arn:aws:iam::555555555555:role/r source=b", defaults, 2, 36, "source= makes a cycle (a -> c -> b -> a)"},
		{"source_in_another_partition", "hub arn:aws:iam::222222222222:role/hub\ncn arn:aws-cn:iam::333333333333:role/r region=cn-north-1 source=hub", defaults, 2, 58, "chain only within one partition"},
		{"columns_count_characters_not_bytes", "# é\nprød arn:aws:iam::222222222222:role/r", defaults, 2, 1, `profile name "prød" is not valid`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := awsprofiles.Parse(tt.in, tt.d)
			assert.Nil(t, got)
			var perr *awsprofiles.Error
			require.ErrorAs(t, err, &perr)
			assert.Equal(t, tt.line, perr.Line, "line")
			assert.Equal(t, tt.col, perr.Column, "column")
			assert.Contains(t, err.Error(), tt.wantInText)
			assert.True(t, strings.HasPrefix(err.Error(), "aws-profiles line "), err.Error())
			assert.Equal(t, "Invalid input aws-profiles", perr.Title())
		})
	}
}

// A long word is shown shortened, so no line can flood the log.
func TestParse_LongValueIsShortened(t *testing.T) {
	t.Parallel()
	_, err := awsprofiles.Parse("prod "+strings.Repeat("x", 5000), defaults)
	require.Error(t, err)
	assert.Less(t, len(err.Error()), 1000)
}
