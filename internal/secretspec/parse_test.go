package secretspec_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/federate-action/federate/internal/secretspec"
)

func key(k string) secretspec.Segment { return secretspec.Segment{Key: k} }
func idx(i int) secretspec.Segment    { return secretspec.Segment{Index: i, IsIndex: true} }

func keys(text string, segs ...secretspec.Segment) secretspec.Selector {
	return secretspec.Selector{Segments: segs, Text: text}
}

func TestParse_forms(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		in         string
		want       secretspec.Spec // Entry and Line are 1
		env, outpt string
	}{
		{"plain_key_derives_upper_env_and_kept_output", "secret/data/ci password",
			secretspec.Spec{Raw: "secret/data/ci password", Path: "secret/data/ci", Selector: keys("password", key("password"))},
			"PASSWORD", "password"},
		{"camel_case_key_keeps_case_in_output", "secret/data/ci npmToken",
			secretspec.Spec{Raw: "secret/data/ci npmToken", Path: "secret/data/ci", Selector: keys("npmToken", key("npmToken"))},
			"NPMTOKEN", "npmToken"},
		{"explicit_name_is_used_verbatim_for_both", "secret/data/ci npm-token | NPM_TOKEN",
			secretspec.Spec{Raw: "secret/data/ci npm-token | NPM_TOKEN", Path: "secret/data/ci", Selector: keys("npm-token", key("npm-token")), Name: "NPM_TOKEN"},
			"NPM_TOKEN", "NPM_TOKEN"},
		{"name_without_spaces_around_pipe", "secret/data/ci password|pw",
			secretspec.Spec{Raw: "secret/data/ci password|pw", Path: "secret/data/ci", Selector: keys("password", key("password")), Name: "pw"},
			"pw", "pw"},
		{"unquoted_dashed_key_with_digits_is_one_key", "secret/data/ci some-secret-with-123digits",
			secretspec.Spec{Raw: "secret/data/ci some-secret-with-123digits", Path: "secret/data/ci",
				Selector: keys("some-secret-with-123digits", key("some-secret-with-123digits"))},
			"SOMESECRETWITH123DIGITS", "somesecretwith123digits"},
		{"double_quoted_dashed_key_drops_dashes_from_names", `secret/data/ci "other-Secret-dash"`,
			secretspec.Spec{Raw: `secret/data/ci "other-Secret-dash"`, Path: "secret/data/ci",
				Selector: keys(`"other-Secret-dash"`, key("other-Secret-dash"))},
			"OTHERSECRETDASH", "otherSecretdash"},
		{"double_quoted_key_with_dot_is_one_key", `secret/data/ci "a.b"`,
			secretspec.Spec{Raw: `secret/data/ci "a.b"`, Path: "secret/data/ci", Selector: keys(`"a.b"`, key("a.b"))},
			"A__B", "a__b"},
		{"single_quoted_key_without_dot", `secret/data/ci 'x'`,
			secretspec.Spec{Raw: `secret/data/ci 'x'`, Path: "secret/data/ci", Selector: keys(`'x'`, key("x"))},
			"X", "x"},
		{"single_quoted_key_with_dot_is_one_key", `secret/data/ci 'a.b'`,
			secretspec.Spec{Raw: `secret/data/ci 'a.b'`, Path: "secret/data/ci", Selector: keys(`'a.b'`, key("a.b"))},
			"A__B", "a__b"},
		{"backtick_key_with_dot_is_one_key", "secret/data/ci `secret.token`",
			secretspec.Spec{Raw: "secret/data/ci `secret.token`", Path: "secret/data/ci", Selector: keys("`secret.token`", key("secret.token"))},
			"SECRET__TOKEN", "secret__token"},
		{"quoted_key_keeps_spaces_pipes_and_semicolons", `secret/data/ci "a b|c;d" | ABCD`,
			secretspec.Spec{Raw: `secret/data/ci "a b|c;d" | ABCD`, Path: "secret/data/ci", Selector: keys(`"a b|c;d"`, key("a b|c;d")), Name: "ABCD"},
			"ABCD", "ABCD"},
		{"empty_quoted_key_with_name", `secret/data/ci "" | EMPTY`,
			secretspec.Spec{Raw: `secret/data/ci "" | EMPTY`, Path: "secret/data/ci", Selector: keys(`""`, key("")), Name: "EMPTY"},
			"EMPTY", "EMPTY"},
		{"dotted_path_derives_double_underscores", "secret/data/ci key.value",
			secretspec.Spec{Raw: "secret/data/ci key.value", Path: "secret/data/ci", Selector: keys("key.value", key("key"), key("value"))},
			"KEY__VALUE", "key__value"},
		{"three_level_dotted_path", "secret/data/ci a.b.c",
			secretspec.Spec{Raw: "secret/data/ci a.b.c", Path: "secret/data/ci", Selector: keys("a.b.c", key("a"), key("b"), key("c"))},
			"A__B__C", "a__b__c"},
		{"dotted_path_mixing_quoted_and_plain_segments", `secret/data/ci a."b.c".d`,
			secretspec.Spec{Raw: `secret/data/ci a."b.c".d`, Path: "secret/data/ci", Selector: keys(`a."b.c".d`, key("a"), key("b.c"), key("d"))},
			"A__B__C__D", "a__b__c__d"},
		{"dotted_path_ending_in_backtick_segment", "secret/data/ci a.`b.c`",
			secretspec.Spec{Raw: "secret/data/ci a.`b.c`", Path: "secret/data/ci", Selector: keys("a.`b.c`", key("a"), key("b.c"))},
			"A__B__C", "a__b__c"},
		{"array_index_after_dotted_path", "secret/data/ci a.b[0]",
			secretspec.Spec{Raw: "secret/data/ci a.b[0]", Path: "secret/data/ci", Selector: keys("a.b[0]", key("a"), key("b"), idx(0))},
			"A__B0", "a__b0"},
		{"array_index_then_key", "secret/data/ci list[2].name",
			secretspec.Spec{Raw: "secret/data/ci list[2].name", Path: "secret/data/ci", Selector: keys("list[2].name", key("list"), idx(2), key("name"))},
			"LIST2__NAME", "list2__name"},
		{"nested_array_indexes", "secret/data/ci m[10][1] | M",
			secretspec.Spec{Raw: "secret/data/ci m[10][1] | M", Path: "secret/data/ci", Selector: keys("m[10][1]", key("m"), idx(10), idx(1)), Name: "M"},
			"M", "M"},
		{"quoted_key_then_index", `secret/data/ci "my-list"[0]`,
			secretspec.Spec{Raw: `secret/data/ci "my-list"[0]`, Path: "secret/data/ci", Selector: keys(`"my-list"[0]`, key("my-list"), idx(0))},
			"MYLIST0", "mylist0"},
		{"unicode_key_with_a_name", "secret/data/ci ключ | KEY",
			secretspec.Spec{Raw: "secret/data/ci ключ | KEY", Path: "secret/data/ci", Selector: keys("ключ", key("ключ")), Name: "KEY"},
			"KEY", "KEY"},
		{"star_is_every_key", "secret/data/ci *",
			secretspec.Spec{Raw: "secret/data/ci *", Path: "secret/data/ci", Selector: secretspec.Selector{Wildcard: secretspec.All, Text: "*"}},
			"", ""},
		{"double_star_is_every_key_case_kept", "secret/data/ci **",
			secretspec.Spec{Raw: "secret/data/ci **", Path: "secret/data/ci", Selector: secretspec.Selector{Wildcard: secretspec.AllKeepCase, Text: "**"}},
			"", ""},
		{"star_with_prefix", "secret/data/ci * | CI_",
			secretspec.Spec{Raw: "secret/data/ci * | CI_", Path: "secret/data/ci", Selector: secretspec.Selector{Wildcard: secretspec.All, Text: "*"}, Name: "CI_"},
			"", ""},
		{"leading_slash_is_removed_from_path", "/secret/data/ci password",
			secretspec.Spec{Raw: "/secret/data/ci password", Path: "secret/data/ci", Selector: keys("password", key("password"))},
			"PASSWORD", "password"},
		{"version_query_is_kept_in_path", "secret/data/ci?version=2 password",
			secretspec.Spec{Raw: "secret/data/ci?version=2 password", Path: "secret/data/ci?version=2", Selector: keys("password", key("password"))},
			"PASSWORD", "password"},
		{"dynamic_secret_path", "aws/creds/deploy access_key",
			secretspec.Spec{Raw: "aws/creds/deploy access_key", Path: "aws/creds/deploy", Selector: keys("access_key", key("access_key"))},
			"ACCESS_KEY", "access_key"},
		{"tabs_and_spaces_around_everything_are_trimmed", " \t secret/data/ci \t password \t|\t PW \t ",
			secretspec.Spec{Raw: "secret/data/ci \t password \t|\t PW", Path: "secret/data/ci", Selector: keys("password", key("password")), Name: "PW"},
			"PW", "PW"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := secretspec.Parse(tt.in)
			require.NoError(t, err)
			require.Len(t, got, 1)
			want := tt.want
			want.Entry, want.Line = 1, 1
			assert.Equal(t, want, got[0], "Parse(%q)", tt.in)
			assert.Equal(t, tt.env, got[0].EnvName(), "EnvName")
			assert.Equal(t, tt.outpt, got[0].OutputName(), "OutputName")
		})
	}
}

func TestParse_entries(t *testing.T) {
	t.Parallel()
	type pos struct {
		Entry, Line int
		Raw         string
	}
	tests := []struct {
		name string
		in   string
		want []pos
	}{
		{"readme_example_with_semicolons_and_newlines",
			"secret/data/aws accessKey | AWS_ACCESS_KEY_ID ;\nsecret/data/ci npm-token  | NPM_TOKEN ;\n",
			[]pos{{1, 1, "secret/data/aws accessKey | AWS_ACCESS_KEY_ID"}, {2, 2, "secret/data/ci npm-token  | NPM_TOKEN"}}},
		{"newlines_separate_entries_without_semicolons",
			"secret/data/aws accessKey | AWS_ACCESS_KEY_ID\nsecret/data/ci npm-token | NPM_TOKEN",
			[]pos{{1, 1, "secret/data/aws accessKey | AWS_ACCESS_KEY_ID"}, {2, 2, "secret/data/ci npm-token | NPM_TOKEN"}}},
		{"semicolons_separate_entries_on_one_line", "a x; b y ;c z",
			[]pos{{1, 1, "a x"}, {2, 1, "b y"}, {3, 1, "c z"}}},
		{"blank_entries_are_skipped_and_not_counted", ";;\n\n  ; a x ;; \n\t\n b y;",
			[]pos{{1, 3, "a x"}, {2, 5, "b y"}}},
		{"crlf_line_endings", "a x | X\r\nb y\r\n",
			[]pos{{1, 1, "a x | X"}, {2, 2, "b y"}}},
		{"yaml_block_indentation", "  a x | X ;\n  b y | Y ;\n",
			[]pos{{1, 1, "a x | X"}, {2, 2, "b y | Y"}}},
		{"quoted_semicolon_does_not_separate", `a "x;y" | XY; b z`,
			[]pos{{1, 1, `a "x;y" | XY`}, {2, 1, "b z"}}},
		{"empty_input_has_no_entries", "", nil},
		{"blank_input_has_no_entries", " ;\n\r\n ; ", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			specs, err := secretspec.Parse(tt.in)
			require.NoError(t, err)
			var got []pos
			for _, s := range specs {
				got = append(got, pos{s.Entry, s.Line, s.Raw})
			}
			assert.Equal(t, tt.want, got, "Parse(%q)", tt.in)
		})
	}
}

func TestParse_readmeExampleSpecs(t *testing.T) {
	t.Parallel()
	got, err := secretspec.Parse("secret/data/aws accessKey | AWS_ACCESS_KEY_ID ;\nsecret/data/ci npm-token  | NPM_TOKEN ;\n")
	require.NoError(t, err)
	assert.Equal(t, []secretspec.Spec{
		{Entry: 1, Line: 1, Raw: "secret/data/aws accessKey | AWS_ACCESS_KEY_ID", Path: "secret/data/aws",
			Selector: keys("accessKey", key("accessKey")), Name: "AWS_ACCESS_KEY_ID"},
		{Entry: 2, Line: 2, Raw: "secret/data/ci npm-token  | NPM_TOKEN", Path: "secret/data/ci",
			Selector: keys("npm-token", key("npm-token")), Name: "NPM_TOKEN"},
	}, got)
}

func TestParse_errors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name                string
		in                  string
		entry, line, column int
		msg                 string
	}{
		{"pipe_without_name", "secret/data/x key |", 1, 1, 19, "You must provide a value when mapping a secret to a name"},
		{"pipe_with_only_spaces", "secret/data/x key |   ; b c", 1, 1, 19, "You must provide a value when mapping a secret to a name"},
		{"pipe_without_name_in_later_entry", "a b;\n\nsecret/data/x key |", 2, 3, 19, "You must provide a value when mapping a secret to a name"},
		{"path_without_key", "secret/data/x", 1, 1, 14, "You must provide a valid path and key (the key is missing"},
		{"path_and_name_without_key", "secret/data/x | X", 1, 1, 14, "You must provide a valid path and key (the key is missing"},
		{"name_without_path", "| X", 1, 1, 1, "You must provide a valid path and key (the path is missing"},
		{"three_tokens_points_at_the_third", "secret/data/x a b c", 1, 1, 17, "You must provide a valid path and key (a key has no spaces"},
		{"space_after_dot_is_a_second_token", "secret/data/x a. b", 1, 1, 18, "You must provide a valid path and key"},
		{"second_token_is_reported_before_a_bad_path", "a//b x y", 1, 1, 8, "You must provide a valid path and key"},
		{"jsonata_function_without_name", `secret/x $join([a, b], ",")`, 1, 1, 10, `You must provide a name for the output key when using json selectors`},
		{"jsonata_filter_without_name", "secret/x a[x>1]", 1, 1, 10, `You must provide a name for the output key when using json selectors`},
		{"jsonata_negative_index_without_name", "secret/x a[-1]", 1, 1, 10, `You must provide a name for the output key when using json selectors`},
		{"jsonata_syntax_error_points_at_its_token", "secret/x a:b | X", 1, 1, 11, `invalid JSONata selector: syntax error: ':'`},
		{"jsonata_unclosed_call_points_at_the_end", "secret/data/x $join(a | X", 1, 1, 21, `invalid JSONata selector: expected token ')' before end of expression`},
		{"jsonata_error_in_later_line", "a b;\nsecret/x $count(list | X", 2, 2, 20, `invalid JSONata selector`},
		{"jsonata_function_definition", "secret/x (function($g){$g($g)})(function($g){$g($g)}) | X", 1, 1, 10, "it defines a function"},
		{"jsonata_range", "secret/x $count([1..10000000].[1..10000000]) | X", 1, 1, 10, "it holds a range"},
		{"jsonata_typed_function_definition", "secret/x $map(list, λ($v)<s:s>{$v}) | X", 1, 1, 10, "it defines a function"},
		{"jsonata_second_token_after_expression", "secret/x $a b | X", 1, 1, 13, `invalid JSONata selector: syntax error: 'b'`},
		{"unsupported_hint_lists_forms", "secret/x a|b | X", 1, 1, 11, `write a key, "quoted key", dotted.path, [index], * or **, or a JSONata expression with "| NAME"`},
		{"unquoted_pipe_inside_selector", "secret/x a|b | X", 1, 1, 11, `unsupported selector: unexpected "|"`},
		{"jsonata_wildcard_after_key_without_name", "secret/x a.*", 1, 1, 10, "You must provide a name for the output key when using json selectors"},
		{"jsonata_wildcard_before_key_without_name", "secret/x *.a", 1, 1, 10, "You must provide a name for the output key when using json selectors"},
		{"triple_star", "secret/x *** | X", 1, 1, 12, "invalid JSONata selector: unexpected end of expression"},
		{"double_dot", "secret/x a..b", 1, 1, 12, "empty key in selector"},
		{"leading_dot", "secret/x .a", 1, 1, 10, "empty key in selector"},
		{"trailing_dot", "secret/x a.", 1, 1, 11, "empty key in selector"},
		{"index_without_key", "secret/x [0] | X", 1, 1, 10, "an [index] must follow a key"},
		{"index_after_dot", "secret/x a.[0] | X", 1, 1, 12, "an [index] must follow a key"},
		{"unclosed_index", "secret/x a[0", 1, 1, 11, "unclosed ["},
		{"empty_index", "secret/x a[]", 1, 1, 12, `unexpected "]" in [index]`},
		{"index_too_large", "secret/x a[99999999999999999999] | A", 1, 1, 12, "the index is too large"},
		{"text_after_quoted_key", `secret/x "a"b`, 1, 1, 13, `unexpected "b"`},
		{"quote_inside_plain_key", `secret/x a"b"`, 1, 1, 11, `unexpected "\""`},
		{"unclosed_quote_points_at_quote", `secret/x "abc`, 1, 1, 10, "unclosed quote"},
		{"unclosed_quote_swallows_semicolon", `secret/x 'a;b`, 1, 1, 10, "unclosed quote"},
		{"quotes_do_not_span_lines", "a b;\nsecret/x `a\nb` | X", 2, 2, 10, "unclosed quote"},
		{"unclosed_quote_in_name", `secret/x a | A"B`, 1, 1, 15, "unclosed quote"},
		{"query_other_than_version", "secret/data/x?list=true key", 1, 1, 14, "the only query a path may carry is ?version=N"},
		{"version_not_a_number", "secret/data/x?version=abc key", 1, 1, 14, "the only query a path may carry is ?version=N"},
		{"name_starting_with_digit", "secret/x a | 1BAD", 1, 1, 14, `invalid name "1BAD"`},
		{"name_with_dash", "secret/x a | my-name", 1, 1, 14, `invalid name "my-name" (use letters, digits and '_'`},
		{"name_with_space", "secret/x a |  MY NAME", 1, 1, 15, `invalid name "MY NAME"`},
		{"name_with_unicode", "secret/x a | ÄPFEL", 1, 1, 14, `invalid name "ÄPFEL"`},
		{"quoted_name", `secret/x a | "X"`, 1, 1, 14, `invalid name "\"X\""`},
		{"wildcard_prefix_with_dash", "secret/x * | ci-", 1, 1, 14, `invalid prefix "ci-"`},
		{"derived_name_starting_with_digit", `secret/x "123"`, 1, 1, 10, `cannot derive a name from the key: "123": it starts with a digit (add "| NAME"`},
		{"derived_name_from_unquoted_digits", "secret/x 1abc", 1, 1, 10, `"1abc": it starts with a digit`},
		{"derived_name_outside_ascii", "secret/data/ci ключ", 1, 1, 16, `"ключ": it holds letters other than A-Z and a-z, which later steps cannot use`},
		{"name_the_runner_refuses", "secret/x a | NODE_OPTIONS", 1, 1, 14, "the runner refuses to set NODE_OPTIONS"},
		{"derived_name_the_runner_refuses", "secret/x node_options", 1, 1, 10, "the runner refuses to set NODE_OPTIONS"},
		{"name_the_runner_refuses_in_lower_case", "secret/x a | node_options", 1, 1, 14, `invalid name "node_options": the runner refuses to set NODE_OPTIONS from a step, whatever its letter case`},
		{"name_the_runner_refuses_in_mixed_case", "secret/x a | Node_Options", 1, 1, 14, "the runner refuses to set NODE_OPTIONS"},
		{"derived_name_empty", `secret/x "-"`, 1, 1, 10, `cannot derive a name from the key: it would be empty (add "| NAME"`},
		{"derived_name_empty_from_empty_key", `secret/x ""`, 1, 1, 10, "it would be empty"},
		{"path_with_dotdot", "secret/../x a", 1, 1, 8, `invalid path: it must not contain a ".." segment`},
		{"path_ending_in_dotdot", "/secret/.. a", 1, 1, 9, `invalid path: it must not contain a ".." segment`},
		{"path_with_a_dot_segment_would_read_another_secret", "secret/./data/x v", 1, 1, 8, `invalid path: it must not contain a "." segment`},
		{"path_starting_with_a_dot_segment", "./secret/x v", 1, 1, 1, `invalid path: it must not contain a "." segment`},
		{"path_ending_in_a_dot_segment", "secret/data/x/. v", 1, 1, 15, `invalid path: it must not contain a "." segment`},
		{"dot_segment_before_a_version_query", "a x; secret/data/./x?version=2 v", 2, 1, 18, `invalid path: it must not contain a "." segment`},
		{"path_with_double_slash", "secret//x a", 1, 1, 7, `invalid path: it must not contain "//"`},
		{"path_with_leading_double_slash", "//secret/x a", 1, 1, 1, `invalid path: it must not contain "//"`},
		{"path_only_slash", "/ a", 1, 1, 1, "invalid path: it is empty"},
		{"path_only_query", "/?version=1 a", 1, 1, 1, "invalid path: it is empty"},
		{"quoted_path", `"secret/x" a`, 1, 1, 1, "invalid path: it must not be quoted"},
		{"path_hint_mentions_kv2_data", "secret/../x a", 1, 1, 8, "secret/data/ci"},
		{"blank_entries_do_not_shift_entry_numbers", ";;\n a b ;; c", 2, 2, 10, "the key is missing"},
		{"column_counts_characters_not_bytes", "secret/x ключ.", 1, 1, 14, "empty key in selector"},
		{"column_is_within_its_line_after_crlf", "a b\r\n  c d.\r\n", 2, 2, 6, "empty key in selector"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			specs, err := secretspec.Parse(tt.in)
			require.Error(t, err, "Parse(%q) = %v", tt.in, specs)
			assert.Nil(t, specs)
			var pe *secretspec.ParseError
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, [3]int{tt.entry, tt.line, tt.column}, [3]int{pe.Entry, pe.Line, pe.Column}, "entry, line, column of %v", err)
			assert.Contains(t, pe.Msg, tt.msg)
		})
	}
}

func TestParseError_Error(t *testing.T) {
	t.Parallel()
	_, err := secretspec.Parse("secret/data/ci token;\n\n  secret/data/x key |")
	var pe *secretspec.ParseError
	require.True(t, errors.As(err, &pe))
	assert.Equal(t, `vault-secrets entry 2 (line 3, column 21): You must provide a value when mapping a secret to a name `+
		`(write "path key | NAME", or drop the "|"): "secret/data/x key |"`, err.Error())
	assert.Equal(t, "Invalid input vault-secrets", pe.Title())
	assert.Equal(t, "secret/data/x key |", pe.Raw)
}

func TestSpec_String(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"key_only", "  /secret/data/ci   password ;", "secret/data/ci password"},
		{"name_spacing_is_normalized", "secret/data/ci `a.b`[0]|AB", "secret/data/ci `a.b`[0] | AB"},
		{"wildcard_with_prefix", "secret/data/ci ** |CI_", "secret/data/ci ** | CI_"},
		{"query_kept", "secret/data/ci?version=3 'k'", "secret/data/ci?version=3 'k'"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			specs, err := secretspec.Parse(tt.in)
			require.NoError(t, err)
			require.Len(t, specs, 1)
			assert.Equal(t, tt.want, specs[0].String())
		})
	}
}
