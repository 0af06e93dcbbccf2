package testbed

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/federate-action/federate/internal/runner/runnertest"
)

// fakeAction is a throwaway action: it prints its environment and working
// directory, writes the file commands, and behaves as FAKE_MODE says.
const fakeAction = `package main

import (
	"fmt"
	"os"
	"sort"
	"time"
)

func appendTo(env, text string) {
	f, err := os.OpenFile(os.Getenv(env), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		panic(err)
	}
	defer f.Close()
	fmt.Fprint(f, text)
}

func main() {
	env := os.Environ()
	sort.Strings(env)
	for _, kv := range env {
		fmt.Println(kv)
	}
	wd, _ := os.Getwd()
	fmt.Println("WORKING_DIR=" + wd)
	fmt.Fprintln(os.Stderr, "hello from stderr")
	switch os.Getenv("FAKE_MODE") {
	case "sleep":
		time.Sleep(time.Minute)
	case "bad-output":
		appendTo("GITHUB_OUTPUT", "ok=1\nnot a command\n")
		return
	case "fail":
		appendTo("GITHUB_ENV", "PARTIAL=1\n")
		os.Exit(3)
	}
	appendTo("GITHUB_ENV", "ROLE="+os.Getenv("INPUT_ROLE-TO-ASSUME")+"\nMULTI<<ghadelimiter_1\nline1\nline2\nghadelimiter_1\n")
	appendTo("GITHUB_OUTPUT", "region=eu-west-1\n")
	appendTo("GITHUB_STATE", "cleanup=yes\n")
	appendTo("GITHUB_STEP_SUMMARY", "# Federated\n")
}
`

var (
	fakeOnce sync.Once
	fakeBin  string
	fakeErr  error
)

// buildFake builds fakeAction once per test binary, in a throwaway module.
func buildFake(t *testing.T) string {
	t.Helper()
	fakeOnce.Do(func() {
		dir, err := os.MkdirTemp("", "testbed-fake-*")
		if err != nil {
			fakeErr = err
			return
		}
		mod := filepath.Join(dir, "mod")
		if fakeErr = os.MkdirAll(mod, 0o755); fakeErr != nil {
			return
		}
		if fakeErr = os.WriteFile(filepath.Join(mod, "go.mod"), []byte("module example.com/fakeaction\n\ngo 1.22\n"), 0o644); fakeErr != nil {
			return
		}
		if fakeErr = os.WriteFile(filepath.Join(mod, "main.go"), []byte(fakeAction), 0o644); fakeErr != nil {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		fakeBin, fakeErr = BuildModule(ctx, mod, filepath.Join(dir, "bin"))
	})
	require.NoError(t, fakeErr)
	return fakeBin
}

func TestMain(m *testing.M) {
	code := m.Run()
	if fakeBin != "" {
		_ = os.RemoveAll(filepath.Dir(filepath.Dir(fakeBin)))
	}
	_ = RemoveSDKCallers()
	os.Exit(code)
}

func TestBuildModule(t *testing.T) {
	t.Parallel()
	bin := buildFake(t)
	assert.Equal(t, "federate", filepath.Base(bin))
	info, err := os.Stat(bin)
	require.NoError(t, err)
	assert.NotZero(t, info.Mode()&0o111, "executable")
}

func TestBuildModule_compile_error(t *testing.T) {
	t.Parallel()
	mod := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(mod, "go.mod"), []byte("module example.com/broken\n\ngo 1.22\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(mod, "main.go"), []byte("package main\nfunc main() { undefinedThing() }\n"), 0o644))
	_, err := BuildModule(context.Background(), mod, t.TempDir())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "undefinedThing", "the compiler's output is in the error")
}

func TestModuleRoot(t *testing.T) {
	t.Parallel()
	root, err := moduleRoot(context.Background())
	require.NoError(t, err)
	assert.FileExists(t, filepath.Join(root, "go.mod"))
	wd, err := os.Getwd()
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(wd, root), "%s is inside %s", wd, root)
}

func TestInputEnvName(t *testing.T) {
	t.Parallel()
	cases := []struct{ name, input, want string }{
		{name: "hyphens_kept", input: "role-to-assume", want: "INPUT_ROLE-TO-ASSUME"},
		{name: "spaces_to_underscores", input: "aws region", want: "INPUT_AWS_REGION"},
		{name: "already_upper", input: "AUDIENCE", want: "INPUT_AUDIENCE"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tc.want, InputEnvName(tc.input))
		})
	}
}

// stdoutVars reads the fake action's printed environment back.
func stdoutVars(stdout string) map[string]string {
	vars := map[string]string{}
	for _, line := range strings.Split(stdout, "\n") {
		if k, v, ok := strings.Cut(line, "="); ok {
			vars[k] = v
		}
	}
	return vars
}

func TestStep_Run(t *testing.T) {
	t.Parallel()
	bin := buildFake(t)
	dir := t.TempDir()
	res, err := Step{
		Binary: bin,
		Inputs: map[string]string{"role-to-assume": "arn:aws:iam::123456789012:role/r", "aws region": "eu-west-1"},
		Env:    map[string]string{"ACTIONS_ID_TOKEN_REQUEST_URL": "http://127.0.0.1:1/token?api-version=2.0"},
		Dir:    dir,
	}.Run(context.Background())
	require.NoError(t, err)

	assert.Equal(t, 0, res.ExitCode)
	assert.Positive(t, res.Wall)
	assert.Equal(t, "hello from stderr\n", res.Stderr)
	vars := stdoutVars(res.Stdout)
	for k, v := range map[string]string{
		"GITHUB_ACTIONS":               "true",
		"CI":                           "true",
		"GITHUB_REPOSITORY":            "octo-org/octo-repo",
		"INPUT_ROLE-TO-ASSUME":         "arn:aws:iam::123456789012:role/r",
		"INPUT_AWS_REGION":             "eu-west-1",
		"ACTIONS_ID_TOKEN_REQUEST_URL": "http://127.0.0.1:1/token?api-version=2.0",
		"HOME":                         filepath.Join(dir, "home"),
		"GITHUB_WORKSPACE":             filepath.Join(dir, "workspace"),
		"WORKING_DIR":                  filepath.Join(dir, "workspace"),
		"RUNNER_TEMP":                  filepath.Join(dir, "runner_temp"),
		"PATH":                         minimalPath,
	} {
		assert.Equal(t, v, vars[k], k)
	}
	uuid := `[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`
	for env, prefix := range map[string]string{
		"GITHUB_ENV": "set_env_", "GITHUB_OUTPUT": "set_output_", "GITHUB_STATE": "save_state_",
		"GITHUB_STEP_SUMMARY": "step_summary_", "GITHUB_PATH": "add_path_",
	} {
		assert.Regexp(t, "^"+regexp.QuoteMeta(filepath.Join(dir, "file_commands", prefix))+uuid+"$", vars[env], env)
	}
	_, leaked := vars["GOPATH"]
	assert.False(t, leaked, "the parent's environment does not leak into the step")

	assert.Equal(t, []runnertest.Entry{{Name: "ROLE", Value: "arn:aws:iam::123456789012:role/r"}, {Name: "MULTI", Value: "line1\nline2"}}, res.Env)
	assert.Equal(t, []runnertest.Entry{{Name: "region", Value: "eu-west-1"}}, res.Outputs)
	assert.Equal(t, []runnertest.Entry{{Name: "cleanup", Value: "yes"}}, res.State)
	assert.Equal(t, "region=eu-west-1\n", res.OutputRaw)
	assert.Contains(t, res.EnvRaw, "MULTI<<ghadelimiter_1\n")
	assert.Equal(t, "# Federated\n", res.Summary)
}

func TestStep_Run_outcomes(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		mode     string
		timeout  time.Duration
		wantExit int
		wantErr  string
		wantEnv  []runnertest.Entry
		wantOuts []runnertest.Entry
	}{
		{name: "nonzero_exit_is_not_an_error", mode: "fail", wantExit: 3, wantEnv: []runnertest.Entry{{Name: "PARTIAL", Value: "1"}}},
		{name: "bad_file_command_is_an_error", mode: "bad-output", wantErr: "GITHUB_OUTPUT", wantOuts: []runnertest.Entry{{Name: "ok", Value: "1"}}},
		{name: "context_deadline_stops_the_step", mode: "sleep", timeout: 300 * time.Millisecond, wantErr: context.DeadlineExceeded.Error()},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			bin := buildFake(t) // before the clock starts: building takes longer than the deadline
			ctx := context.Background()
			if tc.timeout > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, tc.timeout)
				defer cancel()
			}
			res, err := Step{Binary: bin, Env: map[string]string{"FAKE_MODE": tc.mode}}.Run(ctx)
			if tc.wantErr == "" {
				require.NoError(t, err)
			} else {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.wantErr)
			}
			assert.Equal(t, tc.wantExit, res.ExitCode)
			assert.Equal(t, tc.wantEnv, res.Env)
			assert.Equal(t, tc.wantOuts, res.Outputs)
			assert.Contains(t, res.Stdout, "WORKING_DIR=", "what the step printed before it ended is kept")
			assert.Less(t, res.Wall, 30*time.Second)
		})
	}
}

func TestStep_Run_missing_binary(t *testing.T) {
	t.Parallel()
	_, err := Step{Binary: filepath.Join(t.TempDir(), "nope")}.Run(context.Background())
	require.Error(t, err)
	_, err = Step{}.Run(context.Background())
	require.Error(t, err)
	_, err = Step{Image: "localhost/federate:test"}.Run(context.Background())
	require.ErrorContains(t, err, "Podman")
}

func TestStep_Run_under_a_wrapper(t *testing.T) {
	t.Parallel()
	bin := buildFake(t)
	dir := t.TempDir()
	res, err := Step{Binary: bin, Dir: dir, Under: []string{"env", "WRAPPED=yes"}}.Run(context.Background())
	require.NoError(t, err)

	assert.Equal(t, 0, res.ExitCode)
	vars := stdoutVars(res.Stdout)
	assert.Equal(t, "yes", vars["WRAPPED"], "the wrapper ran the step")
	assert.Equal(t, filepath.Join(dir, "workspace"), vars["WORKING_DIR"])
	assert.Equal(t, minimalPath, vars["PATH"], "the step keeps its own environment")
	assert.Equal(t, "# Federated\n", res.Summary, "the file commands are read back as without a wrapper")
}
