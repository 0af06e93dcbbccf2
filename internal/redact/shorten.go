package redact

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// MaxRunes is how many characters of a text Shorten keeps: enough for any
// message STS, Vault or the token service writes (Vault joins several),
// and for a user's value to be recognised; short enough that an error is
// one screen, whatever a server sent.
const MaxRunes = 300

// Shorten is the one rule for putting text we did not write (a server's
// answer, a user's value) into an error or a log line: surrounding white
// space is trimmed, and text longer than MaxRunes characters is cut after
// MaxRunes of them, between characters, never inside one (invalid UTF-8
// counts one character per byte), and the cut is marked with how many
// bytes were left out.
func Shorten(s string) string {
	s = strings.TrimSpace(s)
	cut, runes := 0, 0
	for cut < len(s) && runes < MaxRunes {
		_, size := utf8.DecodeRuneInString(s[cut:])
		cut += size
		runes++
	}
	if cut == len(s) {
		return s
	}
	return fmt.Sprintf("%s... (%d more bytes not shown)", s[:cut], len(s)-cut)
}
