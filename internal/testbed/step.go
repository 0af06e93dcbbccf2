package testbed

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"sort"
	"strings"
	"time"

	"github.com/federate-action/federate/internal/runner/runnertest"
)

// minimalPath is the PATH of a stock Linux container image.
const minimalPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

// Step runs the binary the way the GitHub runner runs a container action's
// step: a clean environment, inputs as INPUT_* variables, fresh empty
// file-command files, and the files parsed back afterwards as the runner would.
type Step struct {
	Binary string
	Args   []string          // arguments to Binary; the runner passes none, a wrapper such as /usr/bin/time needs some
	Inputs map[string]string // passed as INPUT_<NAME upper-cased, spaces->'_', HYPHENS KEPT>, e.g. role-to-assume -> INPUT_ROLE-TO-ASSUME
	Env    map[string]string // extra env (ACTIONS_ID_TOKEN_REQUEST_URL etc.); wins over everything else
	Dir    string            // holds file_commands/, workspace/ (working dir), home/ (HOME), runner_temp/; "" = a temp dir removed after Run

	// Image, if set, runs the step in this container image with Podman
	// instead of running Binary, the way the runner runs a container
	// action; Entrypoint overrides the image's (a post step's).
	Image      string
	Podman     *Podman
	Entrypoint string

	// Under, if set, runs the whole step command (podman run, or Binary)
	// under this command line, e.g. strace -f -o FILE: a test watches what
	// the step does without changing the image or the binary.
	Under []string
}

// Result is what the step did, as the runner would see it.
type Result struct {
	ExitCode       int
	Stdout, Stderr string
	Env, Outputs   []runnertest.Entry // GITHUB_ENV and GITHUB_OUTPUT parsed with runnertest.ParseFile; Env is unfiltered (see runnertest.FilterEnv)
	State          []runnertest.Entry // GITHUB_STATE, what a post step would get as STATE_*
	EnvRaw         string
	OutputRaw      string
	Summary        string // GITHUB_STEP_SUMMARY as written
	Wall           time.Duration
}

// Run executes the step. A non-zero exit is not an error (see ExitCode); an
// error means the step could not run, ctx ended it, or its file commands do not
// parse (the runner would fail the step) — Result is filled as far as possible.
func (s Step) Run(ctx context.Context) (Result, error) {
	switch {
	case s.Binary == "" && s.Image == "":
		return Result{}, errors.New("step: Binary and Image are empty")
	case s.Image != "" && (s.Podman == nil || len(s.Args) > 0):
		return Result{}, fmt.Errorf("step %s: an image runs with Podman set and no Args", s.Image)
	}
	dir := s.Dir
	if dir == "" {
		tmp, err := os.MkdirTemp("", "testbed-step-*")
		if err != nil {
			return Result{}, fmt.Errorf("step: %w", err)
		}
		defer os.RemoveAll(tmp)
		dir = tmp
	}
	l, err := newLayout(dir)
	if err != nil {
		return Result{}, err
	}

	var stdout, stderr bytes.Buffer
	var cmd *exec.Cmd
	if s.Image != "" {
		cmd = s.Podman.runCommand(ctx, s.Image, l, s.environ(l.mounted()), s.Entrypoint)
	} else {
		cmd = exec.CommandContext(ctx, s.Binary, s.Args...)
		cmd.Env = s.environ(l)
	}
	if len(s.Under) > 0 {
		watched := cmd
		args := append(append([]string{}, s.Under[1:]...), watched.Path)
		cmd = exec.CommandContext(ctx, s.Under[0], append(args, watched.Args[1:]...)...)
		cmd.Env = watched.Env
	}
	cmd.Dir = l.workspace
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.WaitDelay = 5 * time.Second
	setProcessGroup(cmd)
	cmd.Cancel = func() error { return killProcessGroup(cmd) }

	start := time.Now()
	runErr := cmd.Run()
	res := Result{Wall: time.Since(start), Stdout: stdout.String(), Stderr: stderr.String()}
	var exitErr *exec.ExitError
	switch {
	case ctx.Err() != nil:
		return res, fmt.Errorf("step %s: %w (%v)", s.name(), ctx.Err(), runErr)
	case errors.As(runErr, &exitErr):
		res.ExitCode = exitErr.ExitCode()
	case runErr != nil:
		return res, fmt.Errorf("step %s: %w", s.name(), runErr)
	}
	return res, res.readFileCommands(l)
}

// name is what runs: the image, or else the binary.
func (s Step) name() string {
	if s.Image != "" {
		return s.Image
	}
	return s.Binary
}

// environ builds the step's environment: the runner's variables, then the
// inputs, then s.Env, later ones winning. It is sorted for stable output.
func (s Step) environ(l layout) []string {
	env := map[string]string{
		"PATH":                minimalPath,
		"CI":                  "true",
		"GITHUB_ACTIONS":      "true",
		"GITHUB_REPOSITORY":   "octo-org/octo-repo",
		"GITHUB_ENV":          l.env,
		"GITHUB_OUTPUT":       l.output,
		"GITHUB_STATE":        l.state,
		"GITHUB_STEP_SUMMARY": l.summary,
		"GITHUB_PATH":         l.path,
		"GITHUB_WORKSPACE":    l.workspace,
		"HOME":                l.home,
		"RUNNER_TEMP":         l.runnerTemp,
	}
	for name, v := range s.Inputs {
		env[InputEnvName(name)] = v
	}
	for k, v := range s.Env {
		env[k] = v
	}
	out := make([]string, 0, len(env))
	for k, v := range env {
		out = append(out, k+"="+v)
	}
	sort.Strings(out)
	return out
}

// InputEnvName is the variable an input reaches the action as, per the
// runner's Handler.AddInputsToEnvironment:
// $"INPUT_{pair.Key?.Replace(' ', '_').ToUpperInvariant()}" — hyphens are kept.
func InputEnvName(input string) string {
	return "INPUT_" + strings.ToUpper(strings.ReplaceAll(input, " ", "_"))
}

// readFileCommands fills the file-command fields of r from l's files.
func (r *Result) readFileCommands(l layout) error {
	var errs []error
	read := func(path string, raw *string) {
		text, err := readOptional(path)
		*raw = text
		errs = append(errs, err)
	}
	parse := func(name, path string, entries *[]runnertest.Entry) {
		e, err := runnertest.ParseFile(path)
		*entries = e
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", name, err))
		}
	}
	read(l.env, &r.EnvRaw)
	read(l.output, &r.OutputRaw)
	read(l.summary, &r.Summary)
	parse("GITHUB_ENV", l.env, &r.Env)
	parse("GITHUB_OUTPUT", l.output, &r.Outputs)
	parse("GITHUB_STATE", l.state, &r.State)
	return errors.Join(errs...)
}
