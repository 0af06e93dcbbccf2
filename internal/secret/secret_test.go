package secret_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/federate-action/federate/internal/secret"
)

func TestString_NeverFormatsTheValue(t *testing.T) {
	t.Parallel()
	s := secret.New("hunter2")
	for _, got := range []string{
		fmt.Sprint(s), fmt.Sprintf("%v %+v %#v %s %q %x %d", s, s, s, s, s, s, s),
		fmt.Errorf("wrapped: %v", s).Error(), fmt.Sprintf("%v", struct{ S secret.String }{s}),
		errors.New(s.String()).Error(),
	} {
		assert.NotContains(t, got, "hunter2")
	}
	assert.Equal(t, "hunter2", s.Reveal())
}

func TestString_MaskUnits(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"empty_is_not_masked", "", nil},
		{"blank_is_not_masked", " \n\t", nil},
		{"single_line", "abc", []string{"abc"}},
		{"multi_line_masks_each_line", "line one\nline two\n", []string{"line one\nline two\n", "line one", "line two"}},
		{"crlf_lines_lose_the_cr", "a1\r\nb2\r\n", []string{"a1\r\nb2\r\n", "a1", "b2"}},
		{"blank_lines_skipped", "x\n\n  \ny", []string{"x\n\n  \ny", "x", "y"}},
		{"padded_value_is_masked_trimmed_too", " pad\t", []string{" pad\t", "pad"}},
		{"padded_line_is_masked_trimmed_too", "a\n  b  ", []string{"a\n  b  ", "a", "  b  ", "b"}},
		{"nul_pieces_are_masked_each", "head\x00tail", []string{"head\x00tail", "head", "tail", "headtail"}},
		{"nul_and_lines", "a1\x00b2\nc3", []string{"a1\x00b2\nc3", "a1", "b2", "c3", "a1b2\nc3", "a1b2"}},
		{"nul_only_is_not_masked", "\x00", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, secret.New(tt.in).MaskUnits())
		})
	}
}
