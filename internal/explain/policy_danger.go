package explain

import "fmt"

// policyDangers flags an Allow statement for web identity that admits far
// more than its author likely meant, whatever this run's claims.
func policyDangers(r *report, s statement) {
	if s.effect != "Allow" || !s.actionMatches() {
		return
	}
	where := s.where()
	if s.principalAny {
		r.flag(Dangerous, where, "Principal is \"*\": tokens of any identity provider the account trusts are admitted",
			"name the provider: {\"Federated\": \"arn:aws:iam::ACCOUNT:oidc-provider/HOST\"}")
	}
	scoped, aud := false, false
	for _, c := range s.conditions {
		op, ok := parseOperator(c.operator)
		if !ok {
			continue
		}
		claim := claimName(c.key)
		if op.positive() && scopingClaims[claim] {
			scoped = true
		}
		if op.positive() && claim == "aud" {
			aud = true
		}
		if (scopingClaims[claim] || claim == "aud") && !op.negated() && (op.ifExists || op.set == "ForAllValues") {
			r.flag(Dangerous, where,
				fmt.Sprintf("%s on %s also holds when the token has no %s claim", c.operator, c.key, claim),
				"use StringEquals or StringLike, without IfExists or ForAllValues")
		}
		if op.negated() || op.base == "Null" || op.base == "Bool" {
			continue
		}
		for _, v := range c.values {
			for _, f := range append(globFlags(claim, v, true), pullRequestFlag(claim, v)...) {
				if !op.like() && hasWildcard(v, true) {
					break // StringEquals compares * literally: narrower, not wider
				}
				r.flag(f.sev, where, f.reason, f.fix)
			}
		}
		if op.like() && !hasWildcard(stringsJoin(c.values), true) {
			r.flag(Wide, where,
				fmt.Sprintf("%s on %s has no wildcard in %s: StringEquals was meant", c.operator, c.key, quoteList(c.values)),
				"use StringEquals, so a later * or ? in a value is not read as a wildcard by mistake")
		}
	}
	if !scoped {
		r.flag(Dangerous, where,
			"no condition on sub (or on a repository or project claim): every job of every customer of this CI can assume the role",
			"add \"StringEquals\": {\"HOST:sub\": \"repo:OWNER/REPO:ref:refs/heads/main\"} (HOST: the issuer without https://)")
	}
	if !aud {
		r.flag(Dangerous, where,
			"no condition on aud: tokens minted for any other service are admitted",
			"add \"StringEquals\": {\"HOST:aud\": \"sts.amazonaws.com\"}")
	}
}

func stringsJoin(s []string) string {
	out := ""
	for _, v := range s {
		out += v
	}
	return out
}
