// Package inputs reads the step's inputs (INPUT_* env vars) and parses
// them into plain Go values, with errors that name the input and the fix.
package inputs

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/sethvargo/go-githubactions"
)

// Reader reads inputs and the runner-provided environment.
type Reader struct {
	gha    *githubactions.Action
	getenv func(string) string
	// commandLine is set by the federate command line only, never from
	// the environment: a workflow can pass any INPUT_* variable, so only
	// the caller's code may unlock the inputs only the command line has.
	commandLine bool
}

// New returns a Reader over getenv (os.Getenv in production).
func New(getenv func(string) string) *Reader {
	return &Reader{gha: githubactions.New(githubactions.WithGetenv(getenv)), getenv: getenv}
}

// NewCommandLine returns a Reader for the federate command line, which
// also honours the inputs only it offers (id-token-env, id-token-file).
func NewCommandLine(getenv func(string) string) *Reader {
	r := New(getenv)
	r.commandLine = true
	return r
}

// CommandLine reports whether the federate command line, rather than the
// action's step, is reading the inputs.
func (r *Reader) CommandLine() bool { return r.commandLine }

// String returns the input, trimmed; "" when unset. The runner passes
// `role-to-assume` as INPUT_ROLE-TO-ASSUME, hyphens kept.
func (r *Reader) String(name string) string { return r.gha.GetInput(name) }

// Raw returns the input exactly as the runner passed it, untrimmed, for
// inputs whose errors give a line and column: trimming would move them.
func (r *Reader) Raw(name string) string {
	return r.getenv("INPUT_" + strings.ToUpper(strings.ReplaceAll(name, " ", "_")))
}

// Env returns a variable the runner sets for every step
// (ACTIONS_ID_TOKEN_REQUEST_URL, GITHUB_WORKSPACE, ...).
func (r *Reader) Env(name string) string { return r.getenv(name) }

// Bool parses a boolean input. Like configure-aws-credentials, only
// true/True/TRUE/false/False/FALSE are accepted: "yes" or "1" is far more
// likely a typo than a decision, and for a security flag a typo must not
// silently pick the default.
func (r *Reader) Bool(name string, def bool) (bool, error) {
	v := r.String(name)
	switch v {
	case "":
		return def, nil
	case "true", "True", "TRUE":
		return true, nil
	case "false", "False", "FALSE":
		return false, nil
	}
	return false, &Error{Input: name, Value: v, Hint: "use true or false"}
}

// Int parses a whole-number input within [lo, hi].
func (r *Reader) Int(name string, def, lo, hi int) (int, error) {
	v := r.String(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return 0, &Error{Input: name, Value: v, Hint: fmt.Sprintf("use a whole number from %d to %d", lo, hi)}
	}
	return n, nil
}

// Lines splits an input on newlines only, for lists whose items may hold
// commas (IAM policy names can), trims each item and drops empty ones.
func (r *Reader) Lines(name string) []string {
	var out []string
	for _, l := range strings.Split(r.String(name), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// List splits an input on commas and newlines, trims each item and drops
// empty ones. Both forms appear in the wild: `a, b` on one line and a YAML
// block with one item per line.
func (r *Reader) List(name string) []string {
	fields := strings.FieldsFunc(r.String(name), func(c rune) bool { return c == ',' || c == '\n' || c == '\r' })
	var out []string
	for _, f := range fields {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}
