package awsconfig

import (
	"errors"
	"strings"
)

// nameChars are the characters a profile name may hold. Names go inside
// [ ] in both files and, in the config file, through botocore's
// shlex.split of "profile NAME"; a space, quote, backslash, bracket, '#'
// or ';' would be read differently by the two SDKs (the Go SDK cuts a
// section line at '#' or ';', botocore does not).
const nameChars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-+@"

// maxName bounds a profile name; the AWS CLI's own names are short.
const maxName = 128

func checkName(name string) error {
	bad := func(reason string) error { return &Error{Profile: name, Reason: reason} }
	switch {
	case name == "":
		return bad("the profile name is empty")
	case len(name) > maxName:
		return bad("the profile name is longer than 128 characters")
	case strings.Trim(name, nameChars) != "":
		return bad("the profile name may hold only letters, digits and _ . - + @")
	case strings.EqualFold(name, defaultProfile) && name != defaultProfile:
		// configparser's [DEFAULT] section is inherited by every other
		// section, and the Go SDK reads any case of "default" as default.
		return bad("only the lowercase name default is the default profile; rename it")
	}
	return nil
}

// checkValue returns why a value cannot be written as `key = value` so
// that both parsers read it back as exactly that value, or "".
//
//   - Printable ASCII only: no line break (a second line is a new key or
//     section), no NUL or other control character, nothing an SDK decodes.
//   - No whitespace at all: both parsers trim the ends, and the Go SDK
//     cuts a value at " #" or " ;" (an inline comment) while botocore keeps
//     it. No AWS identifier, key or region holds a space.
//   - Not starting with '#' or ';': after "key = " the Go SDK reads it as
//     a comment.
//   - Not starting or ending with a quote: the Go SDK strips a pair of
//     enclosing quotes, botocore does not.
func checkValue(v string) string {
	switch {
	case v == "":
		return "the value is empty"
	case strings.IndexFunc(v, func(r rune) bool { return r <= ' ' || r > '~' }) >= 0:
		return "the value holds a space, a line break, a control or a non-ASCII character"
	case strings.HasPrefix(v, "#") || strings.HasPrefix(v, ";"):
		return "the value starts with # or ;, which the Go SDK reads as a comment"
	case strings.ContainsAny(v[:1], `"'`) || strings.ContainsAny(v[len(v)-1:], `"'`):
		return "the value starts or ends with a quote, which the Go SDK strips and botocore keeps"
	}
	return ""
}

// plainArgChars need no escaping in a credential_process word: none is
// special to sh (not even '=', which is escaped so a first word is never
// an assignment) or to shlex.
const plainArgChars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./:@%+,-"

// commandLine renders argv as the credential_process value. botocore runs
// shlex.split(value) directly; the Go SDK runs `sh -c value`. Outside
// quotes both read a backslash as "the next character, literally", so
// every character that is not plain gets one, words are joined by single
// spaces, and no quote is ever written. That also keeps the ini layer
// out: no " #" or " ;" (after a space comes a plain character or a
// backslash), no enclosing quotes for the Go SDK to strip, no trailing
// space for either to trim (an argument may not start or end with one).
func commandLine(argv []string) (string, error) {
	if len(argv) == 0 || argv[0] == "" || argv[0][0] != '/' {
		return "", errors.New("the command must start with an absolute path, which neither a PATH lookup nor sh reads differently")
	}
	words := make([]string, len(argv))
	for i, arg := range argv {
		if arg == "" {
			return "", errors.New("an argument is empty, which cannot be written without quotes the Go SDK would strip")
		}
		if strings.TrimSpace(arg) != arg {
			// Both parsers trim the end of the value, and an escaped
			// blank at its end would go with it.
			return "", errors.New("an argument starts or ends with a space")
		}
		var w strings.Builder
		for _, r := range arg {
			switch {
			case r < ' ' || r > '~':
				return "", errors.New("an argument holds a line break, a control or a non-ASCII character")
			case strings.ContainsRune(plainArgChars, r):
				w.WriteRune(r)
			default:
				w.WriteByte('\\')
				w.WriteRune(r)
			}
		}
		words[i] = w.String()
	}
	return strings.Join(words, " "), nil
}
