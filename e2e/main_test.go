// Package e2e runs the built action the way the runner runs a step,
// against a token service that signs real RS256 JWTs and a real moto_server
// for STS. `go test -short` skips it; a missing moto_server fails it.
package e2e

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/federate-action/federate/internal/idtoken/idtokentest"
	"github.com/federate-action/federate/internal/runner/runnertest"
	"github.com/federate-action/federate/internal/testbed"
)

// Shared across the package: building the binary and starting moto cost
// seconds, and every test uses its own role, token server and files.
var (
	setupOnce sync.Once
	binary    string
	moto      *testbed.Moto
	setupErr  error
	tmpDir    string
)

func TestMain(m *testing.M) {
	code := m.Run()
	if moto != nil {
		_ = moto.Stop()
	}
	if vault != nil {
		_ = vault.Stop()
	}
	if vaultTokens != nil {
		vaultTokens.Close()
	}
	if loginLDAP != nil {
		_ = loginLDAP.Stop()
	}
	if tmpDir != "" {
		_ = os.RemoveAll(tmpDir)
	}
	_ = testbed.RemoveSDKCallers()
	os.Exit(code)
}

// servers builds the action and starts moto once. It skips in -short mode
// and fails (never skips) when moto_server is missing.
func servers(t testing.TB) (string, *testbed.Moto) {
	t.Helper()
	if testing.Short() {
		t.Skip("end-to-end: needs moto_server; run without -short")
	}
	setupOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
		defer cancel()
		if tmpDir, setupErr = os.MkdirTemp("", "federate-e2e-*"); setupErr != nil {
			return
		}
		if binary, setupErr = testbed.Build(ctx, tmpDir); setupErr != nil {
			return
		}
		moto, setupErr = testbed.StartMoto(ctx, os.Stderr)
	})
	require.NoError(t, setupErr, "end-to-end setup")
	return binary, moto
}

// tokenServer starts a GitHub-style token service for one test.
func tokenServer(t testing.TB, cfg idtokentest.Config) *idtokentest.Server {
	t.Helper()
	srv, err := idtokentest.New(cfg)
	require.NoError(t, err)
	t.Cleanup(srv.Close)
	return srv
}

// run runs one step and fails the test if the step could not run at all.
// A step without a Dir gets a fresh one.
func run(t *testing.T, step testbed.Step) testbed.Result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if step.Dir == "" {
		step.Dir = filepath.Join(t.TempDir(), "step")
	}
	res, err := step.Run(ctx)
	require.NoError(t, err, "stdout:\n%s\nstderr:\n%s", res.Stdout, res.Stderr)
	return res
}

// errorAnnotations returns the ::error lines of stdout.
func errorAnnotations(stdout string) []string {
	var out []string
	for _, line := range strings.Split(stdout, "\n") {
		if strings.HasPrefix(line, "::error") {
			out = append(out, line)
		}
	}
	return out
}

// errorText is every ::error line of stdout, unescaped, one a line.
func errorText(stdout string) string {
	return runnertest.UnescapeData(strings.Join(errorAnnotations(stdout), "\n"))
}

func names(entries []runnertest.Entry) []string {
	var out []string
	for _, e := range entries {
		out = append(out, e.Name)
	}
	return out
}

// with returns base with changes applied; base is left as it was.
func with(base, changes map[string]string) map[string]string {
	out := make(map[string]string, len(base)+len(changes))
	for k, v := range base {
		out[k] = v
	}
	for k, v := range changes {
		out[k] = v
	}
	return out
}

// assertOneError checks that a failed step printed exactly one ::error
// annotation, with title, whose text holds every one of want.
func assertOneError(t *testing.T, stdout, title string, want ...string) {
	t.Helper()
	errs := errorAnnotations(stdout)
	require.Len(t, errs, 1, stdout)
	assert.True(t, strings.HasPrefix(errs[0], "::error title="+title+"::"), errs[0])
	for _, w := range want {
		assert.Contains(t, runnertest.UnescapeData(errs[0]), w)
	}
}
