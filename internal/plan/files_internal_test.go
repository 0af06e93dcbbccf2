package plan

import (
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/federate-action/federate/internal/randtext"
)

// TestValidFilesSuffix_matches_the_expression_it_replaces holds the
// hand-written check to ^[0-9a-f]{8}$.
func TestValidFilesSuffix_matches_the_expression_it_replaces(t *testing.T) {
	t.Parallel()
	suffix := regexp.MustCompile(`^[0-9a-f]{8}$`)
	cases := []string{"", "0123abcd", "0123abc", "0123abcde", "0123ABCD", "0123abcg", "0123abc\n", "deadbeef"}
	alphabet := []string{"0", "9", "a", "f", "g", "A", "-", "\n", "é"}
	cases = append(cases, randtext.Strings(9, 20000, 6, 10, alphabet)...)
	for _, s := range cases {
		assert.Equal(t, suffix.MatchString(s), validFilesSuffix(s), "%q", s)
	}
}
