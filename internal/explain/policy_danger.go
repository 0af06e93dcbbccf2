package explain

import (
	"fmt"
	"strings"
)

// policyDangers flags an Allow statement for web identity that admits far
// more than its author likely meant, whatever this run's claims.
func policyDangers(r *report, s statement) {
	where := s.where()
	undocumentedKeys(r, s)
	if s.effect != "Allow" || !s.actionMatches() {
		return
	}
	if s.principalAny {
		r.flag(Dangerous, where, "Principal is \"*\": tokens of any identity provider the account trusts are admitted",
			"name the provider: {\"Federated\": \"arn:aws:iam::ACCOUNT:oidc-provider/HOST\"}")
	}
	var sc scope
	aud := false
	for _, c := range s.conditions {
		op, ok := parseOperator(c.operator)
		if !ok {
			continue
		}
		claim := claimName(c.key)
		if op.positive() {
			sc.add(claim)
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
			for _, f := range withPullRequestFlag(globFlags(claim, v, true), claim, v, true, true) {
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
	host := "HOST"
	for _, f := range s.federated {
		if h, ok := providerHost(f); ok {
			host = h
		}
	}
	scoped, repoScoped := sc.result()
	if sc.pipeline && !scoped {
		f := pipelineOnlyFlag()
		r.flag(f.sev, where, f.reason, f.fix)
	} else if !scoped {
		r.flag(Dangerous, where,
			"no condition on sub (or on a repository or project claim): every job of every customer of this CI can assume the role",
			fmt.Sprintf("add \"StringEquals\": {\"%s:sub\": \"%s\"}", host, subExample(host)))
	}
	if scoped && !repoScoped {
		f := ownerOnlyFlag()
		r.flag(f.sev, where, f.reason, f.fix)
	}
	if !aud {
		r.flag(Dangerous, where,
			"no condition on aud: tokens minted for any other service are admitted",
			fmt.Sprintf("add \"StringEquals\": {\"%s:aud\": \"sts.amazonaws.com\"}", host))
	}
}

func stringsJoin(s []string) string {
	out := ""
	for _, v := range s {
		out += v
	}
	return out
}

// subExample is a sub value in the layout of the issuer's CI.
func subExample(host string) string {
	switch {
	case host == "agent.buildkite.com":
		return "organization:ORG:pipeline:PIPELINE:ref:refs/heads/main:*"
	case strings.HasPrefix(host, "oidc.circleci.com/org/"):
		return "org/" + strings.TrimPrefix(host, "oidc.circleci.com/org/") + "/project/PROJECT_ID/user/*"
	case strings.Contains(host, "gitlab"):
		return "project_path:GROUP/PROJECT:ref_type:branch:ref:main"
	}
	return "repo:OWNER/REPO:ref:refs/heads/main"
}

// iamOIDCKeys are the claims IAM documents as condition keys for an OIDC
// provider; GitHub's guide for AWS says custom claims are not supported.
var iamOIDCKeys = map[string]bool{"aud": true, "sub": true, "amr": true, "azp": true, "oaud": true, "email": true}

// undocumentedKeys warns about conditions on claims IAM may not put in
// the request: a positive test on them never matches (refusing every
// run) and a negated one always does, so a Deny built on them never applies.
func undocumentedKeys(r *report, s statement) {
	for _, c := range s.conditions {
		lower := strings.ToLower(c.key)
		if strings.HasPrefix(lower, "aws:") || strings.HasPrefix(lower, "sts:") || !strings.Contains(c.key, ":") {
			continue
		}
		claim := claimName(c.key)
		if iamOIDCKeys[claim] {
			continue
		}
		effect := "a positive test on it never matches and a negated one always does"
		if s.effect == "Deny" {
			effect = "this Deny would then never apply"
		}
		r.flag(Wide, s.where(),
			fmt.Sprintf("IAM documents only aud, sub, amr, azp, oaud and email as OIDC condition keys; if %s is not in the request, %s (this evaluation assumes it is)", c.key, effect),
			"test the claim through sub instead (GitHub: a custom OIDC subject template can put repository, environment or job_workflow_ref in sub)")
	}
}
