package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/federate-action/federate/internal/idtoken/idtokentest"
)

// cliRun is one run of the binary as a command line.
type cliRun struct {
	stdout, stderr string
	code           int
}

// runCLI runs the binary with args in a clean environment (env plus PATH,
// HOME and TMPDIR under dir), working in dir/work.
func runCLI(t *testing.T, bin, dir string, env map[string]string, args ...string) cliRun {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Dir = filepath.Join(dir, "work")
	cmd.Env = []string{"PATH=/usr/local/bin:/usr/bin:/bin", "HOME=" + filepath.Join(dir, "home"), "TMPDIR=" + filepath.Join(dir, "tmp")}
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exitErr *exec.ExitError
	code := 0
	if errors.As(err, &exitErr) {
		code = exitErr.ExitCode()
	} else {
		require.NoError(t, err)
	}
	return cliRun{stdout: stdout.String(), stderr: stderr.String(), code: code}
}

// cliDir makes the working, home and temp directories of a command-line run.
func cliDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, sub := range []string{"work", "home", "tmp"} {
		require.NoError(t, os.Mkdir(filepath.Join(dir, sub), 0o700))
	}
	return dir
}

// listing is every path under dir.
func listing(t *testing.T, dir string) []string {
	t.Helper()
	var paths []string
	require.NoError(t, filepath.WalkDir(dir, func(path string, _ fs.DirEntry, err error) error {
		paths = append(paths, path)
		return err
	}))
	sort.Strings(paths)
	return paths
}

// cliRoleArgs are the flags of the tutorial's role, pointed at moto.
func cliRoleArgs(endpoint string) []string {
	return []string{"--role-to-assume", "arn:aws:iam::737236345234:role/gha-oidc-role", "--aws-region", "us-west-1",
		"--role-session-name", "cli", "--sts-endpoint", endpoint}
}

func TestCLI_ExecGivesOnlyTheCommandTheCredentials(t *testing.T) {
	t.Parallel()
	bin, moto := servers(t)
	tokens := tokenServer(t, idtokentest.Config{})
	dir := cliDir(t)
	before := listing(t, dir)

	args := append(append([]string{"exec"}, cliRoleArgs(moto.URL)...), "--",
		"sh", "-c", `printf '%s\n%s\n' "$AWS_ACCESS_KEY_ID" "$AWS_REGION"; exit 3`)
	res := runCLI(t, bin, dir, tokens.Env(), args...)

	assert.Equal(t, 3, res.code, "the command's exit code: %s", res.stderr)
	lines := strings.Split(strings.TrimSuffix(res.stdout, "\n"), "\n")
	require.Len(t, lines, 2, "stdout is the command's only: %q", res.stdout)
	assert.Regexp(t, `^ASIA[A-Z0-9]{16}$`, lines[0])
	assert.Equal(t, "us-west-1", lines[1])
	assert.NotContains(t, res.stderr, lines[0], "nothing secret is printed")
	assert.NotContains(t, res.stderr, "::", "no workflow commands outside GitHub")
	assert.Equal(t, before, listing(t, dir), "nothing is written to the working, home or temp directory")
	assert.Len(t, tokens.Requests(), 1)
}

func TestCLI_EnvFormats(t *testing.T) {
	t.Parallel()
	bin, moto := servers(t)
	tokens := tokenServer(t, idtokentest.Config{})
	wantNames := []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_REGION", "AWS_DEFAULT_REGION"}
	for _, format := range []string{"shell", "dotenv", "json"} {
		t.Run(format, func(t *testing.T) {
			dir := cliDir(t)
			before := listing(t, dir)
			res := runCLI(t, bin, dir, tokens.Env(), append([]string{"env", "--format", format}, cliRoleArgs(moto.URL)...)...)
			require.Equal(t, 0, res.code, res.stderr)
			assert.Contains(t, res.stderr, "the output holds secrets")
			assert.Equal(t, before, listing(t, dir))

			got := map[string]string{}
			switch format {
			case "json":
				require.NoError(t, json.Unmarshal([]byte(res.stdout), &got))
			case "shell":
				for _, name := range wantNames {
					cmd := exec.Command("sh", "-c", `eval "$(cat)"; printf %s "$`+name+`"`)
					cmd.Stdin = strings.NewReader(res.stdout)
					out, err := cmd.Output()
					require.NoError(t, err)
					got[name] = string(out)
				}
			case "dotenv":
				for _, line := range strings.Split(strings.TrimSuffix(res.stdout, "\n"), "\n") {
					name, quoted, _ := strings.Cut(line, "=")
					got[name] = strings.Trim(quoted, `'"`)
				}
			}
			require.Len(t, got, len(wantNames), res.stdout)
			assert.Regexp(t, `^ASIA[A-Z0-9]{16}$`, got["AWS_ACCESS_KEY_ID"])
			assert.NotEmpty(t, got["AWS_SECRET_ACCESS_KEY"])
			assert.NotEmpty(t, got["AWS_SESSION_TOKEN"])
			assert.Equal(t, "us-west-1", got["AWS_REGION"])
		})
	}
}

func TestCLI_ExecForwardsSIGTERM(t *testing.T) {
	t.Parallel()
	bin, moto := servers(t)
	tokens := tokenServer(t, idtokentest.Config{})
	dir := cliDir(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	args := append(append([]string{"exec"}, cliRoleArgs(moto.URL)...), "--",
		"sh", "-c", `trap 'echo got-term; exit 5' TERM; echo ready; while :; do sleep 0.05; done`)
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Dir = filepath.Join(dir, "work")
	cmd.Env = []string{"PATH=/usr/local/bin:/usr/bin:/bin"}
	for k, v := range tokens.Env() {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	stdout := &lockedBuffer{}
	cmd.Stdout = stdout
	require.NoError(t, cmd.Start())
	require.Eventually(t, func() bool { return strings.Contains(stdout.String(), "ready") }, 30*time.Second, 20*time.Millisecond)
	// federate's own environment never holds the credentials: only the
	// command's does.
	if own, err := os.ReadFile(fmt.Sprintf("/proc/%d/environ", cmd.Process.Pid)); err == nil {
		assert.NotContains(t, string(own), "AWS_ACCESS_KEY_ID=")
		assert.Contains(t, string(own), "ACTIONS_ID_TOKEN_REQUEST_URL=")
	}
	require.NoError(t, cmd.Process.Signal(syscall.SIGTERM))
	err := cmd.Wait()
	var exitErr *exec.ExitError
	require.ErrorAs(t, err, &exitErr)
	assert.Equal(t, 5, exitErr.ExitCode())
	assert.Contains(t, stdout.String(), "got-term")
}

func TestCLI_InputErrorIsOnePlainLine(t *testing.T) {
	t.Parallel()
	bin, _ := servers(t)
	res := runCLI(t, bin, cliDir(t), nil, "exec", "--role-to-assume", "arn:aws:iam::737236345234:role/r", "--aws-region", "nowhere-1", "--", "true")
	assert.Equal(t, 1, res.code)
	assert.Regexp(t, `^federate: input aws-region has an invalid value "nowhere-1": [^\n]+\n$`, res.stderr)
	assert.Empty(t, res.stdout)
}

// lockedBuffer is a buffer a child process writes while the test reads.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
