package plan

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/federate-action/federate/internal/export"
	"github.com/federate-action/federate/internal/inputs"
	"github.com/federate-action/federate/internal/secret"
)

// Token platforms and sources, as TokenPlan.Platform names them.
const (
	PlatformGitHub    = "github"
	PlatformGitLab    = "gitlab"
	PlatformCircleCI  = "circleci"
	PlatformBuildkite = "buildkite"
	PlatformFile      = "file"
	PlatformEnv       = "env"
)

// tokenInputs name a token source; at most one may be set.
var tokenInputs = []string{"id-token-env", "id-token-file", "web-identity-token-file"}

// commandLineTokenInputs are the token sources only the federate command
// line offers. action.yml does not declare them, yet the runner passes any
// with: key to the step; id-token-file would there escape the workspace
// and RUNNER_TEMP rule web-identity-token-file keeps.
var commandLineTokenInputs = []string{"id-token-env", "id-token-file"}

// buildToken takes the source the inputs name, else the one the
// platform's documented environment offers: GitHub's token service first
// (as before any other platform was known), then CircleCI, Buildkite and
// GitLab. Every error comes before any request and names the fix.
func buildToken(r *inputs.Reader) (TokenPlan, error) {
	if !r.CommandLine() {
		for _, in := range commandLineTokenInputs {
			if r.String(in) != "" {
				// The value is not shown: it may be the token itself.
				return TokenPlan{}, &inputs.Error{Input: in, Secret: true,
					Hint: "this input exists only in the federate CLI (federate exec, federate env); in a workflow step, use web-identity-token-file or the runner's own token (permissions: id-token: write)"}
			}
		}
	}
	var named []string
	for _, in := range tokenInputs {
		if r.String(in) != "" {
			named = append(named, in)
		}
	}
	if len(named) > 1 {
		return TokenPlan{}, &inputs.Error{Input: named[0], Value: r.String(named[0]),
			Hint: "give one token source only; " + strings.Join(named, " and ") + " are both set"}
	}
	if name := r.String("id-token-env"); name != "" {
		if !export.ValidEnvName(name) {
			// The value is not shown: it may be the token itself.
			return TokenPlan{}, &inputs.Error{Input: "id-token-env",
				Hint: "give the name of the environment variable that holds the token (letters, digits and _), not the token itself"}
		}
		platform := PlatformEnv
		if r.Env("GITLAB_CI") == "true" {
			platform = PlatformGitLab // GitLab's id_tokens: variable
		}
		return TokenPlan{Platform: platform, EnvName: name, EnvInput: "id-token-env"}, nil
	}
	if file := r.String("id-token-file"); file != "" {
		path, err := filepath.Abs(file)
		if err != nil {
			return TokenPlan{}, &inputs.Error{Input: "id-token-file", Value: file, Hint: "give an absolute path"}
		}
		return TokenPlan{Platform: PlatformFile, File: path, FileInput: "id-token-file"}, nil
	}
	if file := r.String("web-identity-token-file"); file != "" {
		path, root, err := tokenFile(file, r.Env("GITHUB_WORKSPACE"), r.Env("RUNNER_TEMP"))
		if err != nil {
			return TokenPlan{}, err
		}
		return TokenPlan{Platform: PlatformFile, File: path, FileRoot: root}, nil
	}
	return detectToken(r)
}

// detectToken finds the platform's token from its documented environment.
func detectToken(r *inputs.Reader) (TokenPlan, error) {
	url, token := r.Env("ACTIONS_ID_TOKEN_REQUEST_URL"), r.Env("ACTIONS_ID_TOKEN_REQUEST_TOKEN")
	switch {
	case url != "" && token != "":
		return TokenPlan{Platform: PlatformGitHub, RequestURL: url, RequestToken: secret.New(token)}, nil
	case url != "" || token != "" || r.Env("GITHUB_ACTIONS") == "true":
		return TokenPlan{}, errNoPermission
	case r.Env("CIRCLECI") == "true":
		for _, name := range []string{"CIRCLE_OIDC_TOKEN_V2", "CIRCLE_OIDC_TOKEN"} {
			if r.Env(name) != "" {
				return TokenPlan{Platform: PlatformCircleCI, EnvName: name}, nil
			}
		}
		return TokenPlan{}, errCircleCINoToken
	case r.Env("BUILDKITE") == "true":
		path := lookPath("buildkite-agent", r.Env("PATH"))
		if path == "" {
			return TokenPlan{}, errBuildkiteNoAgent
		}
		return TokenPlan{Platform: PlatformBuildkite, Command: path, CommandArgs: []string{"oidc", "request-token"}}, nil
	case r.Env("GITLAB_CI") == "true":
		return TokenPlan{}, errGitLabNoEnv
	}
	return TokenPlan{}, errNoPermission
}

var errCircleCINoToken = &EnvError{
	Heading: "No CircleCI ID token",
	Message: "CIRCLECI is true but neither CIRCLE_OIDC_TOKEN_V2 nor CIRCLE_OIDC_TOKEN is set. CircleCI " +
		"injects them into jobs of projects that can use OIDC (see CircleCI's \"Using OpenID Connect tokens in jobs\"); " +
		"or name a variable that holds a token with --id-token-env NAME, or a file with --id-token-file PATH.",
}

var errBuildkiteNoAgent = &EnvError{
	Heading: "No buildkite-agent",
	Message: "BUILDKITE is true but no buildkite-agent is on PATH to request an ID token " +
		"(buildkite-agent oidc request-token --audience AUD): run the step on the agent's host or put the agent " +
		"on PATH; or name a variable that holds a token with --id-token-env NAME, or a file with --id-token-file PATH.",
}

var errGitLabNoEnv = &EnvError{
	Heading: "Name GitLab's ID token variable",
	Message: "GITLAB_CI is true, but GitLab puts the ID token in the variable the job names under id_tokens:, " +
		"so say which with --id-token-env NAME. For example, in .gitlab-ci.yml:\n" +
		"  job:\n    id_tokens:\n      AWS_ID_TOKEN:\n        aud: sts.amazonaws.com\n" +
		"    script:\n      - federate exec --id-token-env AWS_ID_TOKEN --role-to-assume ARN --aws-region REGION -- CMD\n" +
		"The aud must be the audience the role's trust policy (or the Vault role's bound_audiences) expects.",
}

// lookPath finds an executable named file in the directories of pathEnv,
// as the shell would; "" when there is none.
func lookPath(file, pathEnv string) string {
	for _, dir := range filepath.SplitList(pathEnv) {
		if dir == "" || !filepath.IsAbs(dir) {
			continue // a relative PATH entry would run whatever the work tree holds
		}
		path := filepath.Join(dir, file)
		if info, err := os.Stat(path); err == nil && info.Mode().IsRegular() && info.Mode().Perm()&0o111 != 0 {
			return path
		}
	}
	return ""
}
