package explain_test

import (
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	"github.com/federate-action/federate/internal/explain"
)

// FuzzPolicy feeds arbitrary documents to the trust-policy and Vault-role
// readers: whatever the input, they answer with a verdict, never a panic,
// and a refused or dangerous verdict always says so in its text.
func FuzzPolicy(f *testing.F) {
	for _, seed := range []string{
		`{"Statement":{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::1:oidc-provider/h"},"Action":"sts:*","Condition":{"StringLike":{"h:sub":"repo:o/*"}}}}`,
		`{"Statement":[{"Effect":"Deny","NotPrincipal":"*","NotAction":["x"],"Condition":{"ForAllValues:StringNotLikeIfExists":{"h:aud":[1,true]}}}]}`,
		`{"Role":{"AssumeRolePolicyDocument":"{\"Statement\":[]}"}}`,
		`{"data":{"bound_audiences":"a,b","bound_claims_type":"glob","bound_claims":{"/a/0/b":["*"]},"user_claim":"/x","user_claim_json_pointer":true}}`,
		`{"Statement":[{"Effect":"Allow","Condition":{"Null":{"h:sub":"true"}}}]}`,
		`[]`, `null`, `{`,
	} {
		f.Add([]byte(seed))
	}
	claims := explain.Claims{"iss": "https://h", "aud": []any{"a", "b"}, "sub": "repo:o/r:ref:refs/heads/main",
		"a": []any{map[string]any{"b": "c"}}, "x": "y"}
	f.Fuzz(func(t *testing.T, doc []byte) {
		for _, v := range []explain.Verdict{explain.Policy(doc, claims), explain.VaultRole(doc, claims)} {
			require.Contains(t, v.Text, "Verdict: ")
			if v.ExitCode() == 2 {
				require.Contains(t, v.Text, "Dangerous, whatever the claims:")
			}
		}
	})
}

// FuzzGlob checks Glob against a regular expression built from the same
// pattern: * is .*, ? is . (or literal for Vault), everything else literal.
func FuzzGlob(f *testing.F) {
	for _, seed := range [][2]string{{"repo:o/*", "repo:o/r:pull_request"}, {"a*b?c", "aXbYc"}, {"*?*", ""}, {"caf?", "café"}} {
		f.Add(seed[0], seed[1], true)
	}
	f.Fuzz(func(t *testing.T, pattern, value string, question bool) {
		if !utf8.ValidString(pattern) || !utf8.ValidString(value) || len(pattern) > 64 {
			t.Skip()
		}
		var re strings.Builder
		re.WriteString(`(?s)\A`)
		for _, c := range pattern {
			switch {
			case c == '*':
				re.WriteString(".*")
			case c == '?' && question:
				re.WriteString(".")
			default:
				re.WriteString(regexp.QuoteMeta(string(c)))
			}
		}
		re.WriteString(`\z`)
		want := regexp.MustCompile(re.String()).MatchString(value)
		require.Equal(t, want, explain.Glob(pattern, value, question), "pattern %q value %q", pattern, value)
	})
}
