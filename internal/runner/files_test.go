package runner_test

import (
	"crypto/rand"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/federate-action/federate/internal/export"
	"github.com/federate-action/federate/internal/runner"
	"github.com/federate-action/federate/internal/secret"
)

func mode(t *testing.T, path string) os.FileMode {
	t.Helper()
	info, err := os.Lstat(path)
	require.NoError(t, err)
	return info.Mode().Perm()
}

func TestCommit_WritesFilesBeforeTheVariables(t *testing.T) {
	t.Parallel()
	f := newFiles(t)
	dir := filepath.Join(t.TempDir(), "federate-0a1b2c3d", "sub")
	var set export.Set
	require.NoError(t, set.File(filepath.Join(dir, "credentials"), export.Secret(secret.New("[default]\nk = v\n")), "t"))
	require.NoError(t, set.Executable(filepath.Join(dir, "federate"), "/proc/self/exe", "t"))
	require.NoError(t, set.Env("AWS_SHARED_CREDENTIALS_FILE", export.Public(filepath.Join(dir, "credentials")), "t"))
	require.NoError(t, f.runner(rand.Reader).Commit(&set))

	assert.Equal(t, "[default]\nk = v\n", read(t, filepath.Join(dir, "credentials")))
	assert.Equal(t, os.FileMode(0o600), mode(t, filepath.Join(dir, "credentials")))
	assert.Equal(t, os.FileMode(0o700), mode(t, filepath.Join(dir, "federate")))
	assert.Equal(t, os.FileMode(0o700), mode(t, dir))
	assert.Equal(t, os.FileMode(0o700), mode(t, filepath.Dir(dir)))
	self, err := os.ReadFile("/proc/self/exe")
	require.NoError(t, err)
	assert.Equal(t, string(self), read(t, filepath.Join(dir, "federate")))
	assert.Contains(t, read(t, f.env), "AWS_SHARED_CREDENTIALS_FILE")
}

func TestCommit_AFailureRemovesEveryFileAndDirectory(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		// second adds what fails, after a first file in a new directory
		second func(t *testing.T, set *export.Set, existing string)
		env    func(f *files) map[string]string
	}{
		{"second_file_cannot_be_copied", func(t *testing.T, set *export.Set, _ string) {
			require.NoError(t, set.Executable("/nonexistent-dir-for-test/f", "/nonexistent-source", "t"))
		}, nil},
		{"second_file_already_exists", func(t *testing.T, set *export.Set, existing string) {
			require.NoError(t, set.File(existing, export.Public("ours"), "t"))
		}, nil},
		{"github_env_unset", func(t *testing.T, set *export.Set, _ string) {
			require.NoError(t, set.Env("A", export.Public("x"), "t"))
		}, func(f *files) map[string]string { return map[string]string{"GITHUB_OUTPUT": f.output} }},
		{"github_env_write_fails", func(t *testing.T, set *export.Set, _ string) {
			require.NoError(t, set.Env("A", export.Public("x"), "t"))
		}, func(*files) map[string]string { return map[string]string{"GITHUB_ENV": "/dev/full"} }},
		{"github_state_write_fails_after_github_env", func(t *testing.T, set *export.Set, _ string) {
			require.NoError(t, set.Env("A", export.Public("x"), "t"))
			require.NoError(t, set.State("aws-files-dir", export.Public("x"), "t"))
		}, func(f *files) map[string]string {
			return map[string]string{"GITHUB_ENV": f.env, "GITHUB_STATE": "/dev/full"}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFiles(t)
			root := t.TempDir()
			existing := filepath.Join(root, "existing")
			require.NoError(t, os.WriteFile(existing, []byte("theirs"), 0o644))
			top := filepath.Join(root, "federate-0a1b2c3d")
			var set export.Set
			require.NoError(t, set.File(filepath.Join(top, "deep", "config"), export.Public("[default]\n"), "t"))
			tt.second(t, &set, existing)
			env := map[string]string{"GITHUB_ENV": f.env}
			if tt.env != nil {
				env = tt.env(f)
			}
			r := runner.New(func(k string) string { return env[k] }, &f.stdout, rand.Reader)

			require.Error(t, r.Commit(&set))
			assert.NoDirExists(t, top)
			assert.Equal(t, "theirs", read(t, existing), "a file that was there is not ours to touch")
			assert.Equal(t, os.FileMode(0o644), mode(t, existing))
			assert.Empty(t, parsed(t, f.env), "no env var points at a file that is gone")
		})
	}
}

func TestCommit_RefusesALinkAtTheFilePath(t *testing.T) {
	t.Parallel()
	f := newFiles(t)
	root := t.TempDir()
	target := filepath.Join(root, "target")
	require.NoError(t, os.WriteFile(target, []byte("theirs"), 0o600))
	require.NoError(t, os.Symlink(target, filepath.Join(root, "link")))
	var set export.Set
	require.NoError(t, set.File(filepath.Join(root, "link"), export.Public("ours"), "t"))

	err := f.runner(rand.Reader).Commit(&set)
	require.ErrorContains(t, err, "cannot write "+filepath.Join(root, "link"))
	assert.Equal(t, "theirs", read(t, target))
}

func TestCommit_WritesThroughALinkedParentDirectory(t *testing.T) {
	t.Parallel()
	f := newFiles(t)
	root := t.TempDir()
	real := filepath.Join(root, "real")
	require.NoError(t, os.Mkdir(real, 0o700))
	require.NoError(t, os.Symlink(real, filepath.Join(root, "temp")))
	var set export.Set
	require.NoError(t, set.File(filepath.Join(root, "temp", "federate-1", "config"), export.Public("x"), "t"))

	require.NoError(t, f.runner(rand.Reader).Commit(&set))
	assert.Equal(t, "x", read(t, filepath.Join(real, "federate-1", "config")))
}

// A container action runs as root, later steps as the runner's user on
// the host: what the step creates under RUNNER_TEMP goes to the owner of
// RUNNER_TEMP, or the later steps could not read their profile files.
func TestCommit_HandsFilesToTheOwnerOfTheDirectoryTheyGoUnder(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root, as a container action runs")
	}
	t.Parallel()
	const runnerUID, runnerGID = 1001, 127
	temp := t.TempDir()
	require.NoError(t, os.Chown(temp, runnerUID, runnerGID))
	dir := filepath.Join(temp, "federate-0a1b2c3d")
	var set export.Set
	require.NoError(t, set.File(filepath.Join(dir, "cache", "prod.json"), export.Secret(secret.New("{}")), "t"))
	require.NoError(t, set.Executable(filepath.Join(dir, "federate"), "/proc/self/exe", "t"))
	require.NoError(t, newFiles(t).runner(rand.Reader).Commit(&set))

	for _, p := range []string{dir, filepath.Join(dir, "cache"), filepath.Join(dir, "cache", "prod.json"), filepath.Join(dir, "federate")} {
		info, err := os.Lstat(p)
		require.NoError(t, err)
		st := info.Sys().(*syscall.Stat_t)
		assert.Equal(t, [2]uint32{runnerUID, runnerGID}, [2]uint32{st.Uid, st.Gid}, p)
	}
}
