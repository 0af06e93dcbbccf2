package redact

import (
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/federate-action/federate/internal/randtext"
)

// TestIsScheme_matches_the_expression_it_replaces holds isScheme to
// RFC 3986's scheme as a regular expression.
func TestIsScheme_matches_the_expression_it_replaces(t *testing.T) {
	t.Parallel()
	scheme := regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.-]*$`)
	cases := []string{"", "h", "https", "git+ssh", "a.b-c", "1http", "+a", "ht tp", "é", "http\n", "HTTP", "user:pass"}
	alphabet := []string{"a", "Z", "0", "+", ".", "-", "_", ":", "/", " ", "é", "\n"}
	cases = append(cases, randtext.Strings(7, 20000, 0, 8, alphabet)...)
	for _, s := range cases {
		assert.Equal(t, scheme.MatchString(s), isScheme(s), "%q", s)
	}
}
