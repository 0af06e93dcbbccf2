package cli

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/federate-action/federate/internal/app"
	"github.com/federate-action/federate/internal/export"
	"github.com/federate-action/federate/internal/secret"
)

// syncBuffer is a buffer a child process and the test share.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// fakeResult is a computed run holding vars, counting revocations.
func fakeResult(t *testing.T, vars map[string]string) (*app.Result, *atomic.Int32) {
	t.Helper()
	set := &export.Set{}
	for k, v := range vars {
		require.NoError(t, set.Env(k, export.Secret(secret.New(v)), "test"))
	}
	var revoked atomic.Int32
	return &app.Result{Set: set, Revoke: func(context.Context) { revoked.Add(1) }}, &revoked
}

func execDeps(stdout, stderr io.Writer) Deps {
	return Deps{Environ: os.Environ, Stdin: strings.NewReader(""), Stdout: stdout, Stderr: stderr}
}

func TestRunChild_ExitCodePassesThrough(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		argv []string
		code int
	}{
		{name: "success", argv: []string{"true"}, code: 0},
		{name: "failure_code", argv: []string{"sh", "-c", "exit 7"}, code: 7},
		{name: "killed_by_a_signal_is_128_plus_it", argv: []string{"sh", "-c", "kill -KILL $$"}, code: 128 + 9},
		{name: "command_not_found", argv: []string{"/nonexistent/federate-test-command"}, code: 127},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			res, revoked := fakeResult(t, nil)
			var stderr bytes.Buffer
			code := runChild(context.Background(), res, tt.argv, &forwarder{cancel: func() {}}, execDeps(io.Discard, &stderr))
			assert.Equal(t, tt.code, code, stderr.String())
			assert.Equal(t, int32(1), revoked.Load(), "the Vault token is revoked once the command has ended")
		})
	}
}

func TestRunChild_OnlyTheChildSeesTheVariables(t *testing.T) {
	t.Parallel()
	value := "it's a \"secret\"\nwith $(lines)"
	res, _ := fakeResult(t, map[string]string{"FEDERATE_TEST_SECRET": value, "HOME": "/replaced"})
	var stdout bytes.Buffer
	code := runChild(context.Background(), res, []string{"sh", "-c", `printf '%s|%s' "$FEDERATE_TEST_SECRET" "$HOME"`},
		&forwarder{cancel: func() {}}, execDeps(&stdout, io.Discard))
	require.Equal(t, 0, code)
	assert.Equal(t, value+"|/replaced", stdout.String(), "the child has the set's variables; a set variable replaces the parent's")
	_, inParent := os.LookupEnv("FEDERATE_TEST_SECRET")
	assert.False(t, inParent, "the parent's environment is untouched")
}

func TestRunChild_ForwardsSignals(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		script string
		code   int
	}{
		{name: "trapped_term_exits_with_the_childs_code", script: `trap 'exit 42' TERM; echo ready; while :; do sleep 0.05; done`, code: 42},
		{name: "untrapped_term_is_128_plus_15", script: `echo ready; exec sleep 30`, code: 128 + 15},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			res, revoked := fakeResult(t, nil)
			signals := make(chan os.Signal, 1)
			var cancelled atomic.Bool
			fwd := &forwarder{cancel: func() { cancelled.Store(true) }}
			stop := fwd.listen(signals)
			defer stop()
			stdout := &syncBuffer{}
			done := make(chan int)
			go func() {
				done <- runChild(context.Background(), res, []string{"sh", "-c", tt.script}, fwd, execDeps(stdout, io.Discard))
			}()
			require.Eventually(t, func() bool { return strings.Contains(stdout.String(), "ready") }, 10*time.Second, 10*time.Millisecond)
			signals <- syscall.SIGTERM
			select {
			case code := <-done:
				assert.Equal(t, tt.code, code)
			case <-time.After(10 * time.Second):
				t.Fatal("the child did not end on SIGTERM")
			}
			assert.False(t, cancelled.Load(), "a signal goes to the running command, not to the computation")
			assert.Equal(t, int32(1), revoked.Load())
		})
	}
}

func TestForwarder_SignalBeforeTheCommandCancels(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	signals := make(chan os.Signal, 1)
	stop := (&forwarder{cancel: cancel}).listen(signals)
	defer stop()
	signals <- os.Interrupt
	select {
	case <-ctx.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("SIGINT during the computation did not cancel it")
	}
}

func TestRunChild_SignalBeforeTheStartStopsTheCommand(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		signal os.Signal
		code   int
	}{
		{name: "sigint_is_130", signal: os.Interrupt, code: 130},
		{name: "sigterm_is_143", signal: syscall.SIGTERM, code: 143},
		{name: "sighup_is_129", signal: syscall.SIGHUP, code: 129},
		{name: "sigquit_is_131", signal: syscall.SIGQUIT, code: 131},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			res, revoked := fakeResult(t, nil)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			signals := make(chan os.Signal, 1)
			fwd := &forwarder{cancel: cancel}
			stop := fwd.listen(signals)
			defer stop()
			// The signal lands after the computation, before runChild.
			signals <- tt.signal
			<-ctx.Done()
			marker := filepath.Join(t.TempDir(), "ran")
			var stderr bytes.Buffer
			code := runChild(ctx, res, []string{"touch", marker}, fwd, execDeps(io.Discard, &stderr))
			assert.Equal(t, tt.code, code)
			assert.NoFileExists(t, marker, "the command must not run after a signal")
			assert.Contains(t, stderr.String(), "touch was not started")
			assert.Equal(t, int32(1), revoked.Load(), "the Vault token is still revoked")
		})
	}
}

func TestSignals_IncludeHangupAndQuit(t *testing.T) {
	t.Parallel()
	for _, s := range []os.Signal{os.Interrupt, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT} {
		assert.Contains(t, Signals, s)
	}
}

func TestMain_UsageAndInputErrors(t *testing.T) {
	t.Parallel()
	const strayToken = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln"
	raw, err := os.ReadFile("../../action.yml")
	require.NoError(t, err)
	tests := []struct {
		name   string
		args   []string
		env    map[string]string
		code   int
		stderr string
	}{
		{name: "exec_without_a_command", args: []string{"exec", "--aws-region", "x"}, code: 2, stderr: "exec needs a command"},
		{name: "env_without_a_format", args: []string{"env", "--aws-region", "x"}, code: 2, stderr: "env needs --format"},
		{name: "unknown_command", args: []string{"help", "nope"}, code: 2, stderr: `no command "nope"`},
		{name: "input_error_is_one_plain_line", args: []string{"env", "--format", "json", "--role-to-assume", "arn:aws:iam::123456789012:role/r"},
			code: 1, stderr: "federate: input aws-region is required"},
		{name: "input_error_in_github_is_an_annotation", args: []string{"env", "--format", "json", "--role-to-assume", "arn:aws:iam::123456789012:role/r"},
			env: map[string]string{"GITHUB_ACTIONS": "true"}, code: 1, stderr: "::error title=Invalid input aws-region::"},
		{name: "env_with_an_argument_names_it", args: []string{"env", "--format", "json", "extra"}, code: 2, stderr: `env takes no arguments, only flags (got "extra")`},
		{name: "env_with_a_stray_token_does_not_echo_it", args: []string{"env", "--format", "json", strayToken}, code: 2, stderr: "env takes no arguments, only flags (got an argument with a JWT's shape, not shown)"},
		{name: "file_inputs_are_refused_before_any_request", args: []string{"exec", "--aws-profiles", "dev arn:aws:iam::123456789012:role/r", "--", "true"},
			code: 1, stderr: "write no files"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var stdout, stderr bytes.Buffer
			code := Main(context.Background(), tt.args, Deps{ActionYAML: raw, Getenv: func(k string) string { return tt.env[k] },
				Environ: func() []string { return nil }, Stdin: strings.NewReader(""), Stdout: &stdout, Stderr: &stderr,
				ReadFile: os.ReadFile, Now: time.Now})
			assert.Equal(t, tt.code, code)
			assert.Contains(t, stderr.String(), tt.stderr)
			assert.NotContains(t, stderr.String(), strayToken, "the token is echoed")
			assert.Empty(t, stdout.String())
			if tt.env == nil {
				assert.Equal(t, 1, strings.Count(stderr.String(), "\n"), "one line: %q", stderr.String())
			}
		})
	}
}

func TestMain_HelpGoesToStdout(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile("../../action.yml")
	require.NoError(t, err)
	for _, args := range [][]string{{"--help"}, {"-h"}, {"help"}, {"help", "env"}, {"exec", "--help"}, {"env", "-h"}} {
		var stdout bytes.Buffer
		code := Main(context.Background(), args, Deps{ActionYAML: raw, Stdout: &stdout, Stderr: io.Discard, Getenv: os.Getenv})
		assert.Equal(t, 0, code, args)
		assert.Contains(t, stdout.String(), "--role-to-assume VALUE", args)
	}
	var stdout, stderr bytes.Buffer
	code := Main(context.Background(), []string{"help", "explain"}, Deps{ActionYAML: raw, Stdout: &stdout, Stderr: &stderr, Getenv: os.Getenv})
	assert.Equal(t, 0, code)
	assert.Contains(t, stdout.String(), "Exit code: 0 admitted", "help explain")
	assert.Empty(t, stderr.String(), "help explain")
}
