package idtoken

import (
	"strings"
)

// Platforms that issue ID tokens, as Claims.Platform names them.
const (
	GitHub    = "github"
	GitLab    = "gitlab"
	CircleCI  = "circleci"
	Buildkite = "buildkite"
)

// Platform says which CI issued the token, from its issuer and the claims
// only that CI sets; "" when it is none of those known. A self-managed
// GitLab has its own issuer, so GitLab is known by its project_path claim.
func (c Claims) Platform() string {
	host := c.IssuerHost()
	switch {
	case host == "token.actions.githubusercontent.com" || strings.HasPrefix(host, "token.actions.githubusercontent.com/") || c.JobWorkflowRef != "":
		return GitHub
	case strings.HasPrefix(host, "oidc.circleci.com/"):
		return CircleCI
	case host == "agent.buildkite.com" || c.OrganizationSlug != "" && c.PipelineSlug != "":
		return Buildkite
	case c.ProjectPath != "":
		return GitLab
	}
	return ""
}

// IssuerHost is the issuer without its scheme: the OIDC provider's name in
// IAM, and the prefix of its condition keys (host/path:sub).
func (c Claims) IssuerHost() string {
	return strings.TrimPrefix(strings.TrimPrefix(c.Issuer, "https://"), "http://")
}

// SubjectCondition is the sub condition a trust policy or Vault role
// should hold to admit this run and runs like it, in the platform's own sub
// format: the operator ("StringEquals" or "StringLike") and the value.
// GitHub's and GitLab's sub name the repository and the ref, so the exact
// value fits. Buildkite's ends with the commit and the step, and
// CircleCI's with the user (and, in V2, the commit's origin and ref), so
// the exact value would admit this one run only: the pattern keeps the
// organization, pipeline or project, and ref, and lets the rest vary.
func (c Claims) SubjectCondition() (op, value string) {
	switch c.Platform() {
	case Buildkite:
		if i := strings.Index(c.Subject, ":commit:"); i > 0 {
			return "StringLike", c.Subject[:i] + ":commit:*:step:*"
		}
	case CircleCI:
		if i := strings.Index(c.Subject, "/user/"); i > 0 {
			return "StringLike", c.Subject[:i] + "/user/*"
		}
	}
	return "StringEquals", c.Subject
}

// AudienceHint says how to get a token for audience on this platform, for
// a token minted for another one.
func (c Claims) AudienceHint(audience string) string {
	switch c.Platform() {
	case GitLab:
		return "GitLab mints the token for the aud the job names: set it under id_tokens: (e.g. ID_TOKEN: {aud: " + audience + "}), or set the audience federate asks for to " + c.Audience.String()
	case CircleCI:
		return "CircleCI mints $CIRCLE_OIDC_TOKEN for the organization ID: add " + c.Audience.String() + " to the provider's audiences and the condition, or set the audience federate asks for to it"
	}
	return "set the audience federate asks for to " + c.Audience.String() + ", or give a token minted for " + audience
}

// HasAudience reports whether aud lists audience.
func (c Claims) HasAudience(audience string) bool {
	for _, a := range c.Audience {
		if a == audience {
			return true
		}
	}
	return false
}
