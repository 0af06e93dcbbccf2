package awsnames

import (
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
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
	r := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		var b strings.Builder
		for range r.IntN(70) {
			b.WriteString(alphabet[r.IntN(len(alphabet))])
		}
		edges = append(edges, b.String())
	}
	for _, c := range checks {
		for _, s := range edges {
			assert.Equal(t, c.want(s), c.check(s), "%s: %q", c.name, s)
		}
	}
}
