package secretspec_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/federate-action/federate/internal/secretspec"
)

const evalData = `{
	"password": "p4ss",
	"nested": {"a": {"b": "deep"}},
	"a.b": "dotted",
	"my-key": "dashed",
	"list": [{"name": "n0"}, {"name": "n1"}],
	"matrix": [[1, 2], [3]],
	"n": 1.50,
	"big": 12345678901234567890,
	"flag": true,
	"nothing": null
}`

func decode(t *testing.T, s string) map[string]any {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var m map[string]any
	require.NoError(t, dec.Decode(&m))
	return m
}

func TestSelector_Eval(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		sel    string
		want   any
		wantOK bool
	}{
		{"plain_key", "password", "p4ss", true},
		{"nested_maps", "nested.a.b", "deep", true},
		{"quoted_key_with_dot_is_not_a_path", `"a.b"`, "dotted", true},
		{"backtick_key_with_dot", "`a.b`", "dotted", true},
		{"dashed_key", "my-key", "dashed", true},
		{"index_then_key", "list[1].name", "n1", true},
		{"nested_indexes", "matrix[0][1]", json.Number("2"), true},
		{"number_keeps_its_json_text", "n", json.Number("1.50"), true},
		{"big_number_is_not_rounded", "big", json.Number("12345678901234567890"), true},
		{"bool", "flag", true, true},
		{"null_is_found", "nothing", nil, true},
		{"object_value", "nested.a", map[string]any{"b": "deep"}, true},
		{"array_value", "matrix[1]", []any{json.Number("3")}, true},
		{"missing_key", "absent", nil, false},
		{"missing_nested_key", "nested.a.c", nil, false},
		{"dotted_path_where_the_key_has_a_dot", "a.b", nil, false},
		{"index_out_of_range", "list[2]", nil, false},
		{"index_on_a_map", "nested[0]", nil, false},
		{"key_on_an_array", "list.name", nil, false},
		{"key_on_a_string", "password.x", nil, false},
		{"key_on_null", "nothing.x", nil, false},
		{"wildcard_is_not_evaluated", "*", nil, false},
	}
	data := decode(t, evalData)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			specs, err := secretspec.Parse("secret/data/ci " + tt.sel + " | X")
			require.NoError(t, err)
			got, ok := specs[0].Selector.Eval(data)
			assert.Equal(t, tt.wantOK, ok)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestSelector_Eval_nilData(t *testing.T) {
	t.Parallel()
	got, ok := secretspec.Selector{Segments: []secretspec.Segment{{Key: "a"}}, Text: "a"}.Eval(nil)
	assert.False(t, ok)
	assert.Nil(t, got)
}
