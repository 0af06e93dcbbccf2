package export

import "fmt"

// What a name is exported as, as errors name it.
const (
	kindEnv    = "env var"
	kindOutput = "output"
	kindState  = "state"
	kindFile   = "file"
)

// NameError is a name that cannot be exported as Kind. It is the one error
// for a bad name, whoever checks it: callers that know more (the line of
// an input, the key of a wildcard) wrap it.
type NameError struct {
	Kind   string // "env var", "output" or "state"
	Name   string
	Reason string // why, then how to fix it
	// Refused is set when the name is well formed but the runner refuses
	// it (NODE_OPTIONS in any letter case).
	Refused bool
	// Source is what asked for the name (an input, a vault-secrets entry);
	// empty when the name was checked on its own.
	Source string
}

var _ error = (*NameError)(nil)

func (e *NameError) Error() string {
	from := ""
	if e.Source != "" {
		from = " (from " + e.Source + ")"
	}
	return fmt.Sprintf("cannot export %s %q%s: %s", e.Kind, e.Name, from, e.Reason)
}

// Title is the annotation title.
func (e *NameError) Title() string { return "Invalid " + e.Kind + " name" }

// ValueError is a value that cannot reach a later step whole. It names the
// variable and its source, never the value.
type ValueError struct {
	Kind, Name, Source string
	Reason             string
}

var _ error = (*ValueError)(nil)

func (e *ValueError) Error() string {
	return fmt.Sprintf("cannot export %s %s (from %s): %s; the value is not shown", e.Kind, e.Name, e.Source, e.Reason)
}

// Title is the annotation title.
func (e *ValueError) Title() string { return "Cannot export " + e.Kind + " " + e.Name }

// CollisionError reports two sources that want the same env or output name.
// Silently keeping the last one (vault-action's behaviour) hands a workflow
// the wrong credential without a word.
type CollisionError struct {
	Kind, Name, First, Second string
}

func (e *CollisionError) Error() string {
	return fmt.Sprintf("%s %s is set twice: by %s and by %s; give one of them another name",
		e.Kind, e.Name, e.First, e.Second)
}

// Title is the annotation title for the error.
func (e *CollisionError) Title() string { return "Duplicate " + e.Kind + " " + e.Name }
