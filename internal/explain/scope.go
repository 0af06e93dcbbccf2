package explain

import (
	"fmt"
	"strings"
)

// scopingClaims name one repository or project: a condition on one of
// them keeps other customers of the same CI out. Owner-level claims
// (repository_owner, namespace_path) narrow to one account, which is
// enough to keep strangers out.
var scopingClaims = map[string]bool{
	"sub": true, "repository": true, "repository_id": true, "repository_owner": true,
	"repository_owner_id": true, "job_workflow_ref": true, "project_path": true,
	"project_id": true, "namespace_path": true, "namespace_id": true,
	"pipeline_slug": true, "organization_slug": true, "organization_id": true,
	"oidc.circleci.com/project-id": true,
}

// ownerClaims narrow to one account or group only, not one repository.
var ownerClaims = map[string]bool{
	"repository_owner": true, "repository_owner_id": true, "namespace_path": true,
	"namespace_id": true, "organization_slug": true, "organization_id": true,
}

// scope tallies the positive bounds of a policy or role: do they keep
// strangers out (scoped), and do they name one repository (repo)?
type scope struct {
	scoped, repo, pipeline, org bool
}

// add counts a positive bound on claim. Buildkite's pipeline_slug is
// unique only inside one organization, and every organization shares the
// issuer agent.buildkite.com: it scopes only with the organization bound.
func (s *scope) add(claim string) {
	switch claim {
	case "pipeline_slug":
		s.pipeline = true
		return
	case "organization_slug", "organization_id":
		s.org = true
	}
	if scopingClaims[claim] {
		s.scoped = true
		s.repo = s.repo || !ownerClaims[claim]
	}
}

// result says whether the bounds scope the policy at all and to one
// repository or pipeline.
func (s scope) result() (scoped, repo bool) {
	if s.pipeline && s.org {
		return true, true
	}
	return s.scoped, s.repo
}

// pipelineOnlyFlag is the finding for a pipeline_slug bound without the
// organization's.
func pipelineOnlyFlag() patternFlag {
	return patternFlag{Dangerous,
		"pipeline_slug is bound without organization_slug: a pipeline of that name in any Buildkite organization is admitted (slugs are unique only inside one organization, and all share the issuer agent.buildkite.com)",
		"also bind organization_slug (or organization_id) to your organization, or bind sub to organization:ORG:pipeline:PIPELINE:..."}
}

// ownerOnlyFlag is the warning for a policy scoped by owner claims alone.
func ownerOnlyFlag() patternFlag {
	return patternFlag{Wide,
		"only an owner-level claim (repository_owner, namespace_path, organization_slug) is checked: every repository or pipeline of that owner is admitted",
		"add a condition on sub or on the repository (project, pipeline) claim"}
}

// ownerSeparators: for each sub layout, the prefix and the character that
// ends the owner part. A wildcard before it admits other owners.
var ownerSeparators = []struct{ prefix, end string }{
	{"repo:", "/"},         // GitHub
	{"project_path:", "/"}, // GitLab
	{"organization:", ":"}, // Buildkite
	{"org/", "/"},          // CircleCI (the org is in the issuer too)
	{"", "/"},              // repository and project_path claims: OWNER/NAME
}

// patternFlag is a finding about one glob pattern on one claim.
type patternFlag struct {
	sev         Severity
	reason, fix string
}

// globFlags judges a wildcard pattern on a claim, whatever the claims of
// this run: does it admit other owners, every repository of an owner,
// every pull request, or every audience?
func globFlags(claim, pattern string, question bool) []patternFlag {
	if !hasWildcard(pattern, question) {
		return nil
	}
	wild := strings.IndexAny(pattern, wildChars(question))
	switch claim {
	case "aud":
		return []patternFlag{{Dangerous,
			fmt.Sprintf("the audience pattern %q admits tokens minted for other services", pattern),
			"match aud exactly (StringEquals, or a literal bound audience), e.g. sts.amazonaws.com"}}
	case "sub", "repository", "project_path", "job_workflow_ref":
	default:
		if wild == 0 && scopingClaims[claim] {
			return []patternFlag{{Dangerous, fmt.Sprintf("%s pattern %q admits any value", claim, pattern),
				"name the one repository or project, without leading wildcard"}}
		}
		return nil
	}
	if strings.Trim(pattern, wildChars(question)) == "" || wild == 0 {
		return []patternFlag{{Dangerous,
			fmt.Sprintf("%s pattern %q admits every run of every customer of this CI", claim, pattern),
			"name your repository, e.g. repo:OWNER/REPO:ref:refs/heads/main"}}
	}
	for _, s := range ownerSeparators {
		if (s.prefix == "") != (claim != "sub") || !strings.HasPrefix(pattern, s.prefix) {
			continue
		}
		rest := pattern[len(s.prefix):]
		end := strings.Index(rest, s.end)
		w := strings.IndexAny(rest, wildChars(question))
		if end < 0 || w < end {
			return []patternFlag{{Dangerous,
				fmt.Sprintf("%s pattern %q admits other owners (%q also matches %q)", claim, pattern, pattern, example(s.prefix, rest, w)),
				fmt.Sprintf("end the owner with %q before any wildcard, e.g. %sOWNER%sREPO...", s.end, s.prefix, s.end)}}
		}
		return nameFlags(claim, pattern, s.prefix, rest[end+1:], question)
	}
	return nil
}

// nameFlags judges the part after the owner: a wildcard for the
// repository name, or for the event/ref part of a GitHub sub.
func nameFlags(claim, pattern, prefix, rest string, question bool) []patternFlag {
	wc := wildChars(question)
	// The name ends at the first ":" (a GitHub sub's event part) or "/"
	// (a job_workflow_ref's path).
	name, tail, hasTail := rest, "", false
	if i := strings.IndexAny(rest, ":/"); i >= 0 {
		name, tail, hasTail = rest[:i], rest[i+1:], rest[i] == ':'
	}
	if strings.ContainsAny(name, wc) {
		return []patternFlag{{Wide,
			fmt.Sprintf("%s pattern %q admits every repository of the owner (on a public organization, every repository anyone there creates)", claim, pattern),
			"list the repositories that need this role"}}
	}
	repo := strings.TrimSuffix(pattern, rest) + name // e.g. repo:OWNER/REPO
	if prefix == "repo:" && hasTail && (strings.Trim(tail, wc) == "" || strings.IndexAny(tail, wc) == 0) {
		return []patternFlag{{Dangerous,
			fmt.Sprintf("%s pattern %q admits every branch, environment and pull_request run, so code not yet reviewed can assume the role", claim, pattern),
			fmt.Sprintf("name the ref or environment, e.g. %s:ref:refs/heads/main or %s:environment:production", repo, repo)}}
	}
	return nil
}

// pullRequestFlag flags a sub that admits every pull request's run: one
// matching the subject GitHub gives a pull_request run of the repository
// (or, when the repository part is a wildcard, of any repository) the
// pattern names. wild says whether * (and, with question, ?) are
// wildcards; otherwise the pattern is compared literally.
func pullRequestFlag(claim, pattern string, wild, question bool) []patternFlag {
	if claim != "sub" || !strings.HasPrefix(pattern, "repo:") {
		return nil
	}
	for _, sample := range pullRequestSamples(pattern, wild, question) {
		if sample == pattern || wild && Glob(pattern, sample, question) {
			return []patternFlag{{Dangerous,
				fmt.Sprintf("sub %q admits every pull request's run: code not yet reviewed can assume the role", pattern),
				"give pull requests a role with read-only rights, or require an environment (repo:OWNER/REPO:environment:NAME) with reviewers"}}
		}
	}
	return nil
}

// pullRequestSamples are pull_request subjects built from the pattern's
// owner and repository parts, each wildcard filled in two ways.
func pullRequestSamples(pattern string, wild, question bool) []string {
	rest := strings.TrimPrefix(pattern, "repo:")
	if i := strings.Index(rest, ":"); i >= 0 {
		rest = rest[:i]
	}
	if !wild {
		return []string{"repo:" + rest + ":pull_request"}
	}
	fill := func(with string) string {
		r := strings.ReplaceAll(rest, "*", with)
		if question {
			r = strings.ReplaceAll(r, "?", "x")
		}
		return "repo:" + r + ":pull_request"
	}
	return []string{fill("x"), fill("")}
}

// withPullRequestFlag adds the pull request finding to flags unless they
// already call the pattern dangerous (e.g. every ref of the repository).
func withPullRequestFlag(flags []patternFlag, claim, pattern string, wild, question bool) []patternFlag {
	for _, f := range flags {
		if f.sev == Dangerous {
			return flags
		}
	}
	return append(flags, pullRequestFlag(claim, pattern, wild, question)...)
}

func wildChars(question bool) string {
	if question {
		return "*?"
	}
	return "*"
}

// example shows a value from another owner that the pattern admits.
func example(prefix, rest string, wild int) string {
	if wild < 0 {
		wild = len(rest)
	}
	return prefix + rest[:wild] + "-other/repo"
}
