package secretspec_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/federate-action/federate/internal/secretspec"
)

func TestDeriveName(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"plain_key_is_unchanged", "npmToken", "npmToken"},
		{"dots_become_double_underscores", "key.value", "key__value"},
		{"every_dot_is_replaced_not_only_the_first", "a.b.c", "a__b__c"},
		{"dashes_are_deleted", "other-Secret-dash", "otherSecretdash"},
		{"quotes_are_deleted_and_quoted_dots_replaced", "`secret.token`", "secret__token"},
		{"underscores_and_digits_are_kept", "_a_1", "_a_1"},
		{"brackets_are_deleted", "list[2].name", "list2__name"},
		{"unicode_letters_are_kept", "clé", "clé"},
		{"symbols_and_spaces_are_deleted", `"a b$c/d:e"`, "abcde"},
		{"invalid_utf8_is_deleted", "a\xffb", "ab"},
		{"only_symbols_gives_empty", `"-"`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, secretspec.DeriveName(tt.in))
		})
	}
}

func TestSpec_WildcardNames(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		in        string
		key       string
		env, outp string
	}{
		{"star_upper_cases_env_and_keeps_output_case", "secret/data/ci *", "dbPass", "DBPASS", "dbPass"},
		{"star_derives_from_the_key", "secret/data/ci *", "my-key.x", "MYKEY__X", "mykey__x"},
		{"double_star_keeps_case_for_both", "secret/data/ci **", "dbPass", "dbPass", "dbPass"},
		{"star_prefix_is_prepended_then_derived", "secret/data/ci * | CI_", "db-pass", "CI_DBPASS", "CI_dbpass"},
		{"double_star_prefix_keeps_case", "secret/data/ci ** | ci_", "dbPass", "ci_dbPass", "ci_dbPass"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			specs, err := secretspec.Parse(tt.in)
			require.NoError(t, err)
			require.Len(t, specs, 1)
			env, out := specs[0].WildcardNames(tt.key)
			assert.Equal(t, tt.env, env, "env")
			assert.Equal(t, tt.outp, out, "output")
		})
	}
}

func TestSpec_EnvName_wildcardHasNoSingleName(t *testing.T) {
	t.Parallel()
	specs, err := secretspec.Parse("secret/data/ci * | CI_")
	require.NoError(t, err)
	assert.Empty(t, specs[0].EnvName())
	assert.Empty(t, specs[0].OutputName())
}
