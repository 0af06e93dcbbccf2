package idtoken

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"

	"github.com/federate-action/federate/internal/secret"
)

// Claims are the token's non-secret claims that trust policies and Vault
// roles match on. They are shown when a provider refuses the token, so the
// user can compare them with the condition that did not match.
type Claims struct {
	Issuer          string   `json:"iss"`
	Audience        Audience `json:"aud"`
	Subject         string   `json:"sub"`
	Repository      string   `json:"repository"`
	RepositoryOwner string   `json:"repository_owner"`
	Ref             string   `json:"ref"`
	JobWorkflowRef  string   `json:"job_workflow_ref"`
	Environment     string   `json:"environment"`
	EventName       string   `json:"event_name"`
	Expiry          int64    `json:"exp"`

	// GitLab CI.
	NamespacePath  string `json:"namespace_path"`
	ProjectPath    string `json:"project_path"`
	RefType        string `json:"ref_type"`
	RefProtected   string `json:"ref_protected"`
	PipelineSource string `json:"pipeline_source"`

	// CircleCI.
	CircleProjectID string   `json:"oidc.circleci.com/project-id"`
	CircleVCSOrigin string   `json:"oidc.circleci.com/vcs-origin"`
	CircleVCSRef    string   `json:"oidc.circleci.com/vcs-ref"`
	CircleContexts  []string `json:"oidc.circleci.com/context-ids"`

	// Buildkite.
	OrganizationSlug string `json:"organization_slug"`
	PipelineSlug     string `json:"pipeline_slug"`
	BuildBranch      string `json:"build_branch"`
	BuildCommit      string `json:"build_commit"`
	StepKey          string `json:"step_key"`
}

// Audience is the aud claim: one string or a list, per RFC 7519.
type Audience []string

// UnmarshalJSON accepts both forms.
func (a *Audience) UnmarshalJSON(b []byte) error {
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*a = Audience{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return errors.New("aud is neither a string nor a list of strings")
	}
	*a = many
	return nil
}

// String joins the audiences with commas.
func (a Audience) String() string { return strings.Join(a, ",") }

// ParseClaims decodes the token's payload without verifying it: the
// provider did the verifying; we only explain its answer.
func ParseClaims(token secret.String) (Claims, error) {
	parts := strings.Split(token.Reveal(), ".")
	if len(parts) != 3 {
		return Claims{}, errors.New("the ID token is not a JWT")
	}
	payload, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return Claims{}, errors.New("the ID token's payload is not base64url")
	}
	var c Claims
	if err := json.Unmarshal(payload, &c); err != nil {
		return Claims{}, errors.New("the ID token's payload is not a JSON object of claims")
	}
	return c, nil
}

// Describe lists the claims that trust policies and Vault roles match on,
// one "  name: value" line each, skipping empty ones: the common ones, then
// those of the platform that issued the token (all of them for an issuer
// that is none of the known ones). A GitHub token's list is as it always was.
func (c Claims) Describe() string {
	lines := [][2]string{
		{"iss", c.Issuer}, {"aud", c.Audience.String()}, {"sub", c.Subject},
		{"repository", c.Repository}, {"ref", c.Ref}, {"job_workflow_ref", c.JobWorkflowRef},
		{"environment", c.Environment},
	}
	gitlab := [][2]string{
		{"namespace_path", c.NamespacePath}, {"project_path", c.ProjectPath},
		{"ref_type", c.RefType}, {"ref_protected", c.RefProtected}, {"pipeline_source", c.PipelineSource},
	}
	circleci := [][2]string{
		{"oidc.circleci.com/project-id", c.CircleProjectID}, {"oidc.circleci.com/vcs-origin", c.CircleVCSOrigin},
		{"oidc.circleci.com/vcs-ref", c.CircleVCSRef}, {"oidc.circleci.com/context-ids", strings.Join(c.CircleContexts, ",")},
	}
	buildkite := [][2]string{
		{"organization_slug", c.OrganizationSlug}, {"pipeline_slug", c.PipelineSlug},
		{"build_branch", c.BuildBranch}, {"build_commit", c.BuildCommit}, {"step_key", c.StepKey},
	}
	switch c.Platform() {
	case GitLab:
		lines = append(lines, gitlab...)
	case CircleCI:
		lines = append(lines, circleci...)
	case Buildkite:
		lines = append(lines, buildkite...)
	case "":
		lines = append(append(append(lines, gitlab...), circleci...), buildkite...)
	}
	var b strings.Builder
	for _, kv := range lines {
		if kv[1] != "" {
			b.WriteString("  " + kv[0] + ": " + kv[1] + "\n")
		}
	}
	return b.String()
}
