package export

import (
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/federate-action/federate/internal/randtext"
)

// TestValidNames_match_the_expressions_they_replace holds the hand-written
// name checks to the regular expressions they replace.
func TestValidNames_match_the_expressions_they_replace(t *testing.T) {
	t.Parallel()
	env := regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	output := regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_-]*$`)
	cases := []string{"", "A", "_", "-", "0", "a-b", "-a", "_0", "0a", "AWS_REGION", "aws-account-id", "a b", "a\n", "é", "aé", "a.b"}
	alphabet := []string{"a", "Z", "0", "9", "_", "-", ".", " ", "é", "\n", "$", "="}
	cases = append(cases, randtext.Strings(5, 20000, 0, 8, alphabet)...)
	for _, s := range cases {
		assert.Equal(t, env.MatchString(s), ValidEnvName(s), "env name %q", s)
		assert.Equal(t, output.MatchString(s), ValidOutputName(s), "output name %q", s)
	}
}
