package explain

import (
	"errors"
	"fmt"
	"strings"
)

const webIdentityAction = "sts:AssumeRoleWithWebIdentity"

// statement is one trust-policy statement, decoded leniently: IAM accepts
// a string or a list wherever a list is expected.
type statement struct {
	index        int
	sid          string
	effect       string
	principalAny bool     // "Principal": "*"
	federated    []string // Principal.Federated
	notPrincipal bool
	actions      []string
	notActions   []string
	conditions   []condition
}

// condition is one operator and key with its values (OR).
type condition struct {
	operator string // as written, e.g. ForAnyValue:StringLike
	key      string
	values   []string
}

// where names a statement for people: its number and its Sid if any.
func (s statement) where() string {
	if s.sid != "" {
		return fmt.Sprintf("statement %d %q", s.index, s.sid)
	}
	return fmt.Sprintf("statement %d", s.index)
}

// parsePolicy reads a trust policy document, or the output of
// `aws iam get-role` (Role.AssumeRolePolicyDocument), object or string.
func parsePolicy(data []byte) ([]statement, error) {
	var doc map[string]any
	if err := decodeStrict(data, &doc); err != nil || doc == nil {
		return nil, errors.New("the trust policy is not a JSON object")
	}
	doc = unwrapPolicy(doc)
	raw, ok := lookupFold(doc, "Statement")
	if !ok {
		return nil, errors.New("the trust policy has no Statement")
	}
	var list []any
	switch x := raw.(type) {
	case []any:
		list = x
	case map[string]any:
		list = []any{x}
	default:
		return nil, errors.New("the Statement is neither an object nor a list")
	}
	if len(list) == 0 {
		return nil, errors.New("the Statement is an empty list")
	}
	out := make([]statement, 0, len(list))
	for i, item := range list {
		m, ok := item.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("statement %d is not an object", i+1)
		}
		s, err := parseStatement(i+1, m)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

// unwrapPolicy finds the document inside `aws iam get-role` output.
func unwrapPolicy(doc map[string]any) map[string]any {
	if role, ok := lookupFold(doc, "Role"); ok {
		if m, ok := role.(map[string]any); ok {
			doc = m
		}
	}
	if inner, ok := lookupFold(doc, "AssumeRolePolicyDocument"); ok {
		switch x := inner.(type) {
		case map[string]any:
			return x
		case string:
			var m map[string]any
			if decodeStrict([]byte(x), &m) == nil && m != nil {
				return m
			}
		}
	}
	return doc
}

func parseStatement(i int, m map[string]any) (statement, error) {
	s := statement{index: i}
	s.sid, _ = m["Sid"].(string)
	effect, _ := m["Effect"].(string)
	if effect != "Allow" && effect != "Deny" {
		return s, fmt.Errorf("statement %d: Effect is %q, not Allow or Deny", i, effect)
	}
	s.effect = effect
	if p, ok := m["Principal"]; ok {
		s.principalAny, s.federated = parsePrincipal(p)
	}
	if p, ok := m["NotPrincipal"]; ok {
		s.notPrincipal = true
		s.principalAny, s.federated = parsePrincipal(p)
	}
	var err error
	if s.actions, err = stringList(m["Action"]); err != nil {
		return s, fmt.Errorf("statement %d: Action: %w", i, err)
	}
	if s.notActions, err = stringList(m["NotAction"]); err != nil {
		return s, fmt.Errorf("statement %d: NotAction: %w", i, err)
	}
	if c, ok := m["Condition"]; ok {
		ops, ok := c.(map[string]any)
		if !ok {
			return s, fmt.Errorf("statement %d: Condition is not an object", i)
		}
		for _, op := range sortedKeys(ops) {
			keys, ok := ops[op].(map[string]any)
			if !ok {
				return s, fmt.Errorf("statement %d: Condition %s is not an object of keys", i, op)
			}
			for _, k := range sortedKeys(keys) {
				vals, err := stringList(keys[k])
				if err != nil {
					return s, fmt.Errorf("statement %d: Condition %s %s: %w", i, op, k, err)
				}
				s.conditions = append(s.conditions, condition{operator: op, key: k, values: vals})
			}
		}
	}
	return s, nil
}

// parsePrincipal returns whether the principal is "*" and its Federated
// entries (other principal kinds cannot call AssumeRoleWithWebIdentity).
func parsePrincipal(p any) (bool, []string) {
	if s, ok := p.(string); ok {
		return s == "*", nil
	}
	m, ok := p.(map[string]any)
	if !ok {
		return false, nil
	}
	fed, _ := stringList(m["Federated"])
	for _, f := range fed {
		if f == "*" {
			return true, fed
		}
	}
	return false, fed
}

// stringList accepts a string, a number or boolean, or a list of those.
func stringList(v any) ([]string, error) {
	if v == nil {
		return nil, nil
	}
	vals, ok := values(v)
	if !ok {
		return nil, errors.New("neither a string nor a list of strings")
	}
	return vals, nil
}

func lookupFold(m map[string]any, name string) (any, bool) {
	return Claims(m).lookup(name)
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sortStrings(keys)
	return keys
}

// actionMatches reports whether the statement covers
// AssumeRoleWithWebIdentity (IAM action names are case-insensitive and
// may hold wildcards).
func (s statement) actionMatches() bool {
	match := func(list []string) bool {
		for _, a := range list {
			if Glob(strings.ToLower(a), strings.ToLower(webIdentityAction), true) {
				return true
			}
		}
		return false
	}
	if len(s.notActions) > 0 {
		return !match(s.notActions)
	}
	return match(s.actions)
}
