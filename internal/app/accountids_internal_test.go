package app

import (
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
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
	r := rand.New(rand.NewPCG(11, 12))
	for range 20000 {
		var b strings.Builder
		for range r.IntN(40) {
			b.WriteString(alphabet[r.IntN(len(alphabet))])
		}
		cases = append(cases, b.String())
	}
	for _, s := range cases {
		assert.Equal(t, ids.FindAllString(s, -1), accountIDs(s), "%q", s)
	}
}
