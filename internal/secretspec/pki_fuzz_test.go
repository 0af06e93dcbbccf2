package secretspec_test

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/federate-action/federate/internal/export"
	"github.com/federate-action/federate/internal/secretspec"
)

// FuzzParsePKI checks that any input either parses to entries whose
// parameters are a JSON object and whose every name the export accepts, or
// fails with a *ParseError; never anything else, never a panic.
func FuzzParsePKI(f *testing.F) {
	for _, seed := range []string{
		`pki/issue/web {"common_name": "a.example.com"} | TLS;`,
		"pki/issue/a {\n\"x\": \"a;b|c\"\n} | A\npki_int/issue/b {}",
		`pki/issue/web ["x"]`, `pki/issue/web {} | 9`, `{}`, `pki/issue/--- {}`, "pki/issue/a {} |;",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, in string) {
		specs, err := secretspec.ParsePKI(in)
		if err != nil {
			var pe *secretspec.ParseError
			if !errors.As(err, &pe) || pe.Line < 1 || pe.Column < 1 {
				t.Fatalf("ParsePKI(%q): %v", in, err)
			}
			return
		}
		for _, s := range specs {
			var obj map[string]any
			if json.Unmarshal(s.Params, &obj) != nil || obj == nil {
				t.Fatalf("ParsePKI(%q): parameters %q are not an object", in, s.Params)
			}
			for _, part := range secretspec.PKIParts {
				env, out := s.Names(part)
				if export.CheckEnvName(env) != nil || !export.ValidOutputName(out) {
					t.Fatalf("ParsePKI(%q): names %q, %q", in, env, out)
				}
			}
		}
	})
}
