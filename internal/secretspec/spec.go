package secretspec

import "strings"

// Spec is one entry of vault-secrets: which secret to read, which value to
// take from it and the name to export it under.
type Spec struct {
	// Entry is the 1-based index of the entry among the non-blank entries
	// of the input, so it equals the Spec's position in Parse's result plus
	// one. Blank entries (`;;`, empty lines, a trailing `;`) are not
	// counted: with `;` at the end of each line, as vault-action's README
	// writes it, counting them would number the second entry 3. Line and
	// the error's Column locate the entry exactly.
	Entry int
	// Line is the 1-based line of the input on which the entry starts.
	// Entries never span lines.
	Line int
	// Raw is the entry's text, trimmed, e.g. `secret/data/ci npm-token | NPM_TOKEN`.
	Raw string
	// Path is the API path under v1/ (`secret/data/ci`), without a leading
	// '/'; a `?version=N` query is kept as written.
	Path string
	// Selector picks the value (or, for a wildcard, all values) of the
	// secret: a key, a dotted path, an index, a wildcard or a JSONata
	// expression.
	Selector Selector
	// Name is the text after the last '|' outside quotes, trimmed; "" when
	// the entry has no '|'. For a wildcard it is a prefix.
	Name string
	// ToFile is set by `> NAME` in place of `| NAME`: the value goes to a
	// file and NAME is exported as the file's path, never the value.
	ToFile bool
}

// Selector is the part of an entry between the path and the '|'.
type Selector struct {
	// Wildcard is All or AllKeepCase for `*` and `**`, else None.
	Wildcard Wildcard
	// Segments are the keys and indexes of a dotted path, outermost first;
	// nil for a wildcard.
	Segments []Segment
	// Text is the selector as written, trimmed. Names are derived from it,
	// not from Segments, to match vault-action (`"a.b"` gives A__B).
	Text string
	// expr is a JSONata expression (see IsExpression), compiled once at
	// parse time; Wildcard is None and Segments nil then.
	expr *expression
}

// Segment is one step of a selector: a map key or an array index.
type Segment struct {
	// Key is the map key, quotes removed; "" when IsIndex.
	Key string
	// Index is the array index when IsIndex.
	Index int
	// IsIndex tells an index (`[0]`) from a key, since "" is a valid key.
	IsIndex bool
}

// Wildcard tells a selector that reads one value from one that reads all of
// them.
type Wildcard int

// The wildcards, named for what they export.
const (
	// None is a selector that picks one value.
	None Wildcard = iota
	// All is `*`: every key of the secret, env names upper-cased.
	All
	// AllKeepCase is `**`: every key of the secret, case kept for env names too.
	AllKeepCase
)

// String returns the entry in a canonical form that Parse reads back to a
// Spec with the same Path, Selector and Name: `path selector | NAME`. The
// selector is printed as written, since its text determines derived names.
func (s Spec) String() string {
	var b strings.Builder
	b.WriteString(s.Path)
	b.WriteByte(' ')
	b.WriteString(s.Selector.Text)
	if s.ToFile {
		b.WriteString(" > ")
		b.WriteString(s.Name)
	} else if s.Name != "" {
		b.WriteString(" | ")
		b.WriteString(s.Name)
	}
	return b.String()
}
