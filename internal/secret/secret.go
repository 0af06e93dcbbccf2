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
// returns it, and only the runner's writer calls Reveal.
type String struct {
	v string
}

// New wraps v as a secret.
func New(v string) String { return String{v: v} }

// Reveal returns the secret text. Call it only where the value must leave
// the process: the file-command writer, a mask, a provider request.
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
func (s String) MaskUnits() []string {
	var units []string
	seen := map[string]bool{}
	add := func(u string) {
		trimmed := strings.TrimSpace(u)
		if trimmed == "" {
			return
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
	add(s.v)
	if strings.ContainsAny(s.v, "\r\n") {
		for _, line := range strings.Split(strings.ReplaceAll(s.v, "\r", "\n"), "\n") {
			add(line)
		}
	}
	return units
}
