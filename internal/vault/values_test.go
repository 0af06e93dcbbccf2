package vault_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/federate-action/federate/internal/vault"
)

func TestText(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		in       any
		encoding string
		want     string
		wantErr  string
	}{
		{name: "string_verbatim", in: "  multi\nline  ", want: "  multi\nline  "},
		{name: "json_looking_string_untouched", in: `{"a": 1}`, want: `{"a": 1}`},
		{name: "number_as_its_json_text", in: json.Number("1.50"), want: "1.50"},
		{name: "float_without_exponent", in: 1e21, want: "1000000000000000000000"},
		{name: "bool", in: true, want: "true"},
		{name: "null", in: nil, want: "null"},
		{name: "object_as_compact_json", in: map[string]any{"b": "<&>", "a": []any{json.Number("1")}}, want: `{"a":[1],"b":"<&>"}`},
		{name: "base64_decoded", in: "aGVsbG8=", encoding: "base64", want: "hello"},
		{name: "hex_decoded", in: "68656c6c6f", encoding: "hex", want: "hello"},
		{name: "utf8_as_is", in: "aGVsbG8=", encoding: "utf8", want: "aGVsbG8="},
		{name: "bad_base64_hides_the_value", in: "s3cr3t!!", encoding: "base64", wantErr: "not valid base64"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := vault.Text(tt.in, tt.encoding)
			if tt.wantErr != "" {
				require.ErrorContains(t, err, tt.wantErr)
				assert.NotContains(t, err.Error(), "s3cr3t")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}
