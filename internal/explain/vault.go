package explain

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// vaultRole is the part of a Vault jwt role that decides a login.
type vaultRole struct {
	boundAudiences []string
	boundSubject   string
	boundClaims    map[string][]any // strings, json.Numbers or bools, as written
	claimKeys      []string         // boundClaims' keys, sorted
	glob           bool             // bound_claims_type glob
	userClaim      string
	userPointer    bool
	groupsClaim    string
	roleType       string
}

// parseVaultRole reads a role as `vault read -format=json auth/jwt/role/NAME`
// prints it ({"data": {...}}) or as written to Vault.
func parseVaultRole(data []byte) (vaultRole, error) {
	var doc map[string]any
	if err := decodeStrict(data, &doc); err != nil || doc == nil {
		return vaultRole{}, errors.New("the Vault role is not a JSON object")
	}
	if inner, ok := doc["data"].(map[string]any); ok {
		doc = inner
	}
	var r vaultRole
	var err error
	if r.boundAudiences, err = commaList(doc["bound_audiences"]); err != nil {
		return r, fmt.Errorf("bound_audiences: %w", err)
	}
	r.boundSubject, _ = doc["bound_subject"].(string)
	r.userClaim, _ = doc["user_claim"].(string)
	r.userPointer, _ = doc["user_claim_json_pointer"].(bool)
	r.groupsClaim, _ = doc["groups_claim"].(string)
	r.roleType, _ = doc["role_type"].(string)
	switch t, _ := doc["bound_claims_type"].(string); t {
	case "", "string":
	case "glob":
		r.glob = true
	default:
		return r, fmt.Errorf("bound_claims_type is %q, not string or glob", t)
	}
	r.boundClaims = map[string][]any{}
	if bc, ok := doc["bound_claims"]; ok && bc != nil {
		m, ok := bc.(map[string]any)
		if !ok {
			return r, errors.New("bound_claims is not an object")
		}
		r.claimKeys = sortedKeys(m)
		for _, k := range r.claimKeys {
			// Unlike bound_audiences, a bound claim's string is one
			// value: Vault does not split it at commas.
			vals, ok := scalarList(m[k])
			if !ok {
				return r, fmt.Errorf("bound_claims %s: neither a value nor a list of values", k)
			}
			if r.glob && len(boundStrings(vals)) != len(vals) {
				return r, fmt.Errorf("bound_claims %s: bound_claims_type glob takes only strings", k)
			}
			r.boundClaims[k] = vals
		}
	}
	return r, nil
}

// commaList accepts a list, or a string Vault splits at commas.
func commaList(v any) ([]string, error) {
	if s, ok := v.(string); ok {
		if s == "" {
			return nil, nil
		}
		return strings.Split(s, ","), nil
	}
	return stringList(v)
}

// scalarList is a claim or bound as Vault compares it: a string, number
// or bool, or a list of them, each kept with its JSON type.
func scalarList(v any) ([]any, bool) {
	switch x := v.(type) {
	case string, bool, json.Number, float64:
		return []any{x}, true
	case []any:
		for _, e := range x {
			if _, ok := scalarList(e); !ok || isList(e) {
				return nil, false
			}
		}
		return x, true
	}
	return nil, false
}

func isList(v any) bool { _, ok := v.([]any); return ok }

// boundStrings keeps the string values.
func boundStrings(vals []any) []string {
	var out []string
	for _, v := range vals {
		if s, ok := v.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// sameValue compares as Vault's string mode does: type and value, so the
// claim 42 never equals the bound "42", nor true the bound "true".
func sameValue(claim, bound any) bool {
	switch c := claim.(type) {
	case json.Number:
		b, ok := bound.(json.Number)
		return ok && c == b
	default:
		return claim == bound
	}
}

// showValues renders values as "a", 42, true.
func showValues(vals []any) string {
	q := make([]string, len(vals))
	for i, v := range vals {
		if s, ok := v.(string); ok {
			q[i] = fmt.Sprintf("%q", s)
		} else {
			q[i] = show(v)
		}
	}
	return strings.Join(q, ", ")
}

// VaultRole evaluates a Vault jwt role against the claims as Vault's jwt
// auth method does at login (1.17 and later: a token with an aud claim
// needs bound_audiences to name one of its audiences).
func VaultRole(roleJSON []byte, claims Claims) Verdict {
	var r report
	role, err := parseVaultRole(roleJSON)
	if err != nil {
		r.line("The Vault role cannot be read: %v.", err)
		r.line("Give the role as `vault read -format=json auth/jwt/role/NAME` prints it.")
		return r.finish(false, "the Vault role")
	}
	r.line("Claims:")
	r.b.WriteString(claims.describe())
	r.line("")
	var failed []string
	fail := func(format string, args ...any) { failed = append(failed, fmt.Sprintf(format, args...)) }

	if role.roleType == "oidc" {
		fail("role_type is oidc: Vault refuses a jwt login (a token presented to auth/jwt/login) on it; set role_type to jwt")
	}

	aud, _ := claims.lookup("aud")
	auds, _ := values(aud)
	switch {
	case len(role.boundAudiences) == 0 && len(auds) > 0:
		fail("bound_audiences is empty but the token has aud %s: Vault refuses it (bound_audiences must name one of the token's audiences)", quoteList(auds))
	case len(role.boundAudiences) > 0 && !anyEqual(role.boundAudiences, auds):
		fail("bound_audiences %s: the token's aud is %s, which is none of them", quoteList(role.boundAudiences), quoteOrNone(auds))
	}
	if role.boundSubject != "" {
		sub, _ := claims["sub"].(string)
		if sub != role.boundSubject {
			fail("bound_subject %q: the token's sub is %q (bound_subject is matched exactly, never as a glob)", role.boundSubject, sub)
		}
	}
	for _, k := range role.claimKeys {
		if why := role.checkClaim(claims, k); why != "" {
			fail("bound_claims %s: %s", k, why)
		}
	}
	switch {
	case role.userClaim == "":
		fail("user_claim is not set; Vault requires one (e.g. sub)")
	default:
		if _, ok := role.claim(claims, role.userClaim, role.userPointer); !ok {
			fail("user_claim %q: the token has no such claim", role.userClaim)
		}
	}
	if role.groupsClaim != "" {
		if _, ok := role.claim(claims, role.groupsClaim, true); !ok {
			fail("groups_claim %q: the token has no such claim, and Vault refuses a login whose groups claim is not found; unset groups_claim or name a claim the token has", role.groupsClaim)
		}
	}
	if len(failed) == 0 {
		r.line("Every bound of the role matches this run.")
	} else {
		r.line("The role refuses this run:")
		for _, f := range failed {
			r.line("  - %s", f)
		}
	}
	vaultDangers(&r, role)
	r.line("")
	return r.finish(len(failed) == 0, "the Vault role")
}

// claim finds a bound claim: a name starting with / is a JSON pointer.
func (role vaultRole) claim(claims Claims, name string, pointer bool) (any, bool) {
	if strings.HasPrefix(name, "/") && pointer {
		return claims.pointer(name)
	}
	v, ok := claims[name]
	return v, ok
}

// checkClaim matches one bound claim: any of the token's values against
// any of the bound values, exactly or as a glob.
func (role vaultRole) checkClaim(claims Claims, key string) string {
	raw, ok := role.claim(claims, key, true)
	if !ok {
		return "the token has no such claim"
	}
	vals, ok := scalarList(raw)
	if !ok {
		return fmt.Sprintf("the token's value %s is neither a string nor a list", show(raw))
	}
	bounds := role.boundClaims[key]
	typed := false // a value Vault cannot match with a string bound
	for _, v := range vals {
		str, isString := v.(string)
		if !isString {
			typed = true
		}
		for _, want := range bounds {
			if role.glob && isString && Glob(want.(string), str, false) || !role.glob && sameValue(v, want) {
				return ""
			}
		}
	}
	how := "none of"
	if role.glob {
		how = "no glob of"
	}
	hint := ""
	joined := strings.Join(boundStrings(bounds), "")
	switch {
	case typed && role.glob:
		hint = " (glob bounds skip a claim that is not a string)"
	case typed:
		hint = " (Vault compares type and value: a number or boolean claim never equals a string bound)"
	case !role.glob && strings.Contains(joined, "*"):
		hint = " (bound_claims_type is string, so * is literal; set bound_claims_type to glob)"
	case role.glob && strings.Contains(joined, "?"):
		hint = " (Vault's glob knows only *; ? is literal)"
	}
	return fmt.Sprintf("the token's value is %s, which matches %s %s%s", showValues(vals), how, showValues(bounds), hint)
}

func anyEqual(want, have []string) bool {
	for _, w := range want {
		for _, h := range have {
			if w == h {
				return true
			}
		}
	}
	return false
}

func quoteOrNone(vals []string) string {
	if len(vals) == 0 {
		return "absent"
	}
	return quoteList(vals)
}

// vaultDangers flags a role that admits far more than one repository.
func vaultDangers(r *report, role vaultRole) {
	var sc scope
	if role.boundSubject != "" {
		sc.add("sub")
	}
	for _, k := range role.claimKeys {
		name := strings.ToLower(k[strings.LastIndex(k, "/")+1:])
		if whole := strings.TrimPrefix(strings.ToLower(k), "/"); scopingClaims[whole] {
			sc.add(whole)
		} else {
			sc.add(name)
		}
		if !role.glob {
			continue
		}
		for _, v := range boundStrings(role.boundClaims[k]) {
			flags := globFlags(name, v, false)
			if len(flags) == 0 && strings.Trim(v, "*") == "" {
				flags = []patternFlag{{Dangerous, fmt.Sprintf("the glob %q matches every value, so this bound checks only that the claim exists", v),
					"give the value, or drop the bound"}}
			}
			for _, f := range withPullRequestFlag(flags, name, v, true, false) {
				r.flag(f.sev, "bound_claims "+k, f.reason, f.fix)
			}
		}
	}
	if !role.glob {
		for _, k := range role.claimKeys {
			for _, v := range boundStrings(role.boundClaims[k]) {
				for _, f := range pullRequestFlag(strings.TrimPrefix(k, "/"), v, false, false) {
					r.flag(f.sev, "bound_claims "+k, f.reason, f.fix)
				}
			}
		}
	}
	for _, f := range pullRequestFlag("sub", role.boundSubject, false, false) {
		r.flag(f.sev, "bound_subject", f.reason, f.fix)
	}
	scoped, repoScoped := sc.result()
	if sc.pipeline && !scoped {
		f := pipelineOnlyFlag()
		r.flag(f.sev, "the role", f.reason, f.fix)
	} else if !scoped {
		r.flag(Dangerous, "the role",
			"no bound_subject and no bound_claims on sub or a repository claim: every job of every customer of the issuer can log in",
			"add bound_claims {\"repository\": \"OWNER/REPO\"} or bound_subject \"repo:OWNER/REPO:ref:refs/heads/main\"")
	}
	if scoped && !repoScoped {
		f := ownerOnlyFlag()
		r.flag(f.sev, "the role", f.reason, f.fix)
	}
	if len(role.boundAudiences) == 0 {
		r.flag(Dangerous, "the role",
			"no bound_audiences: tokens minted for other services are not told apart (Vault 1.17+ refuses tokens with an aud)",
			"set bound_audiences to the audience the job requests, e.g. the Vault address")
	}
}
