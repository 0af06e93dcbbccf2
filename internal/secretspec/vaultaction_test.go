package secretspec_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/federate-action/federate/internal/secretspec"
)

// TestParse_VaultActionTables runs the rows of vault-action's
// src/action.test.js "parseSecretsInput" tests, and the JSONata name rule
// of its parseSecretsInput: a selector that is not a key, a path or a
// string needs "| NAME".
func TestParse_VaultActionTables(t *testing.T) {
	t.Parallel()
	type parsed struct{ path, selector, output, env string }
	tests := []struct {
		name    string
		in      string
		want    []parsed
		wantErr string
	}{
		{"parses_simple_secret", "test key", []parsed{{"test", "key", "key", "KEY"}}, ""},
		{"parses_mapped_secret", "test key|testName", []parsed{{"test", "key", "testName", "testName"}}, ""},
		{"fails_on_invalid_mapped_name", "test key|", nil, "You must provide a value when mapping a secret to a name"},
		{"fails_on_invalid_path_for_mapped", "|testName", nil, "You must provide a valid path and key"},
		{"parses_multiple_secrets", "first a;second b;", []parsed{{"first", "a", "a", "A"}, {"second", "b", "b", "B"}}, ""},
		{"parses_multiple_complex_secret_input", "first a;second b|secondName",
			[]parsed{{"first", "a", "a", "A"}, {"second", "b", "secondName", "secondName"}}, ""},
		{"parses_multiline_input", "\n        first a;\n        second b;\n        third c | SOME_C;",
			[]parsed{{"first", "a", "a", "A"}, {"second", "b", "b", "B"}, {"third", "c", "SOME_C", "SOME_C"}}, ""},
		// exportSecrets "intl secret retrieval": vault-action exports the
		// env var 测试, which a shell cannot read; "| NAME" chooses one.
		{"intl_selector_needs_a_name", "测试 测试", nil, `cannot derive a name from the key: "测试"`},
		{"json_selector_needs_a_name", "test $count(list)", nil, "You must provide a name for the output key when using json selectors"},
		{"json_selector_with_a_name", "test $count(list) | N", []parsed{{"test", "$count(list)", "N", "N"}}, ""},
		{"json_filter_needs_a_name", `test list[name="a"].v`, nil, "You must provide a name for the output key when using json selectors"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			specs, err := secretspec.Parse(tt.in)
			if tt.wantErr != "" {
				var pe *secretspec.ParseError
				require.True(t, errors.As(err, &pe), "Parse(%q) error %v", tt.in, err)
				assert.Contains(t, pe.Msg, tt.wantErr)
				return
			}
			require.NoError(t, err)
			var got []parsed
			for _, s := range specs {
				got = append(got, parsed{s.Path, s.Selector.Text, s.OutputName(), s.EnvName()})
			}
			assert.Equal(t, tt.want, got)
		})
	}
}

// TestSelect_ExpressionsOnly checks which selectors reach the JSONata
// library: keys, paths, indexes and wildcards never do.
func TestSelect_ExpressionsOnly(t *testing.T) {
	t.Parallel()
	tests := []struct {
		selector string
		want     bool
	}{
		{"key", false},
		{`"my-key"`, false},
		{"`a.b`.c", false},
		{"a.b[0].c", false},
		{"some-secret-with-123digits", false},
		{"*", false},
		{"**", false},
		{"$count(list)", true},
		{"list[v>1].name", true},
		{"a.*", true},
		{"tags[-1]", true},
		{`name & "-suffix"`, true},
	}
	for _, tt := range tests {
		t.Run(tt.selector, func(t *testing.T) {
			t.Parallel()
			specs, err := secretspec.Parse("secret/data/x " + tt.selector + " | X")
			require.NoError(t, err)
			assert.Equal(t, tt.want, specs[0].Selector.IsExpression())
		})
	}
}
