//go:build linux

package runner

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Undoing a failed commit overwrites only what is still there: a writer
// that shortened the file meanwhile must not get a hole of NUL bytes,
// which the runner would reject as a line.
func TestBlank_NeverWritesPastTheEnd(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		keep     int64 // the file's size when the undo runs
		wantFile string
	}{
		{"file_as_written", 20, "OTHER=1\n" + "\n\n\n\n\n\n\n\n\n\n\n\n"},
		{"file_cut_inside_our_bytes", 12, "OTHER=1\n" + "\n\n\n\n"},
		{"file_cut_before_our_bytes", 4, "OTHE"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "set_env")
			require.NoError(t, os.WriteFile(path, []byte("OTHER=1\nOURS=secret\n"), 0o600))
			undo, err := os.OpenFile(path, os.O_WRONLY, 0)
			require.NoError(t, err)
			defer undo.Close()
			p := &pending{name: "GITHUB_ENV", undo: undo, start: 8, end: 20}
			require.NoError(t, os.Truncate(path, tt.keep))

			require.NoError(t, p.blank())

			got, err := os.ReadFile(path)
			require.NoError(t, err)
			assert.Equal(t, tt.wantFile, string(got))
			assert.NotContains(t, string(got), "\x00")
		})
	}
}
