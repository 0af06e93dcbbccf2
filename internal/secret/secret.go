// Package secret holds values that must never be printed: credentials, tokens
// and secret values read from a provider.
package secret

import (
	"fmt"
	"strings"
)

// redacted is what every formatting path prints instead of the value.
const redacted = "***"

// String is a secret text. Its String, GoString and Format methods print
// "***", so a %v in a log line or an error cannot leak the value; only Reveal
// returns it. Reveal is called only where the value must leave the process:
// the runner (masks and file commands), the export rules (which check a
// value without printing it), and the requests that send a credential
// (idtoken, awssts, vault). `grep -rn 'Reveal()' --include=*.go internal`
// lists every call.
type String struct {
	v string
}

// New wraps v as a secret.
func New(v string) String { return String{v: v} }

// Reveal returns the secret text. Call it only where the value must leave
// the process (a file command, a mask, a provider request) or be checked
// without being printed (the export rules).
func (s String) Reveal() string { return s.v }

// IsZero reports whether the secret is empty.
func (s String) IsZero() bool { return s.v == "" }

// String prints the redaction marker, never the value.
func (s String) String() string { return redacted }

// GoString prints the redaction marker for %#v.
func (s String) GoString() string { return redacted }

// Format prints the redaction marker for every verb.
func (s String) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(redacted)) }

// MaskUnits returns what must be registered as masks so that no part of the
// value can appear in a log: the whole value and, for a multi-line value, each
// non-blank line with any trailing "\r" removed. Older and GHES runners mask
// only the first line of an escaped multi-line mask (GHSA-4mgv-m5cm-f9h7).
// A single line with blanks around it is masked trimmed as well: an
// unquoted `echo $VALUE` prints it without them.
//
// A value with a NUL byte is also masked piece by piece, and without its
// NULs: a process environment ends a value at the NUL (so a step that gets
// it through env: prints only the first piece) and a shell's $(...) drops
// it. The export refuses such values; this covers values that are only
// masked, such as the fields of a JSON secret.
func (s String) MaskUnits() []string {
	var units []string
	seen := map[string]bool{}
	add := func(u string) {
		trimmed := strings.TrimSpace(u)
		if strings.TrimFunc(trimmed, isBreak) == "" {
			return // a mask of blanks (or NULs) would hide nothing of the value
		}
		pieces := []string{u}
		if !strings.ContainsAny(u, "\r\n") {
			pieces = append(pieces, trimmed)
		}
		for _, unit := range pieces {
			if !seen[unit] {
				seen[unit] = true
				units = append(units, unit)
			}
		}
	}
	addWithPieces := func(v string) {
		add(v)
		if strings.ContainsAny(v, "\r\n\x00") {
			for _, piece := range strings.FieldsFunc(v, isBreak) {
				add(piece)
			}
		}
	}
	addWithPieces(s.v)
	if strings.Contains(s.v, "\x00") {
		addWithPieces(strings.ReplaceAll(s.v, "\x00", ""))
	}
	return units
}

// isBreak reports whether r ends a piece of a value in a log: a line
// break, or a NUL where a process environment ends it.
func isBreak(r rune) bool { return r == '\r' || r == '\n' || r == 0 }
