package cli

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestReadInputFile_RefusesWhatIsNotASmallRegularFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	regular := filepath.Join(dir, "secrets.txt")
	require.NoError(t, os.WriteFile(regular, []byte("a | A\n"), 0o600))
	link := filepath.Join(dir, "link")
	require.NoError(t, os.Symlink(regular, link))
	exact := filepath.Join(dir, "exact")
	require.NoError(t, os.WriteFile(exact, []byte(strings.Repeat("x", maxInputFile)), 0o600))
	big := filepath.Join(dir, "big")
	require.NoError(t, os.WriteFile(big, []byte(strings.Repeat("x", maxInputFile+1)), 0o600))
	table := actionTable(t)
	fifo := filepath.Join(dir, "fifo")
	require.NoError(t, syscall.Mkfifo(fifo, 0o600))

	tests := []struct {
		name    string
		path    string
		wantErr string
	}{
		{name: "regular_file_is_read", path: regular},
		{name: "symlink_to_a_regular_file_is_read", path: link},
		{name: "one_mib_is_read", path: exact},
		{name: "more_than_one_mib_refused", path: big, wantErr: "more than the 1 MiB limit"},
		{name: "fifo_refused_without_waiting", path: fifo, wantErr: "a named pipe, not a regular file"},
		{name: "device_refused", path: "/dev/zero", wantErr: "a device, not a regular file"},
		{name: "directory_refused", path: dir, wantErr: "a directory, not a regular file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			done := make(chan error, 1)
			var p parsed
			go func() {
				var err error
				p, err = parseFlags([]string{"--vault-secrets", "@" + tt.path}, table, ReadInputFile)
				done <- err
			}()
			var err error
			select {
			case err = <-done:
			case <-time.After(5 * time.Second):
				t.Fatal("reading the file hangs")
			}
			if tt.wantErr == "" {
				require.NoError(t, err)
				want, rerr := os.ReadFile(tt.path)
				require.NoError(t, rerr)
				assert.Equal(t, string(want), p.values["vault-secrets"])
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), "input vault-secrets")
			assert.Contains(t, err.Error(), tt.wantErr)
		})
	}
}
