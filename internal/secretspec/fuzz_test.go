package secretspec_test

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/federate-action/federate/internal/secretspec"
)

// FuzzParse checks that Parse never panics, that its errors locate the
// problem, that parse -> print -> parse is stable, and that a parsed
// selector, JSONata expressions included, evaluates without panicking.
// Seeds are in testdata/fuzz/FuzzParse.
func FuzzParse(f *testing.F) {
	data := map[string]any{"a": "x", "b": map[string]any{"c": []any{json.Number("1"), "y"}}, "list": []any{map[string]any{"v": json.Number("2")}}}
	f.Fuzz(func(t *testing.T, in string) {
		specs, err := secretspec.Parse(in)
		if err != nil {
			var pe *secretspec.ParseError
			require.True(t, errors.As(err, &pe), "error %T is not a *ParseError", err)
			assert.Positive(t, pe.Entry)
			assert.Positive(t, pe.Line)
			assert.Positive(t, pe.Column)
			assert.NotEmpty(t, pe.Msg)
			return
		}
		for i, s := range specs {
			assert.Equal(t, i+1, s.Entry)
			printed := s.String()
			again, err := secretspec.Parse(printed)
			require.NoError(t, err, "Parse(%q), printed from entry %d of %q", printed, s.Entry, in)
			require.Len(t, again, 1, "Parse(%q)", printed)
			assert.Equal(t, s.Path, again[0].Path, "Path")
			// A JSONata selector holds its compiled form: compare what it is.
			assert.Equal(t, s.Selector.Text, again[0].Selector.Text, "Selector.Text")
			assert.Equal(t, s.Selector.Wildcard, again[0].Selector.Wildcard, "Selector.Wildcard")
			assert.Equal(t, s.Selector.Segments, again[0].Selector.Segments, "Selector.Segments")
			assert.Equal(t, s.Selector.IsExpression(), again[0].Selector.IsExpression(), "Selector.IsExpression")
			_, _, _ = s.Selector.Select(data)
			assert.Equal(t, s.Name, again[0].Name, "Name")
			assert.Equal(t, printed, again[0].String(), "String is a fixed point")
			assert.Equal(t, s.EnvName(), again[0].EnvName(), "EnvName")
		}
	})
}
