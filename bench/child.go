package main

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/federate-action/federate/internal/testbed"
)

// childRun is one process run from the parent's side: its wall time from
// just before fork to exit and its CPU time (user + system) from the
// kernel's rusage, so no wrapper such as /usr/bin/time sits between the
// parent and the child being timed.
type childRun struct {
	start time.Time // just before cmd.Start
	wall  time.Duration
	cpu   time.Duration
	// rssKB is rusage's peak RSS, which on Linux is at least the bench's
	// own peak, not the child's: see peakRSSRun for the child's.
	rssKB  int64
	stdout string // workflow commands: masks, errors, the peers' retry notices
	stderr string // where inittrace, perf and valgrind write
}

// runChild runs argv the way the runner runs a step (inputs as INPUT_*,
// fresh file-command files, the runner's default variables, env last) and
// times it.
func runChild(ctx context.Context, dir string, argv []string, inputs, env map[string]string) (childRun, error) {
	step, err := os.MkdirTemp(dir, "step-*")
	if err != nil {
		return childRun{}, err
	}
	defer os.RemoveAll(step)
	vars, err := runnerVars(step)
	if err != nil {
		return childRun{}, err
	}
	for _, name := range []string{"GITHUB_ENV", "GITHUB_OUTPUT", "GITHUB_STATE", "GITHUB_STEP_SUMMARY", "GITHUB_PATH"} {
		path := filepath.Join(step, name)
		if err := os.WriteFile(path, nil, 0o600); err != nil {
			return childRun{}, err
		}
		vars[name] = path
	}
	for k, v := range inputs {
		vars[testbed.InputEnvName(k)] = v
	}
	maps.Copy(vars, env)
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	for k, v := range vars {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	cmd.Dir = step
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return childRun{}, err
	}
	err = cmd.Wait()
	wall := time.Since(start)
	if err != nil {
		return childRun{}, fmt.Errorf("%s: %w\n%s%s", argv[0], err, stdout.String(), stderr.String())
	}
	st := cmd.ProcessState
	r := childRun{start: start, wall: wall, cpu: st.UserTime() + st.SystemTime(), stdout: stdout.String(), stderr: stderr.String()}
	r.rssKB = peakRSSKB(st)
	return r, nil
}

// peakRSSRun runs argv once more, under /usr/bin/time, for its peak RSS
// alone. The rusage a parent gets for its own child will not do: Go
// starts a child with clone(CLONE_VM|CLONE_VFORK), so until exec the
// child runs in the bench's memory, and exec records that memory's peak
// RSS into the child's. A child smaller than the bench would report the
// bench's size. /usr/bin/time is small and forks its child the ordinary
// way, so what it reports is the child's own. The run's wall and CPU
// include /usr/bin/time's: they are not used.
func peakRSSRun(ctx context.Context, dir string, argv []string, inputs, env map[string]string) (int64, error) {
	f, err := os.CreateTemp(dir, "rss-*.txt")
	if err != nil {
		return 0, err
	}
	report := f.Name()
	defer os.Remove(report)
	if err := f.Close(); err != nil {
		return 0, err
	}
	// /usr/bin/time passes the environment through untouched; a shell
	// would drop the INPUT_* names, since they hold hyphens.
	if _, err := runChild(ctx, dir, append([]string{"/usr/bin/time", "-f", "%M", "-o", report}, argv...), inputs, env); err != nil {
		return 0, err
	}
	b, err := os.ReadFile(report)
	if err != nil {
		return 0, err
	}
	kb, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("/usr/bin/time -f %%M wrote %q: %w", b, err)
	}
	return kb, nil
}

// Identity of the simulated run: the same as the test token service's
// claims (a push to main in octo-org/octo-repo), so the variables and the
// token agree.
const (
	runRepository = "octo-org/octo-repo"
	runSHA        = "5e1f7c9b2d4a6e8f0a1b3c5d7e9f1a2b4c6d8e0f"
	runRef        = "refs/heads/main"
	runWorkflow   = ".github/workflows/deploy.yml"
)

// runnerVars are the default variables the runner sets for every step of
// a job on a GitHub-hosted Linux runner, for a push to main, with the
// step's directory as workspace, home and runner temp. Both federate and
// the peers get the same set: configure-aws-credentials refuses to run
// without GITHUB_REPOSITORY, GITHUB_WORKFLOW, GITHUB_ACTION, GITHUB_ACTOR,
// GITHUB_SHA and GITHUB_WORKSPACE, and reads the event payload. Left out:
// GITHUB_ACTION_REPOSITORY and GITHUB_ACTION_REF (they name the action
// being run, so they would differ between the programs), RUNNER_DEBUG
// (only with debug logging) and the ACTIONS_RUNTIME_* / cache service
// addresses (neither program calls those services).
func runnerVars(step string) (map[string]string, error) {
	event := filepath.Join(step, "event.json")
	payload := fmt.Sprintf(`{"ref":%q,"after":%q,"repository":{"full_name":%q,"name":"octo-repo","owner":{"login":"octo-org"}},"sender":{"login":"octocat"}}`,
		runRef, runSHA, runRepository)
	if err := os.WriteFile(event, []byte(payload), 0o600); err != nil {
		return nil, err
	}
	return map[string]string{
		"PATH":                       "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
		"CI":                         "true",
		"GITHUB_ACTIONS":             "true",
		"GITHUB_ACTION":              "credentials", // the step's id
		"GITHUB_ACTOR":               "octocat",
		"GITHUB_ACTOR_ID":            "583231",
		"GITHUB_TRIGGERING_ACTOR":    "octocat",
		"GITHUB_API_URL":             "https://api.github.com",
		"GITHUB_GRAPHQL_URL":         "https://api.github.com/graphql",
		"GITHUB_SERVER_URL":          "https://github.com",
		"GITHUB_BASE_REF":            "",
		"GITHUB_HEAD_REF":            "",
		"GITHUB_EVENT_NAME":          "push",
		"GITHUB_EVENT_PATH":          event,
		"GITHUB_JOB":                 "deploy",
		"GITHUB_REF":                 runRef,
		"GITHUB_REF_NAME":            "main",
		"GITHUB_REF_PROTECTED":       "true",
		"GITHUB_REF_TYPE":            "branch",
		"GITHUB_REPOSITORY":          runRepository,
		"GITHUB_REPOSITORY_ID":       "690297181",
		"GITHUB_REPOSITORY_OWNER":    "octo-org",
		"GITHUB_REPOSITORY_OWNER_ID": "94528760",
		"GITHUB_RETENTION_DAYS":      "90",
		"GITHUB_RUN_ATTEMPT":         "1",
		"GITHUB_RUN_ID":              "11287465022",
		"GITHUB_RUN_NUMBER":          "42",
		"GITHUB_SHA":                 runSHA,
		"GITHUB_WORKFLOW":            "deploy",
		"GITHUB_WORKFLOW_REF":        runRepository + "/" + runWorkflow + "@" + runRef,
		"GITHUB_WORKFLOW_SHA":        runSHA,
		"GITHUB_WORKSPACE":           step,
		"HOME":                       step,
		"RUNNER_ARCH":                "X64",
		"RUNNER_ENVIRONMENT":         "github-hosted",
		"RUNNER_NAME":                "GitHub Actions 2",
		"RUNNER_OS":                  "Linux",
		"RUNNER_TEMP":                step,
		"RUNNER_TOOL_CACHE":          "/opt/hostedtoolcache",
	}, nil
}
