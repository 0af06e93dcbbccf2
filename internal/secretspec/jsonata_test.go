package secretspec_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/federate-action/federate/internal/secretspec"
)

func TestSelector_Select(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		sel     string
		want    any
		found   bool
		wantErr string
	}{
		{"key_reads_without_the_library", "password", "p4ss", true, ""},
		{"number_kept_as_vault_wrote_it", "n", json.Number("1.50"), true, ""},
		{"null_value_of_a_key", "nothing", nil, true, ""},
		{"path_maps_over_an_array_as_vault_action_does", "list.name", []any{"n0", "n1"}, true, ""},
		{"index_on_an_object_reads_it_as_vault_action_does", "nested[0].a.b", "deep", true, ""},
		{"missing_key_is_not_found", "nope.x", nil, false, ""},
		{"function", "$count(list)", json.Number("2"), true, ""},
		{"filter", `list[name="n1"].name`, "n1", true, ""},
		{"object_result", "nested.a", map[string]any{"b": "deep"}, true, ""},
		{"array_result", "matrix[0]", []any{json.Number("1"), json.Number("2")}, true, ""},
		{"arithmetic_on_json_numbers", "n * 2", json.Number("3"), true, ""},
		{"typed_array_result", "$keys(list[0])", "name", true, ""}, // one item: jsonata-js gives "name" too
		{"typed_array_result_of_two", "$keys(nested.a) ~> $append(\"c\")", []any{"b", "c"}, true, ""},
		{"no_result_is_not_found", "list[name=\"zz\"].name", nil, false, ""},
		{"function_result_is_an_error", "$uppercase", nil, false, "not a JSON value"},
		{"function_error_is_an_error_without_values", "$number(password)", nil, false, "the details are not shown"},
		{"operator_error_names_the_operator", "password + 1", nil, false, `left side of the "+" operator must evaluate to a number`},
		{"argument_count_error", "$count()", nil, false, "evaluating the JSONata selector"},
		{"duplicate_key_error_without_values", `list{name: 1, "n0": 2}`, nil, false, "evaluating the JSONata selector"},
	}
	data := decode(t, evalData)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			specs, err := secretspec.Parse("secret/x " + tt.sel + " | X")
			require.NoError(t, err)
			got, found, err := specs[0].Selector.Select(data)
			if tt.wantErr != "" {
				require.ErrorContains(t, err, tt.wantErr)
				var evalErr *secretspec.EvalError
				require.ErrorAs(t, err, &evalErr)
				assert.Equal(t, "Vault secret selector failed", evalErr.Title())
				assert.NotContains(t, err.Error(), "p4ss")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.found, found)
			assert.Equal(t, tt.want, got)
		})
	}
}

// A wildcard selects the whole secret, which the export walks itself.
func TestSelector_SelectWildcard(t *testing.T) {
	t.Parallel()
	specs, err := secretspec.Parse("secret/x *")
	require.NoError(t, err)
	_, found, err := specs[0].Selector.Select(decode(t, evalData))
	require.NoError(t, err)
	assert.False(t, found)
}
