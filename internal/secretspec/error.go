package secretspec

import "fmt"

// ParseError is an entry of vault-secrets that cannot be used. It locates
// the problem the way an editor does (line and column) and says how to fix
// it, because the input is usually a multi-line YAML block.
type ParseError struct {
	// Input is the input the entry is in; "" means vault-secrets.
	Input string
	// Entry is the 1-based index of the entry among the non-blank entries,
	// as in Spec.Entry.
	Entry int
	// Line is the 1-based line of the input.
	Line int
	// Column is the 1-based column within Line, counted in characters
	// (runes), not bytes, so it matches what the user sees.
	Column int
	// Raw is the entry's text, trimmed.
	Raw string
	// Msg says what is wrong, then how to fix it in parentheses.
	Msg string
}

var _ error = (*ParseError)(nil)

func (e *ParseError) Error() string {
	return fmt.Sprintf("%s entry %d (line %d, column %d): %s: %q",
		e.input(), e.Entry, e.Line, e.Column, e.Msg, e.Raw)
}

// Title is the title of the annotation the runner shows for this error.
func (e *ParseError) Title() string { return "Invalid input " + e.input() }

func (e *ParseError) input() string {
	if e.Input == "" {
		return "vault-secrets"
	}
	return e.Input
}
