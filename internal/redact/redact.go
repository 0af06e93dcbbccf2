// Package redact prepares text for errors and logs: URLs lose whatever
// may carry a credential, and text from a server or a user is shortened
// by one rule, so no answer can flood the log.
package redact

import (
	"net/url"
	"strings"
)

// Marker replaces every hidden part of a URL.
const Marker = "REDACTED"

// URL shows u with any user info, query and fragment replaced: a token is
// often passed as the user name, not the password, and a query may carry
// one too.
func URL(u *url.URL) string {
	c := *u
	if c.User != nil {
		c.User = url.User(Marker)
	}
	if c.RawQuery != "" {
		c.RawQuery = Marker
	}
	c.Fragment, c.RawFragment = "", ""
	return c.String()
}

// isScheme reports whether s is a URL scheme (RFC 3986,
// ^[A-Za-z][A-Za-z0-9+.-]*$): what may stay in sight.
func isScheme(s string) bool {
	if s == "" || !isLetter(s[0]) {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(isLetter(c) || '0' <= c && c <= '9' || c == '+' || c == '.' || c == '-') {
			return false
		}
	}
	return true
}

func isLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

// RawURL shows a value that is not a URL the parser understood, such as
// "user:password@host" with no scheme (which parses as the scheme
// "user"): everything up to its last '@' (after a scheme), then from its
// first '?' or '#' on, is replaced, since either may hold a credential.
// The '@' goes first: a password may hold a '?'.
func RawURL(raw string) string {
	shown := raw
	if i := strings.LastIndex(shown, "@"); i >= 0 {
		prefix := ""
		if scheme, _, ok := strings.Cut(shown[:i], "://"); ok && isScheme(scheme) {
			prefix = scheme + "://"
		}
		shown = prefix + Marker + "@" + shown[i+1:]
	}
	if i := strings.IndexAny(shown, "?#"); i >= 0 {
		shown = shown[:i] + "?" + Marker
	}
	return shown
}
