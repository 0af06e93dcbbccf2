package secretspec_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/federate-action/federate/internal/secretspec"
)

func TestParse_file_entries(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		in     string
		toFile bool
		sel    string
		want   string // Name
	}{
		{"gt_writes_to_a_file_named_by_name", "secret/data/ci key > KEY_FILE", true, "key", "KEY_FILE"},
		{"gt_without_spaces", "secret/data/ci key>KEY_FILE", true, "key", "KEY_FILE"},
		{"quoted_gt_belongs_to_the_key", `secret/data/ci "a>b" | AB`, false, `"a>b"`, "AB"},
		{"quoted_key_then_gt", `secret/data/ci "a|b" > AB`, true, `"a|b"`, "AB"},
		{"pipe_still_exports_the_value", "secret/data/ci key | KEY", false, "key", "KEY"},
		{"gt_inside_brackets_is_no_separator", "secret/data/ci items[0] > ITEM_FILE", true, "items[0]", "ITEM_FILE"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			specs, err := secretspec.Parse(tt.in)
			require.NoError(t, err)
			require.Len(t, specs, 1)
			s := specs[0]
			assert.Equal(t, tt.toFile, s.ToFile)
			assert.Equal(t, tt.sel, s.Selector.Text)
			assert.Equal(t, tt.want, s.Name)
			assert.Equal(t, tt.want, s.EnvName())
			back, err := secretspec.Parse(s.String())
			require.NoError(t, err, "String reads back: %s", s.String())
			assert.Equal(t, s.ToFile, back[0].ToFile)
			assert.Equal(t, s.Name, back[0].Name)
		})
	}
}

func TestParse_file_entry_errors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		in        string
		line, col int
		msg       string
	}{
		{"gt_without_name", "secret/data/ci key >", 1, 20, `missing name after ">"`},
		{"gt_with_invalid_env_name", "secret/data/ci key > my-file", 1, 22, `invalid name "my-file"`},
		{"gt_with_name_starting_with_digit", "secret/data/ci key > 1FILE", 1, 22, `invalid name "1FILE"`},
		{"gt_with_wildcard", "secret/data/ci * > ALL", 1, 18, "a wildcard cannot be written to a file"},
		{"gt_with_refused_name", "secret/data/ci key > NODE_OPTIONS", 1, 22, `invalid name "NODE_OPTIONS"`},
		{"error_on_second_line", "secret/data/ci a | A\nsecret/data/ci key >   ", 2, 20, `missing name after ">"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := secretspec.Parse(tt.in)
			var perr *secretspec.ParseError
			require.True(t, errors.As(err, &perr), "got %v", err)
			assert.Equal(t, tt.line, perr.Line)
			assert.Equal(t, tt.col, perr.Column)
			assert.Contains(t, perr.Msg, tt.msg)
		})
	}
}

// A '>' that belongs to a selector expression (inside brackets, or >=) is
// no file separator: such an entry is read as a plain one, whatever its
// selector's fate, and a '|' after a '>' names a plain entry.
func TestParse_gt_in_a_selector_is_no_separator(t *testing.T) {
	t.Parallel()
	for _, in := range []string{"secret/data/ci a>=b", "secret/data/ci a[b>1]", "secret/data/ci a>b | AB"} {
		specs, err := secretspec.Parse(in)
		if err == nil {
			assert.False(t, specs[0].ToFile, in)
			continue
		}
		assert.NotContains(t, err.Error(), `after ">"`, in)
		assert.NotContains(t, err.Error(), "invalid name", in)
	}
}
