package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/federate-action/federate/internal/export"
	"github.com/federate-action/federate/internal/secret"
)

// hostileValues is the repository's corpus of values chosen to break a
// writer (testdata/hostile-values.json), plus a few aimed at shells and
// dotenv readers.
func hostileValues(t *testing.T) map[string]string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "..", "testdata", "hostile-values.json"))
	require.NoError(t, err)
	var corpus []struct{ Name, Value string }
	require.NoError(t, json.Unmarshal(raw, &corpus))
	require.NotEmpty(t, corpus)
	values := map[string]string{
		"quotes_and_expansions": `it's "$HOME" $(id) ` + "`id`" + ` \' \" \\ ${X:-y} !`,
		"trailing_newlines":     "a\n\n",
		"dotenv_escapes":        `\n is not a newline \r \$ \\n`,
	}
	for _, v := range corpus {
		values[v.Name] = v.Value
	}
	return values
}

// hostileSet puts every hostile value in a set, as HOSTILE_<i>.
func hostileSet(t *testing.T) (*export.Set, map[string]string) {
	t.Helper()
	set := &export.Set{}
	want := map[string]string{}
	i := 0
	for _, v := range hostileValues(t) {
		name := "HOSTILE_" + string(rune('A'+i/26)) + string(rune('A'+i%26))
		i++
		require.NoError(t, set.Env(name, export.Secret(secret.New(v)), "test"))
		want[name] = v
	}
	return set, want
}

func TestWriteShell_RoundTripsThroughEval(t *testing.T) {
	t.Parallel()
	set, want := hostileSet(t)
	var out bytes.Buffer
	require.NoError(t, writeShell(&out, set.EnvVars()))
	for name, value := range want {
		cmd := exec.Command("sh", "-c", `eval "$(cat)"; printf %s "$`+name+`"`)
		cmd.Stdin = strings.NewReader(out.String())
		got, err := cmd.Output()
		require.NoError(t, err, name)
		assert.Equal(t, value, string(got), name)
	}
}

// parseDotenv reads NAME='value' and NAME="value" lines by the rules
// writeDotenv documents: single quotes literal, double quotes with \n, \r,
// \\ and \" escapes.
func parseDotenv(t *testing.T, text string) map[string]string {
	t.Helper()
	unescape := strings.NewReplacer(`\\`, `\`, `\"`, `"`, `\n`, "\n", `\r`, "\r")
	got := map[string]string{}
	for _, line := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
		name, quoted, ok := strings.Cut(line, "=")
		require.True(t, ok, line)
		switch {
		case len(quoted) >= 2 && quoted[0] == '\'' && quoted[len(quoted)-1] == '\'':
			got[name] = quoted[1 : len(quoted)-1]
		case len(quoted) >= 2 && quoted[0] == '"' && quoted[len(quoted)-1] == '"':
			got[name] = unescape.Replace(quoted[1 : len(quoted)-1])
		default:
			t.Fatalf("unquoted line %q", line)
		}
	}
	return got
}

func TestWriteDotenv_OneLinePerVariableAndRoundTrips(t *testing.T) {
	t.Parallel()
	set, want := hostileSet(t)
	var out bytes.Buffer
	require.NoError(t, writeDotenv(&out, set.EnvVars()))
	assert.Equal(t, len(want), strings.Count(out.String(), "\n"), "one line per variable")
	assert.Equal(t, want, parseDotenv(t, out.String()))
}

// Node dotenv decodes only \n and \r in double quotes, and python-dotenv
// keeps \$ as is: a value single quotes can hold must be written so.
func TestWriteDotenv_SingleQuotesWhatTheyCanHold(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		value string
		want  string
	}{
		{name: "dollar_and_double_quote_single_quoted", value: `p"a$HOME\x`, want: `V='p"a$HOME\x'` + "\n"},
		{name: "plain_single_quoted", value: "abc", want: "V='abc'\n"},
		{name: "single_quote_double_quoted", value: `it's`, want: `V="it's"` + "\n"},
		{name: "newline_double_quoted", value: "a\nb\rc", want: `V="a\nb\rc"` + "\n"},
		{name: "double_backslash_double_quoted", value: `a\\b`, want: `V="a\\\\b"` + "\n"},
		{name: "trailing_backslash_double_quoted", value: `a\`, want: `V="a\\"` + "\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			set := &export.Set{}
			require.NoError(t, set.Env("V", export.Secret(secret.New(tt.value)), "test"))
			var out bytes.Buffer
			require.NoError(t, writeDotenv(&out, set.EnvVars()))
			assert.Equal(t, tt.want, out.String())
		})
	}
}

// pythonDotenv is the Python that moto_server runs, when python-dotenv is
// installed for it.
func pythonDotenv(t *testing.T) string {
	t.Helper()
	moto, err := exec.LookPath("moto_server")
	if err != nil {
		t.Skip("moto_server not on PATH")
	}
	if resolved, err := exec.Command("pyenv", "which", "moto_server").Output(); err == nil {
		moto = strings.TrimSpace(string(resolved))
	}
	head, err := os.ReadFile(moto)
	require.NoError(t, err)
	first, _, _ := strings.Cut(string(head), "\n")
	python := strings.TrimPrefix(first, "#!")
	if !strings.HasPrefix(first, "#!") || strings.Contains(python, " ") {
		t.Skip("cannot tell moto_server's Python")
	}
	if exec.Command(python, "-c", "import dotenv").Run() != nil {
		t.Skip("python-dotenv is not installed")
	}
	return python
}

func TestWriteDotenv_RoundTripsThroughPythonDotenv(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("runs Python")
	}
	python := pythonDotenv(t)
	set, want := hostileSet(t)
	var out bytes.Buffer
	require.NoError(t, writeDotenv(&out, set.EnvVars()))
	// interpolate=False: python-dotenv expands ${X} even between single
	// quotes, as the README says.
	cmd := exec.Command(python, "-c", `import sys, json, io, dotenv
print(json.dumps(dotenv.dotenv_values(stream=io.StringIO(sys.stdin.read()), interpolate=False)))`)
	cmd.Stdin = strings.NewReader(out.String())
	raw, err := cmd.Output()
	require.NoError(t, err)
	var got map[string]string
	require.NoError(t, json.Unmarshal(raw, &got))
	assert.Equal(t, want, got)
}

func TestWriteJSON_RoundTripsInOrder(t *testing.T) {
	t.Parallel()
	set, want := hostileSet(t)
	var out bytes.Buffer
	require.NoError(t, writeJSON(&out, set.EnvVars()))
	var got map[string]string
	require.NoError(t, json.Unmarshal(out.Bytes(), &got))
	assert.Equal(t, want, got)

	out.Reset()
	require.NoError(t, writeJSON(&out, nil))
	assert.Equal(t, "{\n}\n", out.String())
}

func TestWriteHelp_ListsEveryInput(t *testing.T) {
	t.Parallel()
	table := actionTable(t)
	for _, cmd := range []string{"", "exec", "env"} {
		var out bytes.Buffer
		writeHelp(&out, cmd, table)
		for _, f := range append(append([]Flag{}, table...), cliInputs...) {
			listed := strings.Contains(out.String(), "\n  --"+f.Name+" VALUE\n") || strings.Contains(out.String(), "\n  --"+f.Name+"\n")
			assert.True(t, listed, "%s: --%s", cmd, f.Name)
		}
		assert.NotContains(t, out.String(), "${{", "an expression default is the runner's, not the command line's")
	}
	var env bytes.Buffer
	writeHelp(&env, "env", table)
	assert.Contains(t, env.String(), "--format VALUE")
}

func TestConsole_ShowsWarningsAndErrorsButNeverMasks(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		verbose bool
		in      string
		want    string
	}{
		{name: "mask_is_dropped", in: "::add-mask::s3cret\n", want: ""},
		{name: "warning_is_shown_unescaped", in: "::warning::a%0Ab%25\n", want: "federate: warning: a\nb%\n"},
		{name: "warning_with_title", in: "::warning title=T::msg\n", want: "federate: warning: msg\n"},
		{name: "info_hidden_by_default", in: "Assuming role\n", want: ""},
		{name: "info_shown_when_verbose", verbose: true, in: "Assuming role\n::debug::d\n", want: "federate: Assuming role\nfederate: d\n"},
		{name: "partial_lines_wait_for_their_end", in: "::warn", want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var out bytes.Buffer
			c := &console{w: &out, verbose: tt.verbose}
			for _, b := range []byte(tt.in) { // one byte at a time: lines are reassembled
				_, err := c.Write([]byte{b})
				require.NoError(t, err)
			}
			assert.Equal(t, tt.want, out.String())
		})
	}
}
