package runner_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/federate-action/federate/internal/runner"
)

func TestRemoveFilesDir(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		// dir returns the directory to remove, given RUNNER_TEMP and a
		// directory outside it that must survive.
		dir     func(t *testing.T, temp, outside string) string
		wantErr string
		gone    bool
	}{
		{"files_dir_is_removed", func(t *testing.T, temp, _ string) string {
			d := filepath.Join(temp, "federate-0a1b2c3d")
			require.NoError(t, os.MkdirAll(filepath.Join(d, "sub"), 0o700))
			require.NoError(t, os.WriteFile(filepath.Join(d, "credentials"), []byte("k"), 0o600))
			return d
		}, "", true},
		{"link_inside_is_removed_not_followed", func(t *testing.T, temp, outside string) string {
			d := filepath.Join(temp, "federate-0a1b2c3d")
			require.NoError(t, os.Mkdir(d, 0o700))
			require.NoError(t, os.Symlink(outside, filepath.Join(d, "link")))
			return d
		}, "", true},
		{"missing_dir_is_fine", func(_ *testing.T, temp, _ string) string {
			return filepath.Join(temp, "federate-gone")
		}, "", true},
		{"link_to_a_dir_is_refused", func(t *testing.T, temp, outside string) string {
			d := filepath.Join(temp, "federate-0a1b2c3d")
			require.NoError(t, os.Symlink(outside, d))
			return d
		}, "not a directory", false},
		{"other_name_is_refused", func(t *testing.T, temp, _ string) string {
			d := filepath.Join(temp, "work")
			require.NoError(t, os.Mkdir(d, 0o700))
			return d
		}, "not a federate-* directory", false},
		{"dir_outside_runner_temp_is_refused", func(t *testing.T, _, outside string) string {
			d := filepath.Join(outside, "federate-0a1b2c3d")
			require.NoError(t, os.Mkdir(d, 0o700))
			return d
		}, "directly under RUNNER_TEMP", false},
		{"dot_dot_path_is_refused", func(t *testing.T, temp, outside string) string {
			d := filepath.Join(outside, "federate-0a1b2c3d")
			require.NoError(t, os.Mkdir(d, 0o700))
			rel, err := filepath.Rel(temp, d)
			require.NoError(t, err)
			return temp + "/" + rel
		}, "directly under RUNNER_TEMP", false},
		{"nested_federate_dir_is_refused", func(t *testing.T, temp, _ string) string {
			d := filepath.Join(temp, "x", "federate-0a1b2c3d")
			require.NoError(t, os.MkdirAll(d, 0o700))
			return d
		}, "directly under RUNNER_TEMP", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			temp, outside := t.TempDir(), t.TempDir()
			require.NoError(t, os.WriteFile(filepath.Join(outside, "keep"), []byte("x"), 0o600))
			dir := tt.dir(t, temp, outside)

			err := runner.RemoveFilesDir(dir, temp)
			if tt.wantErr != "" {
				require.ErrorContains(t, err, tt.wantErr)
			} else {
				require.NoError(t, err)
			}
			if tt.gone {
				assert.NoFileExists(t, dir)
				assert.NoDirExists(t, dir)
			} else {
				_, err := os.Lstat(dir)
				assert.NoError(t, err, "a refused path is left as it is")
			}
			assert.FileExists(t, filepath.Join(outside, "keep"))
		})
	}
}

func TestRemoveFilesDir_NeedsRunnerTemp(t *testing.T) {
	t.Parallel()
	require.ErrorContains(t, runner.RemoveFilesDir("/tmp/federate-1", ""), "RUNNER_TEMP")
}
