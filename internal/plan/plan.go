// Package plan turns the step's raw inputs into a validated, typed plan of
// what to fetch. It does no I/O: every input is checked here, before the
// first network call.
package plan

import (
	"time"

	"github.com/federate-action/federate/internal/inputs"
	"github.com/federate-action/federate/internal/secret"
)

// Plan is everything one run will do.
type Plan struct {
	Token   TokenPlan
	AWS     *AWSPlan   // nil when no role is to be assumed
	Vault   *VaultPlan // nil when vault-url is not set
	Timeout time.Duration
	Proxy   Proxy // for every request: token service, STS, Vault
	// Files is the step's directory of files, which AWS and Vault share;
	// never nil after Build (Needed tells whether files are written). AWS
	// and Vault point at it only when files are written.
	Files *FilesPlan
}

// TokenPlan says where ID tokens come from: the runner's token service, a
// file (web-identity-token-file, id-token-file), an environment variable
// (id-token-env, CircleCI's) or a command (Buildkite's agent).
type TokenPlan struct {
	// Platform is where the token comes from: github, gitlab, circleci,
	// buildkite, file or env.
	Platform     string
	RequestURL   string
	RequestToken secret.String
	File         string // absolute, clean path; set instead of RequestURL
	FileRoot     string // the directory File lies in: the workspace or RUNNER_TEMP; "" checks File alone
	FileInput    string // the input that named File, for errors
	EnvName      string // the variable that holds the token
	EnvInput     string // the input that named EnvName; "" when detected
	Command      string // absolute path of the program that prints a token
	CommandArgs  []string
}

// Defaults that follow configure-aws-credentials, so migrating changes
// nothing a user did not write down.
const (
	defaultSessionName   = "GitHubActions"
	defaultDuration      = 3600 // seconds; STS's own default
	defaultMaxAttempts   = 12
	defaultTimeoutS      = 300 // a credential step still running after 5 minutes is stuck
	defaultAudience      = "sts.amazonaws.com"
	defaultAudienceChina = "sts.amazonaws.com.cn"
)

// Build reads and validates every input. The first invalid input is
// returned as an *inputs.Error.
func Build(r *inputs.Reader) (Plan, error) {
	var p Plan
	timeout, err := r.Int("action-timeout-s", defaultTimeoutS, 1, 3600)
	if err != nil {
		return p, err
	}
	p.Timeout = time.Duration(timeout) * time.Second

	if p.Proxy, err = buildProxy(r); err != nil {
		return p, err
	}
	if p.AWS, err = buildAWS(r); err != nil {
		return p, err
	}
	if p.Vault, err = buildVault(r); err != nil {
		return p, err
	}
	if p.AWS == nil && p.Vault == nil {
		return p, &inputs.Error{Input: "role-to-assume",
			Hint: "federate has nothing to do: set role-to-assume (and aws-region) or aws-profiles for AWS credentials, or vault-url and vault-secrets for Vault secrets"}
	}
	if err := checkNames(p); err != nil {
		return p, err
	}
	if err := buildFiles(r, &p); err != nil {
		return p, err
	}
	if (p.AWS != nil && p.AWS.needsIDToken()) || (p.Vault != nil && p.Vault.Method == "jwt") {
		if p.Token, err = buildToken(r); err != nil {
			return p, err
		}
	}
	if err := checkFileCommands(r); err != nil {
		return p, err
	}
	return p, nil
}

// EnvError is a problem with the step's environment rather than with one
// input, such as a job without the id-token permission.
type EnvError struct {
	Heading string
	Message string
}

func (e *EnvError) Error() string { return e.Message }

// Title is the annotation title.
func (e *EnvError) Title() string { return e.Heading }

// errNoPermission is the most common mistake of all: the job cannot ask for
// an ID token. Say exactly what to add.
var errNoPermission = &EnvError{
	Heading: "Missing id-token permission",
	Message: "the runner gave this step no ID token service (ACTIONS_ID_TOKEN_REQUEST_URL and " +
		"ACTIONS_ID_TOKEN_REQUEST_TOKEN are not set). Add to the job (or workflow):\n" +
		"permissions:\n  id-token: write\n  contents: read\n" +
		"Pull requests from forks never get an ID token; run such jobs on pull_request_target " +
		"only with care, or skip this step for forks.",
}

// checkFileCommands fails early when the runner's file commands are not
// set: without them no credential could be handed on, so fetching one
// would be wasted (and would leave a live credential behind).
func checkFileCommands(r *inputs.Reader) error {
	if r.Env("GITHUB_ENV") != "" && r.Env("GITHUB_OUTPUT") != "" {
		return nil
	}
	return &EnvError{
		Heading: "Not running in GitHub Actions",
		Message: "GITHUB_ENV and GITHUB_OUTPUT must name files: run the action in a workflow, " +
			"or set both to writable files for a local run",
	}
}
