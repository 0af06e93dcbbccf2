package main

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/federate-action/federate/internal/testbed"
)

// childRun is one process run from the parent's side: its wall time from
// just before fork to exit, its CPU time (user + system) and its peak RSS
// from the kernel's rusage, so no wrapper such as /usr/bin/time sits
// between the parent and the child being timed.
type childRun struct {
	start  time.Time // just before cmd.Start
	wall   time.Duration
	cpu    time.Duration
	rssKB  int64
	stderr string // where inittrace, perf and valgrind write; workflow commands go to stdout
}

// runChild runs argv the way the runner runs a step (inputs as INPUT_*,
// fresh file-command files, the runner's variables, env last) and times it.
func runChild(ctx context.Context, dir string, argv []string, inputs, env map[string]string) (childRun, error) {
	step, err := os.MkdirTemp(dir, "step-*")
	if err != nil {
		return childRun{}, err
	}
	defer os.RemoveAll(step)
	vars := map[string]string{
		"PATH":              "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
		"CI":                "true",
		"GITHUB_ACTIONS":    "true",
		"GITHUB_REPOSITORY": "octo-org/octo-repo",
		"GITHUB_WORKSPACE":  step,
		"HOME":              step,
		"RUNNER_TEMP":       step,
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
	r := childRun{start: start, wall: wall, cpu: st.UserTime() + st.SystemTime(), stderr: stderr.String()}
	r.rssKB = peakRSSKB(st)
	return r, nil
}
