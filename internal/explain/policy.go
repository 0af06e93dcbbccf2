package explain

import (
	"fmt"
	"strings"
)

// Policy evaluates an IAM role trust policy against the claims as
// AssumeRoleWithWebIdentity would: an explicit Deny that matches refuses,
// else one matching Allow admits. Dangers are found whatever the claims.
func Policy(policyJSON []byte, claims Claims) Verdict {
	var r report
	statements, err := parsePolicy(policyJSON)
	if err != nil {
		r.line("The trust policy cannot be read: %v.", err)
		r.line("Give the role's trust policy document (aws iam get-role --role-name NAME --query Role.AssumeRolePolicyDocument).")
		r.line("")
		return r.finish(false, "the trust policy")
	}
	host := claims.IssuerHost()
	r.line("Claims:")
	r.b.WriteString(claims.describe())
	r.line("")
	var admitting, denying []statement
	for _, s := range statements {
		ok, why := s.applies(claims, host)
		switch {
		case ok && s.effect == "Deny":
			denying = append(denying, s)
			r.line("%s (Deny) matches this run: an explicit Deny refuses it, whatever the Allow statements say.", s.where())
		case ok:
			admitting = append(admitting, s)
			r.line("%s (Allow) admits this run.", s.where())
		default:
			r.line("%s (%s) does not match this run:", s.where(), s.effect)
			for _, w := range why {
				r.line("  - %s", w)
			}
		}
	}
	if len(admitting) == 0 && len(denying) == 0 && !anyAllow(statements) {
		r.line("No Allow statement covers %s.", webIdentityAction)
	}
	admitted := len(admitting) > 0 && len(denying) == 0
	if !admitted && host != "" && len(denying) == 0 {
		suggest(&r, claims, host)
	}
	for _, s := range statements {
		policyDangers(&r, s)
	}
	r.line("")
	return r.finish(admitted, "the trust policy")
}

// suggest shows the principal and condition that would admit exactly
// this run's subject, in this issuer's own keys.
func suggest(r *report, claims Claims, host string) {
	sub, _ := claims["sub"].(string)
	aud, _ := claims.lookup("aud")
	auds, _ := values(aud)
	if sub == "" || len(auds) == 0 {
		return
	}
	r.line("")
	r.line("A statement that admits runs like this one:")
	r.line(`  "Principal": {"Federated": "arn:aws:iam::ACCOUNT:oidc-provider/%s"},`, host)
	r.line(`  "Action": "%s",`, webIdentityAction)
	r.line(`  "Condition": {"StringEquals": {"%s:aud": %q, "%s:sub": %q}}`, host, auds[0], host, sub)
}

func anyAllow(statements []statement) bool {
	for _, s := range statements {
		if s.effect == "Allow" && s.actionMatches() {
			return true
		}
	}
	return false
}

// applies reports whether the statement's principal, action and every
// condition match; if not, it lists each reason.
func (s statement) applies(claims Claims, host string) (bool, []string) {
	var why []string
	if !s.actionMatches() {
		if len(s.actions)+len(s.notActions) == 0 {
			why = append(why, fmt.Sprintf("the statement has no Action; it needs %q", webIdentityAction))
		} else {
			why = append(why, fmt.Sprintf("Action %s does not cover %s", quoteList(append(s.actions, s.notActions...)), webIdentityAction))
		}
	}
	if ok, reason := s.principalMatches(host); !ok {
		why = append(why, reason)
	}
	for _, c := range s.conditions {
		if ok, reason := c.evaluate(claims, host); !ok {
			why = append(why, fmt.Sprintf("%s %s: %s", c.operator, c.key, reason))
		}
	}
	return len(why) == 0, why
}

// principalMatches checks that Principal.Federated names the OIDC
// provider of this token's issuer.
func (s statement) principalMatches(host string) (bool, string) {
	want := "arn:aws:iam::ACCOUNT:oidc-provider/" + host
	named := false
	for _, f := range s.federated {
		if p, ok := providerHost(f); ok {
			if strings.EqualFold(p, host) {
				named = true
			}
			want = f[:strings.Index(f, ":oidc-provider/")] + ":oidc-provider/" + host
		}
	}
	if s.principalAny {
		named = true
	}
	if s.notPrincipal {
		named = !named
	}
	if named {
		return true, ""
	}
	if host == "" {
		return false, "the claims have no iss, so no OIDC provider can be matched"
	}
	if len(s.federated) == 0 {
		return false, fmt.Sprintf("Principal has no Federated entry; it should be {\"Federated\": %q}", want)
	}
	return false, fmt.Sprintf("Principal.Federated is %s, not this token's issuer's provider; it should be %q", quoteList(s.federated), want)
}

// providerHost returns the HOST of arn:PARTITION:iam::ACCOUNT:oidc-provider/HOST.
func providerHost(arn string) (string, bool) {
	i := strings.Index(arn, ":oidc-provider/")
	if !strings.HasPrefix(arn, "arn:") || i < 0 {
		return "", false
	}
	return arn[i+len(":oidc-provider/"):], true
}
