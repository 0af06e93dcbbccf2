package redact

import (
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestIsScheme_matches_the_expression_it_replaces holds isScheme to
// RFC 3986's scheme as a regular expression.
func TestIsScheme_matches_the_expression_it_replaces(t *testing.T) {
	t.Parallel()
	scheme := regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.-]*$`)
	cases := []string{"", "h", "https", "git+ssh", "a.b-c", "1http", "+a", "ht tp", "é", "http\n", "HTTP", "user:pass"}
	alphabet := []string{"a", "Z", "0", "+", ".", "-", "_", ":", "/", " ", "é", "\n"}
	r := rand.New(rand.NewPCG(7, 8))
	for range 20000 {
		var b strings.Builder
		for range r.IntN(8) {
			b.WriteString(alphabet[r.IntN(len(alphabet))])
		}
		cases = append(cases, b.String())
	}
	for _, s := range cases {
		assert.Equal(t, scheme.MatchString(s), isScheme(s), "%q", s)
	}
}
