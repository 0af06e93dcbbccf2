package explain

// Glob reports whether s matches pattern, where * matches any run of
// characters (the empty one too) and, when question is set, ? matches
// exactly one. IAM's StringLike has both; Vault's glob bound claims
// (ryanuber/go-glob) know only *. Matching is case-sensitive, as both are.
func Glob(pattern, s string, question bool) bool {
	p := []rune(pattern)
	r := []rune(s)
	pi, si := 0, 0
	// star and mark remember the last * seen and where in s it started
	// matching, so a mismatch backtracks by one character instead of
	// recursing: linear in practice, never exponential.
	star, mark := -1, 0
	for si < len(r) {
		switch {
		case pi < len(p) && p[pi] == '*':
			star, mark = pi, si
			pi++
		case pi < len(p) && (p[pi] == r[si] || question && p[pi] == '?'):
			pi++
			si++
		case star >= 0:
			mark++
			si = mark
			pi = star + 1
		default:
			return false
		}
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}

// hasWildcard reports whether pattern holds a character Glob treats
// specially.
func hasWildcard(pattern string, question bool) bool {
	for _, c := range pattern {
		if c == '*' || question && c == '?' {
			return true
		}
	}
	return false
}
