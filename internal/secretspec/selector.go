package secretspec

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// supported ends the messages for selectors that are neither a key form
// nor JSONata: text with a JSONata operator or function is compiled as an
// expression instead (expressionSelector), so these messages are about
// mistyped keys.
const supported = `write a key, "quoted key", dotted.path, [index], * or **, or a JSONata expression with "| NAME"`

// selectorError is a selector problem at a byte offset of the selector text.
type selectorError struct {
	off int
	msg string
}

// parseSelector parses the text between the path and the '|'. The grammar:
//
//	selector = "*" | "**" | segment { "." segment }
//	segment  = key { "[" digits "]" }
//	key      = plain | '"' chars '"' | "'" chars "'" | "`" chars "`"
//	plain    = { letter | number | "_" | "-" }+
//
// A plain key may hold '-' and digits anywhere (vault-action's JSONata read
// `a-1` as a subtraction), and a quoted key may hold dots (`"a.b"` is one
// key). Quotes have no escapes: a key that holds one kind of quote is
// written with another.
func parseSelector(text string) (Selector, *selectorError) {
	sel := Selector{Text: text}
	switch text {
	case "*":
		sel.Wildcard = All
		return sel, nil
	case "**":
		sel.Wildcard = AllKeepCase
		return sel, nil
	}
	i := 0
	for {
		key, n, err := parseKey(text, i)
		if err != nil {
			return Selector{}, err
		}
		sel.Segments = append(sel.Segments, Segment{Key: key})
		i += n
		for i < len(text) && text[i] == '[' {
			idx, n, err := parseIndex(text, i)
			if err != nil {
				return Selector{}, err
			}
			sel.Segments = append(sel.Segments, Segment{Index: idx, IsIndex: true})
			i += n
		}
		if i == len(text) {
			return sel, nil
		}
		if text[i] != '.' {
			return Selector{}, unexpected(text, i)
		}
		i++
	}
}

// parseKey reads the key at text[i:] and returns it with the number of
// bytes it took.
func parseKey(text string, i int) (string, int, *selectorError) {
	if i == len(text) || text[i] == '.' {
		at := i // the dot where a key should be
		if i == len(text) {
			at = max(i-1, 0) // the trailing dot
		}
		return "", 0, &selectorError{at, `empty key in selector (write a dotted path as a.b.c, and quote a key that has dots: "a.b")`}
	}
	switch q := text[i]; q {
	case '"', '\'', '`':
		end := strings.IndexByte(text[i+1:], q)
		if end < 0 {
			return "", 0, &selectorError{i, `unclosed quote (close it on the same line: "my-key")`}
		}
		return text[i+1 : i+1+end], end + 2, nil
	case '[':
		return "", 0, &selectorError{i, "unsupported selector: an [index] must follow a key (write list[0]; " + supported + ")"}
	}
	n := 0
	for i+n < len(text) {
		r, w := utf8.DecodeRuneInString(text[i+n:])
		if !isPlain(r) {
			break
		}
		n += w
	}
	if n == 0 {
		return "", 0, unexpected(text, i)
	}
	return text[i : i+n], n, nil
}

// isPlain reports whether r may appear in an unquoted key: the characters
// that DeriveName keeps, plus '-'.
func isPlain(r rune) bool {
	return r == '_' || r == '-' || unicode.IsLetter(r) || unicode.IsNumber(r)
}

// parseIndex reads `[digits]` at text[i:] and returns the index with the
// number of bytes it took. Negative indexes and filters are not indexes:
// Parse compiles them as JSONata.
func parseIndex(text string, i int) (int, int, *selectorError) {
	j := i + 1
	for j < len(text) && '0' <= text[j] && text[j] <= '9' {
		j++
	}
	switch {
	case j == len(text):
		return 0, 0, &selectorError{i, "unsupported selector: unclosed [ (write list[0])"}
	case text[j] != ']' || j == i+1:
		return 0, 0, &selectorError{j, fmt.Sprintf(
			"unsupported selector: unexpected %q in [index]: an index is a number from 0, e.g. list[0] (%s)", text[j:j+1], supported)}
	}
	idx, err := strconv.Atoi(text[i+1 : j])
	if err != nil {
		return 0, 0, &selectorError{i + 1, "unsupported selector: the index is too large"}
	}
	return idx, j + 1 - i, nil
}

// unexpected reports the character at text[i] that no selector form allows.
func unexpected(text string, i int) *selectorError {
	r, _ := utf8.DecodeRuneInString(text[i:])
	if r == '*' {
		return &selectorError{i, `unsupported selector: a wildcard must be the whole selector (write "path *" or "path **")`}
	}
	return &selectorError{i, fmt.Sprintf("unsupported selector: unexpected %q (%s)", string(r), supported)}
}
