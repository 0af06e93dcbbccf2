package awsnames_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/federate-action/federate/internal/awsnames"
)

func TestValidProfileName(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want bool
	}{
		{"letters_digits_and_punctuation", "prod-eu_1.a+b@c", true},
		{"one_character", "p", true},
		{"sixty_four_characters", strings.Repeat("a", 64), true},
		{"sixty_five_characters", strings.Repeat("a", 65), false},
		{"empty", "", false},
		{"leading_dash_reads_as_a_flag", "-prod", false},
		{"space", "my prod", false},
		{"bracket_ends_the_section_header", "prod]", false},
		{"hash_starts_a_comment", "prod#1", false},
		{"semicolon_starts_a_comment", "prod;1", false},
		{"equals_sign", "a=b", false},
		{"slash", "team/prod", false},
		{"non_ascii_letter", "prød", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, awsnames.ValidProfileName(tt.in))
		})
	}
}

func TestParseRoleARN(t *testing.T) {
	t.Parallel()
	got, ok := awsnames.ParseRoleARN("arn:aws-us-gov:iam::111122223333:role/ci/deploy")
	assert.True(t, ok)
	assert.Equal(t, awsnames.RoleARN{Partition: "aws-us-gov", Account: "111122223333", Name: "ci/deploy"}, got)
	for _, bad := range []string{"arn:aws:iam::111122223333:user/bob", "arn:aws:iam::1111:role/r", "arn:aws:iam::111122223333:role/a b", "deploy"} {
		_, ok := awsnames.ParseRoleARN(bad)
		assert.False(t, ok, bad)
	}
}

func TestValidExternalID(t *testing.T) {
	t.Parallel()
	assert.True(t, awsnames.ValidExternalID("ci-audit:team/a@b=c,d.e+f"))
	assert.True(t, awsnames.ValidExternalID(strings.Repeat("x", 1224)))
	assert.False(t, awsnames.ValidExternalID("x"))
	assert.False(t, awsnames.ValidExternalID(strings.Repeat("x", 1225)))
	assert.False(t, awsnames.ValidExternalID("a b"))
}

func TestPartitionOf(t *testing.T) {
	t.Parallel()
	for region, want := range map[string]string{
		"us-east-1": "aws", "cn-north-1": "aws-cn", "us-gov-west-1": "aws-us-gov",
		"us-isob-east-1": "aws-iso-b", "us-iso-east-1": "aws-iso", "eusc-de-east-1": "aws-eusc",
	} {
		assert.Equal(t, want, awsnames.PartitionOf(region), region)
	}
}
