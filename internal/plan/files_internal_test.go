package plan

import (
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestValidFilesSuffix_matches_the_expression_it_replaces holds the
// hand-written check to ^[0-9a-f]{8}$.
func TestValidFilesSuffix_matches_the_expression_it_replaces(t *testing.T) {
	t.Parallel()
	suffix := regexp.MustCompile(`^[0-9a-f]{8}$`)
	cases := []string{"", "0123abcd", "0123abc", "0123abcde", "0123ABCD", "0123abcg", "0123abc\n", "deadbeef"}
	alphabet := []string{"0", "9", "a", "f", "g", "A", "-", "\n", "é"}
	r := rand.New(rand.NewPCG(9, 10))
	for range 20000 {
		var b strings.Builder
		for range 6 + r.IntN(4) {
			b.WriteString(alphabet[r.IntN(len(alphabet))])
		}
		cases = append(cases, b.String())
	}
	for _, s := range cases {
		assert.Equal(t, suffix.MatchString(s), validFilesSuffix(s), "%q", s)
	}
}
