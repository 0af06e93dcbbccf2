package idtokentest

import (
	"time"
)

// Platforms Config.Platform accepts besides GitHub ("" or "github").
const (
	GitLab     = "gitlab"
	CircleCI   = "circleci"    // $CIRCLE_OIDC_TOKEN
	CircleCIV2 = "circleci-v2" // $CIRCLE_OIDC_TOKEN_V2
	Buildkite  = "buildkite"
)

// Fixed identities of the other platforms' simulated jobs, in each
// platform's documented shape: GitLab's IDs are JSON strings, CircleCI's
// are UUIDs, Buildkite's slugs are lower-case.
const (
	CircleOrgID     = "b9a2d5f7-3c1e-4f60-8a2b-6d4c9e1f0a37"
	CircleProjectID = "4e8c1a29-7b3d-4c5e-9f60-1a2b3c4d5e6f"
	CircleUserID    = "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0"
	CircleContextID = "a74579f1-2e7d-451e-b009-5c082ad2729e"
	BuildkiteOrg    = "acme-inc"
	BuildkitePipe   = "deploy-app"
	BuildkiteStep   = "deploy"
)

// issuerPath is the path under the server's URL of the platform's issuer:
// CircleCI's issuer is per organization (https://oidc.circleci.com/org/ID).
func (s *Server) issuerPath() string {
	if s.platform == CircleCI || s.platform == CircleCIV2 {
		return "/org/" + CircleOrgID
	}
	return ""
}

// Mint issues a token for aud as the configured platform would, with the
// override claims applied: what GitLab puts in the id_tokens: variable,
// CircleCI in $CIRCLE_OIDC_TOKEN(_V2), buildkite-agent prints. aud ""
// takes the platform's default (CircleCI's is the organization ID).
func (s *Server) Mint(aud string) (string, error) {
	return s.issue(aud)
}

// platformClaims is the claim set of the configured platform's token.
func (s *Server) platformClaims(aud string, now time.Time) (map[string]any, error) {
	jti, err := newJTI()
	if err != nil {
		return nil, err
	}
	base := map[string]any{
		"iss": s.Issuer,
		"aud": aud,
		"iat": now.Unix(),
		"exp": now.Add(s.lifetime).Unix(),
	}
	add := func(m map[string]any) map[string]any {
		for k, v := range m {
			base[k] = v
		}
		return base
	}
	project := s.owner + "/" + s.repo
	switch s.platform {
	case GitLab:
		// GitLab's ref is the branch name, without refs/heads/.
		return add(map[string]any{
			"sub":                  "project_path:" + project + ":ref_type:branch:ref:main",
			"nbf":                  now.Add(-5 * time.Second).Unix(),
			"jti":                  jti,
			"namespace_id":         "72",
			"namespace_path":       s.owner,
			"project_id":           "20",
			"project_path":         project,
			"user_id":              "5",
			"user_login":           "myuser",
			"user_access_level":    "owner",
			"pipeline_id":          "574",
			"pipeline_source":      "push",
			"job_id":               "302",
			"ref":                  "main",
			"ref_type":             "branch",
			"ref_path":             "refs/heads/main",
			"ref_protected":        "true",
			"runner_id":            "1",
			"runner_environment":   "gitlab-hosted",
			"sha":                  claimSHA,
			"project_visibility":   "private",
			"ci_config_ref_uri":    "gitlab.com/" + project + "//.gitlab-ci.yml@refs/heads/main",
			"ci_config_sha":        claimSHA,
			"namespace_visibility": "private",
		}), nil
	case CircleCI, CircleCIV2:
		if aud == "" {
			base["aud"] = CircleOrgID
		}
		sub := "org/" + CircleOrgID + "/project/" + CircleProjectID + "/user/" + CircleUserID
		extra := map[string]any{
			"oidc.circleci.com/project-id":  CircleProjectID,
			"oidc.circleci.com/context-ids": []string{CircleContextID},
		}
		if s.platform == CircleCIV2 {
			origin := "github.com/" + project
			sub += "/vcs-origin/" + origin + "/vcs-ref/refs/heads/main"
			extra["oidc.circleci.com/vcs-origin"] = origin
			extra["oidc.circleci.com/vcs-ref"] = "refs/heads/main"
		}
		extra["sub"] = sub
		return add(extra), nil
	case Buildkite:
		return add(map[string]any{
			"sub":               "organization:" + BuildkiteOrg + ":pipeline:" + BuildkitePipe + ":ref:refs/heads/main:commit:" + claimSHA + ":step:" + BuildkiteStep,
			"nbf":               now.Unix(),
			"organization_slug": BuildkiteOrg,
			"pipeline_slug":     BuildkitePipe,
			"build_number":      1,
			"build_branch":      "main",
			"build_tag":         "",
			"build_commit":      claimSHA,
			"step_key":          BuildkiteStep,
			"job_id":            "0184990a-477b-4fa8-9968-496074483cee",
			"agent_id":          "0184990a-4782-42b5-afc1-16715b10b8ff",
		}), nil
	}
	return s.defaultClaims(aud, now)
}
