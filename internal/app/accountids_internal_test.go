package app

import (
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/federate-action/federate/internal/randtext"
)

// TestAccountIDs_finds_what_the_expression_found holds accountIDs to
// [0-9]{12}'s FindAllString: every 12-digit piece, runs of more digits cut
// from their start.
func TestAccountIDs_finds_what_the_expression_found(t *testing.T) {
	t.Parallel()
	ids := regexp.MustCompile(`[0-9]{12}`)
	cases := []string{"", "123456789012", "12345678901", "1234567890123", strings.Repeat("1", 24), strings.Repeat("1", 35),
		"arn:aws:iam::123456789012:role/r", "111111111111,222222222222", "x111111111111y", "[profile a]\nrole-arn = arn:aws:iam::210987654321:role/b"}
	alphabet := []string{"0", "1", "9", "a", ":", ",", " ", "\n", "123456789012", "é"}
	cases = append(cases, randtext.Strings(11, 20000, 0, 40, alphabet)...)
	for _, s := range cases {
		assert.Equal(t, ids.FindAllString(s, -1), accountIDs(s), "%q", s)
	}
}
