package awsnames

import "strings"

// validRolePath reports whether s matches IAM's ^([\w+=,.@-]+/)*[\w+=,.@-]{1,64}$:
// non-empty path segments of name characters, the last (the name) at most
// 64 long.
func validRolePath(s string) bool {
	name := s[strings.LastIndexByte(s, '/')+1:]
	if len(name) < 1 || len(name) > 64 {
		return false
	}
	for seg := range strings.SplitSeq(s, "/") {
		if seg == "" || !allIn(seg, isNameChar) {
			return false
		}
	}
	return true
}

// allIn reports whether every byte of s is one ok accepts. The character
// sets are ASCII, so any byte of a multi-byte rune is refused, as the
// regular expressions they replace refuse the rune.
func allIn(s string, ok func(byte) bool) bool {
	for i := 0; i < len(s); i++ {
		if !ok(s[i]) {
			return false
		}
	}
	return true
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func isLower(c byte) bool { return 'a' <= c && c <= 'z' }

// isPartitionChar is [a-z-], what follows "aws" in a partition name.
func isPartitionChar(c byte) bool { return isLower(c) || c == '-' }

func isAlnum(c byte) bool { return isDigit(c) || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

// isNameChar is [\w+=,.@-], role and session names' characters.
func isNameChar(c byte) bool { return isAlnum(c) || strings.IndexByte("_+=,.@-", c) >= 0 }

// isExternalIDChar is [\w+=,.@:/-].
func isExternalIDChar(c byte) bool { return isNameChar(c) || c == ':' || c == '/' }

// isProfileChar is [A-Za-z0-9_.+@-].
func isProfileChar(c byte) bool { return isAlnum(c) || strings.IndexByte("_.+@-", c) >= 0 }
