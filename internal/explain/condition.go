package explain

import (
	"fmt"
	"strings"
)

// operator is a condition operator split into its parts, e.g.
// ForAnyValue:StringLikeIfExists -> {set: ForAnyValue, base: StringLike, ifExists}.
type operator struct {
	set      string // "", "ForAnyValue" or "ForAllValues"
	base     string // StringEquals, StringNotLike, Null, ...
	ifExists bool
}

// knownBases are the operators that can compare token claims.
var knownBases = []string{
	"StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase",
	"StringLike", "StringNotLike", "Null", "Bool",
}

func parseOperator(op string) (operator, bool) {
	var o operator
	if set, rest, ok := strings.Cut(op, ":"); ok {
		switch {
		case strings.EqualFold(set, "ForAnyValue"):
			o.set = "ForAnyValue"
		case strings.EqualFold(set, "ForAllValues"):
			o.set = "ForAllValues"
		default:
			return o, false
		}
		op = rest
	}
	if len(op) > len("IfExists") && strings.EqualFold(op[len(op)-len("IfExists"):], "IfExists") {
		o.ifExists = true
		op = op[:len(op)-len("IfExists")]
	}
	for _, b := range knownBases {
		if strings.EqualFold(op, b) {
			o.base = b
			return o, true
		}
	}
	return o, false
}

func (o operator) negated() bool { return strings.Contains(o.base, "Not") }

// positive reports whether the operator restricts a claim to the listed
// values: it fails when the claim is absent.
func (o operator) positive() bool {
	return !o.negated() && !o.ifExists && o.set != "ForAllValues" && o.base != "Null" && o.base != "Bool"
}

// like reports whether the operator matches patterns with wildcards.
func (o operator) like() bool { return strings.HasSuffix(o.base, "Like") }

// matchOne compares one claim value with one pattern, ignoring negation.
func (o operator) matchOne(pattern, value string) bool {
	switch o.base {
	case "StringEquals", "StringNotEquals":
		return pattern == value
	case "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase":
		return strings.EqualFold(pattern, value)
	case "StringLike", "StringNotLike":
		return Glob(pattern, value, true)
	case "Bool":
		return strings.EqualFold(pattern, value)
	}
	return false
}

// matchAny reports whether value matches one of patterns.
func (o operator) matchAny(patterns []string, value string) bool {
	for _, p := range patterns {
		if o.matchOne(p, value) {
			return true
		}
	}
	return false
}

// keyClaim splits a condition key into its claim name when its issuer
// part is this token's issuer host (IAM keys are case-insensitive).
func keyClaim(key, host string) (string, bool) {
	if host == "" || len(key) <= len(host) || key[len(host)] != ':' || !strings.EqualFold(key[:len(host)], host) {
		return "", false
	}
	return key[len(host)+1:], true
}

// claimName is the claim a key tests, whatever its issuer: the part after
// the last colon.
func claimName(key string) string {
	return strings.ToLower(key[strings.LastIndex(key, ":")+1:])
}

// evaluate says whether the condition holds for the claims, and if not,
// why, in terms of the claim's actual value and the patterns.
func (c condition) evaluate(claims Claims, host string) (bool, string) {
	op, ok := parseOperator(c.operator)
	if !ok {
		return false, fmt.Sprintf("%s is not an operator IAM applies to token claims, so it cannot match", c.operator)
	}
	name, ours := keyClaim(c.key, host)
	var raw any
	present := false
	if ours {
		raw, present = claims.lookup(name)
	}
	var vals []string
	if present {
		if vals, present = values(raw); !present {
			return false, fmt.Sprintf("the claim %s is an object, which IAM cannot compare with strings", name)
		}
	}
	if !present {
		return absent(op, c, ours, host)
	}
	if op.base == "Null" {
		return strings.EqualFold(firstOr(c.values, ""), "false"), "the claim " + name + " is present, and the condition wants it absent"
	}
	return compare(op, c.values, name, vals)
}

// absent decides a condition whose key the request does not carry.
func absent(op operator, c condition, ours bool, host string) (bool, string) {
	why := fmt.Sprintf("the token has no claim %s", claimName(c.key))
	if !ours {
		why = fmt.Sprintf("the key %s does not name this token's issuer (%s), so the request has no such key", c.key, host)
	}
	switch {
	case op.base == "Null":
		return strings.EqualFold(firstOr(c.values, ""), "true"), why + ", and the condition wants it present"
	case op.ifExists, op.set == "ForAllValues":
		return true, ""
	case op.negated() && op.set == "":
		return true, ""
	}
	return false, why
}

func firstOr(s []string, def string) string {
	if len(s) == 0 {
		return def
	}
	return s[0]
}

// compare applies the operator to the claim's values: several patterns
// are alternatives (OR); a list claim (aud) needs one value to match, or
// every value under ForAllValues.
func compare(op operator, patterns []string, name string, vals []string) (bool, string) {
	hits := 0
	for _, v := range vals {
		if op.matchAny(patterns, v) {
			hits++
		}
	}
	var ok bool
	switch {
	case op.set == "ForAllValues" && op.negated():
		ok = hits == 0
	case op.set == "ForAllValues":
		ok = hits == len(vals)
	case op.set == "ForAnyValue" && op.negated():
		ok = hits < len(vals)
	case op.negated():
		ok = hits == 0
	default:
		ok = hits > 0
	}
	if ok {
		return true, ""
	}
	actual := fmt.Sprintf("the claim %s is %s", name, quoteList(vals))
	switch {
	case op.negated():
		return false, fmt.Sprintf("%s, which matches %s: this operator wants no match", actual, quoteList(patterns))
	case op.set == "ForAllValues":
		return false, fmt.Sprintf("%s: not every value matches one of %s", actual, quoteList(patterns))
	}
	hint := ""
	if !op.like() && hasWildcard(strings.Join(patterns, ""), true) {
		hint = " (" + op.base + " compares * and ? literally; StringLike treats them as wildcards)"
	}
	return false, fmt.Sprintf("%s, which matches none of %s%s", actual, quoteList(patterns), hint)
}
