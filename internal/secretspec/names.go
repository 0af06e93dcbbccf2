package secretspec

import (
	"strings"
	"unicode"
)

// DeriveName turns a selector (or, for a wildcard, a key) into a name the
// way vault-action does, so that workflows moving over keep their names:
// '.' becomes "__", and every character that is not a Unicode letter,
// number or '_' (such as '-' and quotes) is deleted. The result may be
// empty, start with a digit or hold letters outside ASCII; Parse refuses
// such selectors without a NAME.
func DeriveName(text string) string {
	var b strings.Builder
	for _, r := range text {
		switch {
		case r == '.':
			b.WriteString("__")
		case r == '_' || unicode.IsLetter(r) || unicode.IsNumber(r):
			b.WriteRune(r)
		}
	}
	return b.String()
}

// EnvName is the env var the spec's value is exported to: the explicit
// Name, else the derived name upper-cased (vault-action's rule). It is ""
// for a wildcard, whose names come from WildcardNames.
func (s Spec) EnvName() string {
	if s.Selector.Wildcard == None && s.Name != "" {
		return s.Name
	}
	return strings.ToUpper(s.OutputName()) // "" for a wildcard
}

// OutputName is the step output the spec's value is set to: the explicit
// Name, else the derived name with its case kept (vault-action's rule). It
// is "" for a wildcard, whose names come from WildcardNames.
func (s Spec) OutputName() string {
	switch {
	case s.Selector.Wildcard != None:
		return ""
	case s.Name != "":
		return s.Name
	}
	return DeriveName(s.Selector.Text)
}

// WildcardNames returns the env var and output names of one key of the
// secret that a wildcard spec exports. The spec's Name, if any, is a prefix
// prepended to the key before the name is derived. `*` upper-cases the env
// name and `**` keeps its case (vault-action's rule); both keep the case of
// the output name.
func (s Spec) WildcardNames(key string) (env, output string) {
	output = DeriveName(s.Name + key)
	env = output
	if s.Selector.Wildcard == All {
		env = strings.ToUpper(output)
	}
	return env, output
}
