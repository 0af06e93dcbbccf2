package runnertest

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// parseCase is one file text and what the Linux runner makes of it.
type parseCase struct {
	name    string
	content string
	want    []Entry
	wantErr string // substring of the error; "" means no error
}

func runParseCases(t *testing.T, cases []parseCase, parseFn func(string) ([]Entry, error)) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := parseFn(tc.content)
			if tc.wantErr == "" {
				require.NoError(t, err)
			} else {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.wantErr)
			}
			// On error, want holds the entries the runner applied before failing.
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestParse_single_line(t *testing.T) {
	t.Parallel()
	runParseCases(t, []parseCase{
		{name: "empty_file", content: ""},
		{name: "simple", content: "MY_KEY=MY VALUE\n", want: []Entry{{"MY_KEY", "MY VALUE"}}},
		{name: "no_trailing_newline", content: "A=1", want: []Entry{{"A", "1"}}},
		{name: "empty_value", content: "MY_KEY=\n", want: []Entry{{"MY_KEY", ""}}},
		{
			name:    "skip_empty_lines",
			content: "\nMY_KEY=my value\n\nMY_KEY_2=my second value\n\n",
			want:    []Entry{{"MY_KEY", "my value"}, {"MY_KEY_2", "my second value"}},
		},
		{
			name:    "equals_in_value",
			content: "MY_KEY==abc\nMY_KEY_2=def=ghi\nMY_KEY_3=jkl=\n",
			want:    []Entry{{"MY_KEY", "=abc"}, {"MY_KEY_2", "def=ghi"}, {"MY_KEY_3", "jkl="}},
		},
		{
			name:    "duplicates_kept_in_file_order",
			content: "A=1\nB=2\nA=3\n",
			want:    []Entry{{"A", "1"}, {"B", "2"}, {"A", "3"}},
		},
		{name: "spaces_kept_verbatim", content: " A = 1 \n", want: []Entry{{" A ", " 1 "}}},
		{name: "equals_before_heredoc_marker", content: "MY_KEY_5=abc << def\n", want: []Entry{{"MY_KEY_5", "abc << def"}}},
		{
			// The runner's guard tests the line instead of the name, so this passes.
			name:    "empty_name_is_accepted_like_the_runner",
			content: "=value\n",
			want:    []Entry{{"", "value"}},
		},
		{name: "neither_form", content: "INVALID\n", wantErr: "Invalid format 'INVALID'"},
		{name: "whitespace_only_line_is_not_skipped", content: "A=1\n   \n", want: []Entry{{"A", "1"}}, wantErr: "line 2: Invalid format '   '"},
	}, Parse)
}

func TestParse_heredoc(t *testing.T) {
	t.Parallel()
	runParseCases(t, []parseCase{
		{name: "multi_line", content: "MY_KEY<<EOF\nline one\nline two\nEOF\n", want: []Entry{{"MY_KEY", "line one\nline two"}}},
		{name: "empty_value", content: "MY_KEY<<EOF\nEOF\n", want: []Entry{{"MY_KEY", ""}}},
		{name: "one_empty_line_value", content: "MY_KEY<<EOF\n\nEOF\n", want: []Entry{{"MY_KEY", ""}}},
		{name: "blank_lines_inside_are_kept", content: "K<<EOF\nhello\n\nthree\n\nEOF\n", want: []Entry{{"K", "hello\n\nthree\n"}}},
		{name: "value_lines_with_equals_and_markers", content: "K<<EOF\nhello=two\nX<<Y\nEOF\n", want: []Entry{{"K", "hello=two\nX<<Y"}}},
		{name: "delimiter_must_match_whole_line", content: "K<<EOF\n EOF\nEOF EOF\nEOF\n", want: []Entry{{"K", " EOF\nEOF EOF"}}},
		{
			name:    "line_equal_to_a_different_delimiter",
			content: "A<<ghadelimiter_a\nfirst\nghadelimiter_b\nlast\nghadelimiter_a\nB<<ghadelimiter_b\nb\nghadelimiter_b\n",
			want:    []Entry{{"A", "first\nghadelimiter_b\nlast"}, {"B", "b"}},
		},
		{name: "base64_delimiter_with_equals", content: "K<<khkIhPxsVA==\nv\nkhkIhPxsVA==\n", want: []Entry{{"K", "v"}}},
		{name: "heredoc_marker_before_equals", content: "MY_KEY_7 <<=EOF=\nabc\n=EOF=\n", want: []Entry{{"MY_KEY_7 ", "abc"}}},
		{name: "closing_delimiter_at_eof_without_newline", content: "K<<EOF\nv\nEOF", want: []Entry{{"K", "v"}}},
		{name: "mixed_with_single_line", content: "A=1\nK<<EOF\nx\nEOF\nB=2\n", want: []Entry{{"A", "1"}, {"K", "x"}, {"B", "2"}}},
		{
			// '=' comes before '<<', so this is NAME=VALUE and the would-be
			// delimiter line is parsed as a command of its own.
			name:    "equals_in_name_makes_it_single_line",
			content: "PREFIX_Issue `=` title<<khkIhPxsVA==\nData=Character\nkhkIhPxsVA==\n",
			want:    []Entry{{"PREFIX_Issue `", "` title<<khkIhPxsVA=="}, {"Data", "Character"}, {"khkIhPxsVA", "="}},
		},
		{name: "empty_name", content: "<<EOF\nx\nEOF\n", wantErr: "Invalid format '<<EOF'. Name must not be empty and delimiter must not be empty"},
		{name: "empty_delimiter", content: "K<<\nx\n\n", wantErr: "Name must not be empty and delimiter must not be empty"},
		{name: "missing_delimiter", content: "A=1\nK<<EOF\nv\n", want: []Entry{{"A", "1"}}, wantErr: "Invalid value. Matching delimiter not found 'EOF'"},
		{name: "header_is_last_line", content: "K<<EOF", wantErr: "Matching delimiter not found 'EOF'"},
		{name: "value_at_eof_without_newline", content: "K<<EOF\nv", wantErr: "line 2: Invalid value. EOF marker missing new line."},
		{name: "all_on_one_line", content: "MY_KEY<<EOF line one EOF", wantErr: "Matching delimiter not found 'EOF line one EOF'"},
	}, Parse)
}

// TestParse_injection documents why a writer must pick an unguessable
// delimiter and refuse values containing it (CVE-2022-35954): the runner ends
// the value at the first line equal to the delimiter.
func TestParse_injection(t *testing.T) {
	t.Parallel()
	naive := func(name, value string) string { return name + "<<EOF\n" + value + "\nEOF\n" }
	runParseCases(t, []parseCase{
		{
			name:    "value_ends_heredoc_then_sets_evil",
			content: naive("TOKEN", "x\nEOF\nEVIL=1\nPAD<<EOF"),
			want:    []Entry{{"TOKEN", "x"}, {"EVIL", "1"}, {"PAD", ""}},
		},
		{
			// The stray closing line fails the step, but EVIL is applied first.
			name:    "sloppy_injection_still_applies_evil",
			content: naive("TOKEN", "x\nEOF\nEVIL=1"),
			want:    []Entry{{"TOKEN", "x"}, {"EVIL", "1"}},
			wantErr: "line 5: Invalid format 'EOF'",
		},
		{
			name:    "random_delimiter_keeps_the_value_whole",
			content: "TOKEN<<ghadelimiter_6f1c\nx\nEOF\nEVIL=1\nghadelimiter_6f1c\n",
			want:    []Entry{{"TOKEN", "x\nEOF\nEVIL=1"}},
		},
		{
			name:    "newline_in_single_line_value_sets_evil",
			content: "TOKEN=" + "x\nEVIL=1" + "\n",
			want:    []Entry{{"TOKEN", "x"}, {"EVIL", "1"}},
		},
	}, Parse)
}

// TestParse_crlf pins the Linux runner's behaviour: its ReadLine splits on
// "\n" only (the "\r\n" branch is #if OS_WINDOWS), so CRs stay in names,
// values and delimiters.
func TestParse_crlf(t *testing.T) {
	t.Parallel()
	runParseCases(t, []parseCase{
		{name: "single_line_keeps_cr", content: "A=1\r\nB=2\r\n", want: []Entry{{"A", "1\r"}, {"B", "2\r"}}},
		{name: "heredoc_all_crlf", content: "K<<EOF\r\nl1\r\nl2\r\nEOF\r\n", want: []Entry{{"K", "l1\r\nl2\r"}}},
		{name: "blank_crlf_line_is_invalid", content: "A=1\r\n\r\nB=2\r\n", want: []Entry{{"A", "1\r"}}, wantErr: "line 2: Invalid format '\r'"},
		{name: "crlf_header_lf_delimiter", content: "K<<EOF\r\nv\nEOF\n", wantErr: "Matching delimiter not found 'EOF\r'"},
	}, Parse)
}

// TestParse_crlf_windows covers the OS_WINDOWS build, which never runs a
// container action but shows what the CR handling above is relative to.
func TestParse_crlf_windows(t *testing.T) {
	t.Parallel()
	windows := func(s string) ([]Entry, error) { return parse(s, true) }
	runParseCases(t, []parseCase{
		{name: "single_line", content: "A=1\r\nB=2\r\n", want: []Entry{{"A", "1"}, {"B", "2"}}},
		{name: "heredoc_keeps_inner_crlf", content: "K<<EOF\r\nl1\r\nl2\r\nEOF\r\n", want: []Entry{{"K", "l1\r\nl2"}}},
		{name: "blank_crlf_line_skipped", content: "A=1\r\n\r\nB=2\r\n", want: []Entry{{"A", "1"}, {"B", "2"}}},
		{name: "mixed_endings", content: "K<<EOF\nl1\r\nEOF\r\nB=2\n", want: []Entry{{"K", "l1"}, {"B", "2"}}},
		{name: "lf_only", content: "K<<EOF\nhello\nworld\nEOF\n", want: []Entry{{"K", "hello\nworld"}}},
	}, windows)
}

func TestToMap(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		entries []Entry
		want    map[string]string
	}{
		{name: "nil_entries", want: map[string]string{}},
		{name: "last_wins", entries: []Entry{{"A", "1"}, {"B", "2"}, {"A", "3"}}, want: map[string]string{"A": "3", "B": "2"}},
		{name: "names_are_case_sensitive", entries: []Entry{{"a", "1"}, {"A", "2"}}, want: map[string]string{"a": "1", "A": "2"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tc.want, ToMap(tc.entries))
		})
	}
}
