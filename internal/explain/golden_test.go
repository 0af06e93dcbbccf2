package explain_test

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/federate-action/federate/internal/explain"
)

var update = flag.Bool("update", false, "rewrite testdata/*/*.golden from the current output")

// goldenCase is one testdata/{aws,vault}/NAME.json: a policy or role, the
// name of a claims file in testdata/claims, and the expected exit code.
// The expected text is in NAME.golden beside it.
type goldenCase struct {
	Claims string          `json:"claims"`
	Exit   int             `json:"exit"`
	Policy json.RawMessage `json:"policy"`
	Role   json.RawMessage `json:"role"`
}

func TestGolden(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob(filepath.Join("testdata", "*", "*.json"))
	require.NoError(t, err)
	count := 0
	for _, file := range files {
		if filepath.Base(filepath.Dir(file)) == "claims" {
			continue
		}
		count++
		name := strings.TrimSuffix(filepath.Base(file), ".json")
		t.Run(filepath.Base(filepath.Dir(file))+"/"+name, func(t *testing.T) {
			t.Parallel()
			var c goldenCase
			require.NoError(t, json.Unmarshal(readFile(t, file), &c))
			claims, err := explain.ParseClaims(readFile(t, filepath.Join("testdata", "claims", c.Claims+".json")))
			require.NoError(t, err)

			var v explain.Verdict
			if c.Role != nil {
				v = explain.VaultRole(rawOrString(c.Role), claims)
			} else {
				v = explain.Policy(rawOrString(c.Policy), claims)
			}

			golden := strings.TrimSuffix(file, ".json") + ".golden"
			if *update {
				require.NoError(t, os.WriteFile(golden, []byte(v.Text), 0o644))
			}
			assert.Equal(t, string(readFile(t, golden)), v.Text)
			assert.Equal(t, c.Exit, v.ExitCode(), v.Text)
		})
	}
	assert.GreaterOrEqual(t, count, 25)
}

// rawOrString lets a case hold a malformed document as a JSON string.
func rawOrString(raw json.RawMessage) []byte {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return []byte(s)
	}
	return raw
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	return b
}
