// Package secretspec parses the vault-secrets input (`path key | NAME;`,
// or `path key > NAME;` for a file) into Specs, without I/O.
package secretspec

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/federate-action/federate/internal/export"
)

// The two messages vault-action users already know, kept word for word so
// that searching its docs and issues finds them; our hints follow.
const (
	msgNoName   = `You must provide a value when mapping a secret to a name (write "path key | NAME", or drop the "|")`
	msgPathKey  = `You must provide a valid path and key (%s; write "path key | NAME")`
	msgExprName = `You must provide a name for the output key when using json selectors (write "path EXPRESSION | NAME")`
	// msgNoFileName is `>` without the name to export the file's path as.
	msgNoFileName = `missing name after ">" (write "path key > NAME": the value is written to a file and NAME is set to the file's path)`
)

// Parse reads every entry of the vault-secrets input, in order. Entries are
// separated by ';' and, unlike vault-action, by newlines too, because users
// forget the ';' at the end of a line. Blank entries are skipped, so an
// empty input gives no Specs. The error, if any, is a *ParseError for the
// first entry that cannot be used.
func Parse(input string) ([]Spec, error) {
	var specs []Spec
	for i, line := range strings.Split(input, "\n") {
		line = strings.TrimSuffix(line, "\r")
		for off := 0; off < len(line); {
			e, next := splitEntry(line, off)
			off = next
			if e.blank() {
				continue
			}
			e.lineNo, e.n = i+1, len(specs)+1
			s, err := e.parse()
			if err != nil {
				return nil, err
			}
			specs = append(specs, s)
		}
	}
	return specs, nil
}

// entry is one entry's position in its line, as byte offsets.
type entry struct {
	line      string
	lineNo, n int
	pathStart int  // first non-space character
	pathEnd   int  // end of the first token
	pipe      int  // last '|' or '>' outside quotes, or -1
	toFile    bool // the separator at pipe is '>'
	end       int  // the ';' or the end of the line
	quoteAt   int  // an unclosed quote, or -1
}

// splitEntry finds the entry that starts at off in line, and where the next
// one starts. The path is the first token and takes quotes literally; after
// it, a quoted ';' or '|' belongs to a key.
func splitEntry(line string, off int) (entry, int) {
	e := entry{line: line, pipe: -1, quoteAt: -1}
	i := off
	for i < len(line) {
		r, w := utf8.DecodeRuneInString(line[i:])
		if r == ';' || !unicode.IsSpace(r) {
			break
		}
		i += w
	}
	e.pathStart = i
	for i < len(line) {
		r, w := utf8.DecodeRuneInString(line[i:])
		if r == ';' || r == '|' || r == '>' || unicode.IsSpace(r) {
			break
		}
		i += w
	}
	e.pathEnd = i
	var quote rune
	quoteAt, depth := -1, 0
	for ; i < len(line); i++ {
		c := rune(line[i]) // the runes that matter here are ASCII
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'' || c == '`':
			quote, quoteAt = c, i
		case c == '(' || c == '[' || c == '{':
			depth++
		case c == ')' || c == ']' || c == '}':
			depth--
		case c == '|':
			e.pipe, e.toFile = i, false
		case c == '>' && depth <= 0 && !strings.HasPrefix(line[i+1:], "="):
			// Inside brackets, or as >=, it is a comparison of a selector
			// expression, not the file separator.
			e.pipe, e.toFile = i, true
		case c == ';':
			e.end = i
			return e, i + 1
		}
	}
	if quote != 0 {
		e.quoteAt = quoteAt
	}
	e.end = len(line)
	return e, len(line)
}

func (e entry) blank() bool { return e.pathStart == e.end }

// raw is the entry's text, trimmed.
func (e entry) raw() string {
	return strings.TrimRightFunc(e.line[e.pathStart:e.end], unicode.IsSpace)
}

// errorAt returns a *ParseError for the byte offset off of the line.
func (e entry) errorAt(off int, msg string) *ParseError {
	return &ParseError{Entry: e.n, Line: e.lineNo, Column: utf8.RuneCountInString(e.line[:off]) + 1,
		Raw: e.raw(), Msg: msg}
}

// parse checks the entry from left to right (path, key, name), except that
// the '|' without a name comes first and a second token before a bad path,
// in vault-action's order.
func (e entry) parse() (Spec, error) {
	if e.quoteAt >= 0 {
		return Spec{}, e.errorAt(e.quoteAt, `unclosed quote (close it on the same line: "my-key")`)
	}
	s := Spec{Entry: e.n, Line: e.lineNo, Raw: e.raw(), ToFile: e.toFile}
	selEnd, nameStart := e.end, e.end
	if e.pipe >= 0 {
		selEnd = e.pipe
		nameStart = skipSpace(e.line, e.pipe+1, e.end)
		s.Name = strings.TrimSpace(e.line[nameStart:e.end])
		if s.Name == "" && s.ToFile {
			return Spec{}, e.errorAt(e.pipe, msgNoFileName)
		}
		if s.Name == "" {
			return Spec{}, e.errorAt(e.pipe, msgNoName)
		}
	}
	selStart := skipSpace(e.line, e.pathEnd, selEnd)
	s.Selector.Text = strings.TrimRightFunc(e.line[selStart:selEnd], unicode.IsSpace)
	switch {
	case e.pathStart == e.pathEnd:
		return Spec{}, e.errorAt(e.pathStart, fmt.Sprintf(msgPathKey, "the path is missing"))
	case s.Selector.Text == "":
		return Spec{}, e.errorAt(e.pathEnd, fmt.Sprintf(msgPathKey, "the key is missing"))
	}
	sel, selErr := parseSelector(s.Selector.Text)
	if selErr != nil {
		sel, selErr = expressionSelector(s.Selector.Text, selErr)
	}
	if selErr != nil && startsWithSpace(s.Selector.Text[selErr.off:]) {
		// A second token: vault-action wants exactly two before the '|'.
		extra := skipSpace(e.line, selStart+selErr.off, selEnd)
		return Spec{}, e.errorAt(extra, fmt.Sprintf(msgPathKey, `a key has no spaces unless quoted: "my key"`))
	}
	path, off, msg := checkPath(e.line[e.pathStart:e.pathEnd])
	if msg != "" {
		return Spec{}, e.errorAt(e.pathStart+off, msg)
	}
	s.Path = path
	if selErr != nil {
		return Spec{}, e.errorAt(selStart+selErr.off, selErr.msg)
	}
	s.Selector = sel
	if s.ToFile && sel.Wildcard != None {
		return Spec{}, e.errorAt(e.pipe, `a wildcard cannot be written to a file: name one key ("path key > NAME"), or write "| NAME" to export every key`)
	}
	if sel.IsExpression() && s.Name == "" {
		return Spec{}, e.errorAt(selStart, msgExprName)
	}
	if msg := checkName(s); msg != "" {
		at := nameStart
		if s.Name == "" {
			at = selStart
		}
		return Spec{}, e.errorAt(at, msg)
	}
	return s, nil
}

// skipSpace returns the offset of the first non-space at or after i, or end.
func skipSpace(line string, i, end int) int {
	return end - len(strings.TrimLeftFunc(line[i:end], unicode.IsSpace))
}

// checkName returns what is wrong with the name s is exported under, or "".
// Explicit and derived names alike must pass export.CheckEnvName, the rule
// the export applies (env names are the stricter: outputs accept them), so
// a bad name is reported here with its line and column, before any
// request. A wildcard's names depend on the secret's keys: the export
// checks them when it has been read; only its prefix is checked here.
func checkName(s Spec) string {
	const hint = "use letters, digits and '_', not starting with a digit"
	if s.Selector.Wildcard != None {
		if s.Name != "" && !export.ValidEnvName(s.Name) {
			return fmt.Sprintf("invalid prefix %q (%s, e.g. CI_: it starts the name of every key)", s.Name, hint)
		}
		return ""
	}
	var bad *export.NameError
	if !errors.As(export.CheckEnvName(s.EnvName()), &bad) {
		return ""
	}
	derived := s.OutputName() // the env name before upper-casing, as the user wrote it
	switch {
	case bad.Refused && s.Name != "":
		return fmt.Sprintf(`invalid name %q: %s (choose another name)`, s.Name, bad.Reason)
	case s.Name != "":
		return fmt.Sprintf("invalid name %q (%s, e.g. NPM_TOKEN: it names both the env var and the output)", s.Name, hint)
	case derived == "":
		return `cannot derive a name from the key: it would be empty (add "| NAME" to choose one)`
	case bad.Refused:
		return fmt.Sprintf(`cannot derive a name from the key: %q: %s (add "| NAME" to choose another one)`, derived, bad.Reason)
	}
	return fmt.Sprintf(`cannot derive a name from the key: %q: %s (add "| NAME" to choose one)`, derived, bad.Reason)
}

// startsWithSpace reports whether s starts with whitespace.
func startsWithSpace(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsSpace(r)
}

// versionQuery is the one query vault-action users pass through: a KV v2
// secret's version. Anything else would be sent to Vault unchecked.
// Compiled on first use: a run without Vault never needs it.
var versionQuery = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^version=[0-9]+$`) })

// pathHint ends every path error: the KV v2 `data/` segment is the usual slip.
const pathHint = "(write the API path under v1/, e.g. secret/data/ci for the KV v2 secret ci)"

// checkPath returns the path without its leading '/', or the offset in tok
// and the message of what is wrong with it. Quotes are refused because
// they are mistakes (vault-action would send them as written); `.` and
// `..` segments and `//` because the request's path is cleaned after the
// KV v2 `data/` is added, so they would read another secret than the one
// written: `secret/./data/x` would read secret/data/data/x.
func checkPath(tok string) (path string, off int, msg string) {
	if i := strings.IndexAny(tok, "\"'`"); i >= 0 {
		return "", i, "invalid path: it must not be quoted " + pathHint
	}
	if i := strings.Index(tok, "//"); i >= 0 {
		return "", i, `invalid path: it must not contain "//" ` + pathHint
	}
	path = strings.TrimPrefix(tok, "/")
	start := len(tok) - len(path)
	p, query, hasQuery := strings.Cut(path, "?")
	if p == "" {
		return "", 0, "invalid path: it is empty " + pathHint
	}
	if hasQuery && !versionQuery().MatchString(query) {
		return "", start + len(p), `invalid path: the only query a path may carry is ?version=N, a KV v2 version number`
	}
	for i := 0; i <= len(p); {
		seg, _, _ := strings.Cut(p[i:], "/")
		if seg == "." || seg == ".." {
			return "", start + i, fmt.Sprintf(`invalid path: it must not contain a %q segment, which would read another secret `, seg) + pathHint
		}
		i += len(seg) + 1
	}
	return path, 0, ""
}
