package explain_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/federate-action/federate/internal/explain"
)

func TestGlob(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		pattern  string
		value    string
		question bool
		want     bool
	}{
		{"literal_matches_itself", "repo:o/r", "repo:o/r", true, true},
		{"literal_is_case_sensitive", "repo:O/r", "repo:o/r", true, false},
		{"star_matches_empty", "repo:o/r*", "repo:o/r", true, true},
		{"star_matches_a_run", "repo:o/r:*", "repo:o/r:ref:refs/heads/main", true, true},
		{"star_crosses_slashes_and_colons", "repo:*", "repo:evil/x:pull_request", true, true},
		{"star_in_the_middle", "repo:o/*:ref:refs/heads/main", "repo:o/r:ref:refs/heads/main", true, true},
		{"star_in_the_middle_needs_the_suffix", "repo:o/*:ref:refs/heads/main", "repo:o/r:ref:refs/heads/dev", true, false},
		{"several_stars_backtrack", "a*b*c", "axxbyybzc", true, true},
		{"several_stars_fail_without_the_last_part", "a*b*c", "axxbyyb", true, false},
		{"question_matches_one_character", "refs/heads/v?", "refs/heads/v1", true, true},
		{"question_does_not_match_none", "refs/heads/v?", "refs/heads/v", true, false},
		{"question_is_literal_for_vault", "refs/heads/v?", "refs/heads/v1", false, false},
		{"question_literal_matches_itself_for_vault", "v?", "v?", false, true},
		{"question_counts_runes_not_bytes", "caf?", "café", true, true},
		{"empty_pattern_matches_only_empty", "", "", true, true},
		{"empty_pattern_refuses_text", "", "x", true, false},
		{"lone_star_matches_everything", "*", "anything at all", false, true},
		{"prefix_shorter_than_value", "repo:o/r", "repo:o/r:x", true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, explain.Glob(tt.pattern, tt.value, tt.question))
		})
	}
}

// TestGlob_many_stars_stay_fast guards against exponential backtracking:
// a pattern of many stars against a long value that cannot match.
func TestGlob_many_stars_stay_fast(t *testing.T) {
	t.Parallel()
	pattern := strings.Repeat("a*", 200) + "b"
	value := strings.Repeat("a", 5000)
	assert.False(t, explain.Glob(pattern, value, true))
}
