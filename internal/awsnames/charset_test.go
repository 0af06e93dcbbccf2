package awsnames

import (
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/federate-action/federate/internal/randtext"
)

// TestHandWrittenChecks_match_the_API_model_patterns holds the hand-written
// checks to the regular expressions from the API models they replace, on
// edge cases and on random strings of the characters that matter.
func TestHandWrittenChecks_match_the_API_model_patterns(t *testing.T) {
	t.Parallel()
	checks := []struct {
		name  string
		want  func(string) bool
		check func(string) bool
	}{
		{"account", regexp.MustCompile(`^[0-9]{12}$`).MatchString, ValidAccount},
		{"role_name", regexp.MustCompile(`^([\w+=,.@-]+/)*[\w+=,.@-]{1,64}$`).MatchString, validRolePath},
		{"session_name", regexp.MustCompile(`^[\w+=,.@-]{2,64}$`).MatchString, ValidSessionName},
		{"external_id", func(s string) bool {
			return len(s) >= 2 && len(s) <= 1224 && regexp.MustCompile(`^[\w+=,.@:/-]+$`).MatchString(s)
		}, ValidExternalID},
		{"profile_name", regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.+@-]{0,63}$`).MatchString, ValidProfileName},
	}
	edges := []string{"", "a", "ab", "/", "a/", "/a", "a//b", "a/b", "path/to/name", "123456789012", "12345678901", "1234567890123",
		"12345678901a", "_a", "-a", "a\n", "a b", "é", "aé", "a:b", "a/b:c", "a$", "[a]", "a;b", "a#b",
		strings.Repeat("a", 63), strings.Repeat("a", 64), strings.Repeat("a", 65), "p/" + strings.Repeat("a", 64), "p/" + strings.Repeat("a", 65),
		strings.Repeat("a/", 40) + "n", strings.Repeat("1", 12) + "\n"}
	alphabet := []string{"a", "Z", "0", "9", "_", "+", "=", ",", ".", "@", "-", ":", "/", " ", "é", "\n", "#", "["}
	edges = append(edges, randtext.Strings(1, 20000, 0, 70, alphabet)...)
	for _, c := range checks {
		for _, s := range edges {
			assert.Equal(t, c.want(s), c.check(s), "%s: %q", c.name, s)
		}
	}
}

// TestRegionAndRoleARN_match_the_expressions_they_replace holds ValidRegion
// and ParseRoleARN to the regular expressions they replace, on edge cases
// and on random mutations of valid values.
func TestRegionAndRoleARN_match_the_expressions_they_replace(t *testing.T) {
	t.Parallel()
	region := regexp.MustCompile(`^[a-z]{2,4}(-[a-z]+)+-[0-9]+$`)
	roleARN := regexp.MustCompile(`^arn:(aws[a-z-]*):iam::([0-9]{12}):role/(.+)$`)
	parseARN := func(s string) (RoleARN, bool) {
		m := roleARN.FindStringSubmatch(s)
		if m == nil || len(s) > 2048 || !validRolePath(m[3]) {
			return RoleARN{}, false
		}
		return RoleARN{Partition: m[1], Account: m[2], Name: m[3]}, true
	}
	cases := []string{"", "us-east-1", "us-gov-west-1", "cn-north-1", "us-isob-east-1", "eusc-de-east-1", "u-east-1",
		"usxyz-east-1", "us-1", "us--1", "us-east-", "-us-east-1", "us-east-1-", "us-East-1", "us-east-1\n", "us-east-1a",
		"arn:aws:iam::123456789012:role/r", "arn:aws-cn:iam::123456789012:role/path/to/r", "arn:aws-us-gov:iam::123456789012:role/r",
		"arn:aws:iam::12345678901:role/r", "arn:aws:iam::1234567890123:role/r", "arn:aws:iam::123456789012:role/",
		"arn:aws:iam::123456789012:role/r\n", "arn:aws:iam::123456789012:role/a//b", "arn:aws:iam::123456789012:user/r",
		"arn:aw:iam::123456789012:role/r", "arn:awsX:iam::123456789012:role/r", "arn:aws::iam::123456789012:role/r",
		"arn:aws:iam::123456789012:role/r:x", "arn:aws:iam::123456789012:role/" + strings.Repeat("a", 64),
		"arn:aws:iam::123456789012:role/" + strings.Repeat("a", 65), "arn:aws:iam::123456789012:role/" + strings.Repeat("p/", 1100) + "r",
		"arn:aws:iam::123456789012:role/é", "xarn:aws:iam::123456789012:role/r"}
	pieces := []string{"arn:", "aws", "-cn", "-", ":", "iam::", "123456789012", "1", "a", "A", ":role/", "/", "path/", "r", "é", "\n", " ", "us", "east", "0"}
	r := rand.New(rand.NewPCG(3, 4))
	for range 20000 {
		var b strings.Builder
		if r.IntN(2) == 0 {
			b.WriteString("arn:aws:iam::123456789012:role/")
		}
		for range r.IntN(8) {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		s := b.String()
		if r.IntN(3) == 0 && len(s) > 0 {
			i := r.IntN(len(s))
			s = s[:i] + s[i+1:]
		}
		cases = append(cases, s)
	}
	for _, s := range cases {
		assert.Equal(t, region.MatchString(s), ValidRegion(s), "region %q", s)
		wantARN, wantOK := parseARN(s)
		gotARN, gotOK := ParseRoleARN(s)
		assert.Equal(t, wantOK, gotOK, "role ARN %q", s)
		assert.Equal(t, wantARN, gotARN, "role ARN %q", s)
	}
}
