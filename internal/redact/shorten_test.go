package redact_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"

	"github.com/federate-action/federate/internal/redact"
)

func TestShorten(t *testing.T) {
	t.Parallel()
	max := redact.MaxRunes
	tests := []struct {
		name, in, want string
	}{
		{"short_text_is_kept", "permission denied", "permission denied"},
		{"white_space_around_is_trimmed", "\n  permission denied \r\n", "permission denied"},
		{"exactly_the_limit_is_kept", strings.Repeat("a", max), strings.Repeat("a", max)},
		{"one_over_the_limit_is_cut_and_marked", strings.Repeat("a", max+1),
			strings.Repeat("a", max) + "... (1 more bytes not shown)"},
		{"two_byte_runes_are_counted_as_characters", strings.Repeat("é", max), strings.Repeat("é", max)},
		{"two_byte_runes_are_never_split", strings.Repeat("é", max+2),
			strings.Repeat("é", max) + "... (4 more bytes not shown)"},
		{"four_byte_runes_are_never_split", "a" + strings.Repeat("😀", max),
			"a" + strings.Repeat("😀", max-1) + "... (4 more bytes not shown)"},
		{"cut_between_mixed_runes", strings.Repeat("a", max-1) + "日本",
			strings.Repeat("a", max-1) + "日... (3 more bytes not shown)"},
		{"invalid_utf8_counts_a_byte_each", strings.Repeat("\xff", max+1),
			strings.Repeat("\xff", max) + "... (1 more bytes not shown)"},
		{"huge_text_is_bounded", strings.Repeat("x", 10<<20),
			strings.Repeat("x", max) + "... (10485460 more bytes not shown)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := redact.Shorten(tt.in)
			assert.Equal(t, tt.want, got)
			if utf8.ValidString(tt.in) {
				assert.True(t, utf8.ValidString(got), "a valid text stays valid UTF-8")
			}
		})
	}
}
