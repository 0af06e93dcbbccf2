package inputs

import (
	"fmt"

	"github.com/federate-action/federate/internal/redact"
)

// Error is an input that cannot be used. It names the input, the value
// (unless the input holds a secret) and how to fix it.
type Error struct {
	Input  string
	Value  string
	Hint   string
	Secret bool // the value is a secret and is never shown
}

var _ error = (*Error)(nil)

func (e *Error) Error() string {
	switch {
	case e.Secret:
		return fmt.Sprintf("input %s is not valid (value hidden): %s", e.Input, e.Hint)
	case e.Value == "":
		return fmt.Sprintf("input %s is required: %s", e.Input, e.Hint)
	}
	// A value can be as long as the workflow makes it: shown shortened.
	return fmt.Sprintf("input %s has an invalid value %q: %s", e.Input, redact.Shorten(e.Value), e.Hint)
}

// Title is the annotation title: the input's name, so the user knows which
// line of the workflow to fix.
func (e *Error) Title() string { return "Invalid input " + e.Input }
