package cli

import (
	"fmt"
	"strings"

	"github.com/federate-action/federate/internal/inputs"
)

// UsageError is a command line that cannot be parsed: exit code 2.
type UsageError struct{ Msg string }

func (e *UsageError) Error() string { return e.Msg }

// parsed is a command line: the flags' values by name, and what follows
// them (exec's command).
type parsed struct {
	values map[string]string
	rest   []string
	help   bool
}

// parseFlags reads --name value, --name=value and, for boolean flags,
// --name alone (true) or --name true|false. The first argument that is not
// a flag, or everything after "--", is rest. A value @path is the file's
// content, exactly; @@ stands for a literal leading @.
func parseFlags(args []string, flags []Flag, readFile func(string) ([]byte, error)) (parsed, error) {
	p := parsed{values: map[string]string{}}
	byName := map[string]Flag{}
	for _, f := range flags {
		byName[f.Name] = f
	}
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			p.rest = args[i+1:]
			return p, nil
		case a == "-h" || a == "--help":
			p.help = true
			continue
		case !strings.HasPrefix(a, "-") || a == "-":
			p.rest = args[i:]
			return p, nil
		case !strings.HasPrefix(a, "--"):
			return p, &UsageError{Msg: fmt.Sprintf("unknown flag %s: flags are spelt --name (see federate --help)", a)}
		}
		name, val, hasVal := strings.Cut(a[2:], "=")
		f, ok := byName[name]
		if !ok {
			return p, &UsageError{Msg: fmt.Sprintf("unknown flag --%s (see federate --help for the flags, which are the action's inputs)", name)}
		}
		if _, seen := p.values[name]; seen {
			return p, &UsageError{Msg: fmt.Sprintf("flag --%s is given twice", name)}
		}
		if !hasVal {
			switch {
			case f.Bool && i+1 < len(args) && boolWord(args[i+1]):
				val = args[i+1]
				i++
			case f.Bool:
				val = "true"
			case i+1 < len(args):
				val = args[i+1]
				i++
			default:
				return p, &UsageError{Msg: fmt.Sprintf("flag --%s needs a value", name)}
			}
		}
		v, err := expandFile(name, val, readFile)
		if err != nil {
			return p, err
		}
		p.values[name] = v
	}
	return p, nil
}

// boolWord is a boolean input's value as the action accepts it.
func boolWord(s string) bool {
	switch s {
	case "true", "True", "TRUE", "false", "False", "FALSE":
		return true
	}
	return false
}

// expandFile turns @path into the file's content and @@x into @x. A file
// keeps a policy, a list of secrets or a PEM out of the shell's history
// and quoting.
func expandFile(name, val string, readFile func(string) ([]byte, error)) (string, error) {
	switch {
	case strings.HasPrefix(val, "@@"):
		return val[1:], nil
	case !strings.HasPrefix(val, "@"):
		return val, nil
	}
	path := val[1:]
	if path == "" {
		return "", &inputs.Error{Input: name, Value: val, Hint: "@ must be followed by a file's path; write @@ for a value that starts with @"}
	}
	b, err := readFile(path)
	if err != nil {
		return "", &inputs.Error{Input: name, Value: val, Hint: fmt.Sprintf("a value starting with @ names a file, and it cannot be read (%v); write @@ for a value that starts with @", err)}
	}
	return string(b), nil
}
