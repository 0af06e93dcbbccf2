package explain

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Claims are a token's claims as decoded from its JSON payload: strings,
// lists, numbers, booleans and nested objects, as the provider sees them.
type Claims map[string]any

// DecodeJWT returns the claims of a JWT without verifying its signature:
// explain says what a provider would decide, it does not authenticate.
func DecodeJWT(token string) (Claims, error) {
	parts := strings.Split(strings.TrimSpace(token), ".")
	if len(parts) != 3 {
		return nil, errors.New("the ID token is not a JWT (three dot-separated parts)")
	}
	payload, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return nil, errors.New("the ID token's payload is not base64url")
	}
	return ParseClaims(payload)
}

// ParseClaims reads a JSON object of claims.
func ParseClaims(data []byte) (Claims, error) {
	var c Claims
	// UseNumber keeps numeric claims (project_id, exp) as written, not
	// as floats printed in exponent form.
	if err := decodeStrict(data, &c); err != nil || c == nil {
		return nil, errors.New("the claims are not a JSON object")
	}
	return c, nil
}

// decodeStrict decodes one JSON value, numbers kept as json.Number, and
// refuses trailing data.
func decodeStrict(data []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	if err := d.Decode(v); err != nil {
		return err
	}
	if d.More() {
		return errors.New("data after the JSON value")
	}
	return nil
}

// Issuer is the iss claim, or "".
func (c Claims) Issuer() string {
	s, _ := c["iss"].(string)
	return s
}

// IssuerHost is the issuer as IAM names it in provider ARNs and condition
// keys: without https:// and without a trailing slash.
func (c Claims) IssuerHost() string { return issuerHost(c.Issuer()) }

func issuerHost(iss string) string {
	return strings.TrimSuffix(strings.TrimPrefix(iss, "https://"), "/")
}

// lookup finds a claim by name: exactly, else ignoring case (IAM keys are
// case-insensitive).
func (c Claims) lookup(name string) (any, bool) {
	if v, ok := c[name]; ok {
		return v, true
	}
	for k, v := range c {
		if strings.EqualFold(k, name) {
			return v, true
		}
	}
	return nil, false
}

// pointer resolves a JSON pointer such as /a/b, as Vault does for claims
// starting with a slash.
func (c Claims) pointer(ptr string) (any, bool) {
	var cur any = map[string]any(c)
	for _, tok := range strings.Split(ptr[1:], "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		switch node := cur.(type) {
		case map[string]any:
			v, ok := node[tok]
			if !ok {
				return nil, false
			}
			cur = v
		case []any:
			var i int
			if _, err := fmt.Sscanf(tok, "%d", &i); err != nil || i < 0 || i >= len(node) || fmt.Sprint(i) != tok {
				return nil, false
			}
			cur = node[i]
		default:
			return nil, false
		}
	}
	return cur, true
}

// values flattens a claim to the strings a condition compares: one for a
// scalar, each element for a list. ok is false for an object, which
// neither IAM nor Vault can compare with a string.
func values(v any) (out []string, ok bool) {
	switch x := v.(type) {
	case string:
		return []string{x}, true
	case bool, float64, json.Number:
		return []string{fmt.Sprint(x)}, true
	case []any:
		for _, e := range x {
			s, ok := values(e)
			if !ok || len(s) != 1 {
				return nil, false
			}
			out = append(out, s[0])
		}
		return out, true
	}
	return nil, false
}

// describe lists every claim, one "  name: value" line each, sorted.
func (c Claims) describe() string {
	names := make([]string, 0, len(c))
	for k := range c {
		names = append(names, k)
	}
	sort.Strings(names)
	var b strings.Builder
	for _, k := range names {
		fmt.Fprintf(&b, "  %s: %s\n", k, show(c[k]))
	}
	return b.String()
}

// show renders a claim value compactly: a string as is, anything else as
// JSON.
func show(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// quoteList renders values as "a", "b".
func quoteList(vals []string) string {
	q := make([]string, len(vals))
	for i, v := range vals {
		q[i] = fmt.Sprintf("%q", v)
	}
	return strings.Join(q, ", ")
}

func sortStrings(s []string) { sort.Strings(s) }
