package e2e

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/federate-action/federate/internal/testbed"
)

// TestAWS_TokenFileThatCouldHangOrLeaveTheWorkspaceIsRefusedAtOnce: a FIFO
// (which would block an open or a read forever) and a path through a
// symbolic link to a directory fail the step quickly, naming the input,
// and nothing reaches STS.
func TestAWS_TokenFileThatCouldHangOrLeaveTheWorkspaceIsRefusedAtOnce(t *testing.T) {
	t.Parallel()
	bin, moto := servers(t)
	tests := []struct {
		name     string
		prepare  func(t *testing.T, workspace string) string // returns the input's value
		wantText string
	}{
		{
			name: "fifo",
			prepare: func(t *testing.T, workspace string) string {
				require.NoError(t, syscall.Mkfifo(filepath.Join(workspace, "token.jwt"), 0o600))
				return "token.jwt"
			},
			wantText: "named pipe (FIFO)",
		},
		{
			name: "symlinked_directory",
			prepare: func(t *testing.T, workspace string) string {
				outside := t.TempDir()
				require.NoError(t, os.WriteFile(filepath.Join(outside, "token.jwt"), []byte("a.b.c"), 0o600))
				require.NoError(t, os.Symlink(outside, filepath.Join(workspace, "tokens")))
				return "tokens/token.jwt"
			},
			wantText: "a symbolic link",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := filepath.Join(t.TempDir(), "step")
			workspace := filepath.Join(dir, "workspace")
			require.NoError(t, os.MkdirAll(workspace, 0o700))
			in := tutorialInputs(moto.URL)
			in["web-identity-token-file"] = tt.prepare(t, workspace)
			in["retry-max-attempts"] = "1"
			in["action-timeout-s"] = "20"

			res := run(t, testbed.Step{Binary: bin, Inputs: in, Dir: dir})
			assert.Less(t, res.Wall, 10*time.Second, "the step ended well before its deadline")
			require.Equal(t, 1, res.ExitCode, res.Stdout)
			assertOneError(t, res.Stdout, "Invalid input web-identity-token-file", tt.wantText)
			assert.Empty(t, res.Env)
		})
	}
}
