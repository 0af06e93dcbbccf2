package mapping

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/federate-action/federate/internal/export"
	"github.com/federate-action/federate/internal/vault"
)

func TestMaskLeaves(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   any
		want []string
	}{
		{"string_leaves_of_an_object", map[string]any{"user": "ci", "password": "p@ss"}, []string{"ci", "p@ss"}},
		{"string_leaves_of_an_array", []any{"a1", []any{"b2"}}, []string{"a1", "b2"}},
		{"number_of_four_digits_or_more", map[string]any{"pin": json.Number("4711"), "account": json.Number("111122223333")}, []string{"4711", "111122223333"}},
		{"number_as_written_with_sign_and_fraction", []any{json.Number("-12.75")}, []string{"-12.75", "12.75"}},
		{"number_as_jq_prints_it", []any{json.Number("1.0e4"), json.Number("123.450")}, []string{"10000", "123.450", "123.45"}},
		{"number_decoded_as_float", []any{float64(987654)}, []string{"987654"}},
		{"short_numbers_left_alone", map[string]any{"port": json.Number("443"), "n": json.Number("1"), "f": json.Number("1.5")}, nil},
		{"booleans_and_null_left_alone", map[string]any{"enabled": true, "off": false, "none": nil}, nil},
		{"json_text_in_a_string_has_its_leaves_masked", map[string]any{"key": `{"user":"svc","pin":48213907,"ok":true}`},
			[]string{`{"user":"svc","pin":48213907,"ok":true}`, "svc", "48213907"}},
		{"text_that_is_not_json_is_masked_whole", []any{"{not json", "[1, 2"}, []string{"{not json", "[1, 2"}},
		{"mixed_secret", map[string]any{"pin": json.Number("20261202"), "admin": true, "name": "svc"}, []string{"20261202", "svc"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			set := &export.Set{}
			maskLeaves(set, tt.in)
			assert.ElementsMatch(t, tt.want, masks(set))
		})
	}
}

// A JSON secret exported whole: `jq .pin` in a later step prints the
// number on its own, so the number is masked too, not only the whole text;
// the boolean is not.
func TestVault_MasksNumberLeavesOfAJSONSecret(t *testing.T) {
	t.Parallel()
	secrets := map[string]vault.Secret{"secret/data/device": {Found: true, Data: map[string]any{
		"config": map[string]any{"pin": json.Number("48213907"), "admin": true, "retries": json.Number("3")},
	}}}
	set := &export.Set{}
	_, err := Vault(set, vaultPlan(t, "secret/data/device config | CONFIG", nil), VaultResult{Secrets: secrets})
	require.NoError(t, err)
	m := masks(set)
	assert.Contains(t, m, "48213907", "the number leaf")
	assert.NotContains(t, m, "true", "the boolean leaf")
	assert.NotContains(t, m, "3", "the short number leaf")
}
