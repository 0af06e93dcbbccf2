package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/federate-action/federate/internal/runner/runnertest"
	"github.com/federate-action/federate/internal/testbed"
)

// Every hostile value goes through a secret file (`path key > NAME`): the
// file holds exactly the value, mode 0600, in the step's one files
// directory; NAME (env and output) is the file's path; the value is
// masked and is nowhere in env, outputs, the log or the summary; the post
// step deletes the directory.
func TestVaultFiles_HostileValuesThroughFiles(t *testing.T) {
	t.Parallel()
	bin, v, tokens := vaultServer(t)
	values := loadHostileValues(t)
	data := map[string]any{}
	var specs []string
	for i, hv := range values {
		key := fmt.Sprintf("h%02d", i)
		data[key] = hv.Value
		specs = append(specs, fmt.Sprintf("secret/data/hostile-files %s > %s_FILE", key, strings.ToUpper(key)))
	}
	putSecret(t, v, "secret/data/hostile-files", data)

	in := vaultInputs(v, strings.Join(specs, "\n"))
	dir := stepDir(t)
	res := run(t, testbed.Step{Binary: bin, Inputs: in, Env: tlsEnv(t, tokens), Dir: dir})
	require.Equal(t, 0, res.ExitCode, "stdout:\n%s\nstderr:\n%s", res.Stdout, res.Stderr)

	env, outputs := runnertest.ToMap(res.Env), runnertest.ToMap(res.Outputs)
	assert.Len(t, env, len(values))
	assert.Equal(t, env, outputs, "outputs name the files as env does")
	state := runnertest.ToMap(res.State)
	filesDir := state["aws-files-dir"]
	require.NotEmpty(t, filesDir, "the post step is told which directory to delete")
	assert.Equal(t, runnerTempOf(dir), filepath.Dir(filesDir))
	assert.Regexp(t, filesDirName, filepath.Base(filesDir))
	assertMode(t, filepath.Join(filesDir, "secrets"), os.ModeDir|0o700)

	shown := runnertest.Visible(res.Stdout, res.Stderr)
	masks := runnertest.Masks(res.Stdout)
	exported := res.EnvRaw + res.OutputRaw
	for i, hv := range values {
		name := fmt.Sprintf("H%02d_FILE", i)
		path := env[name]
		require.Equal(t, filepath.Join(filesDir, "secrets", name), path, "%s: NAME is the file's host path", hv.Name)
		got, err := os.ReadFile(path)
		require.NoError(t, err)
		assert.Equal(t, hv.Value, string(got), "%s: the file holds exactly the value", hv.Name)
		assertMode(t, path, 0o600)
		if strings.TrimSpace(hv.Value) == "" {
			continue
		}
		assert.Contains(t, masks, hv.Value, "%s is masked", hv.Name)
		for n, line := range valueLines(hv.Value) {
			assert.NotContains(t, shown, line, "%s: line %d is visible in the log", hv.Name, n+1)
			assert.NotContains(t, res.Summary, line, "%s: line %d is in the summary", hv.Name, n+1)
			if len(line) >= 8 {
				assert.NotContains(t, exported, line, "%s: line %d is in env or outputs", hv.Name, n+1)
			}
		}
	}

	post := runPost(t, dir, in, res.State)
	require.Equal(t, 0, post.ExitCode, post.Stdout)
	_, err := os.Lstat(filesDir)
	assert.ErrorIs(t, err, os.ErrNotExist, "the post step deletes the files")
}

// With runner-temp (the host's runner.temp, which action.yml passes), NAME
// is the path later steps on the host see.
func TestVaultFiles_NameIsTheHostPath(t *testing.T) {
	t.Parallel()
	bin, v, tokens := vaultServer(t)
	in := with(vaultInputs(v, "secret/data/app npmToken > NPM_TOKEN_FILE\nsecret/data/app some-key-123 | PLAIN"),
		map[string]string{"runner-temp": "/home/runner/work/_temp"})
	dir := stepDir(t)
	res := run(t, testbed.Step{Binary: bin, Inputs: in, Env: tlsEnv(t, tokens), Dir: dir})
	require.Equal(t, 0, res.ExitCode, res.Stdout)
	env := runnertest.ToMap(res.Env)
	filesDir := runnertest.ToMap(res.State)["aws-files-dir"]
	require.NotEmpty(t, filesDir)
	name := filepath.Base(filesDir)
	assert.Equal(t, "/home/runner/work/_temp/"+name+"/secrets/NPM_TOKEN_FILE", env["NPM_TOKEN_FILE"])
	assert.Equal(t, "dashed", env["PLAIN"])
	got, err := os.ReadFile(filepath.Join(filesDir, "secrets", "NPM_TOKEN_FILE"))
	require.NoError(t, err)
	assert.Equal(t, "npm-123", string(got))
	assert.Contains(t, runnertest.Masks(res.Stdout), "npm-123")
	assert.NotContains(t, res.EnvRaw+res.OutputRaw, "npm-123")
}

// Under vault-ignore-not-found a missing secret writes no file and
// exports nothing, and no directory is left for the post step.
func TestVaultFiles_IgnoredMissingSecretWritesNoFile(t *testing.T) {
	t.Parallel()
	bin, v, tokens := vaultServer(t)
	in := with(vaultInputs(v, "secret/data/nowhere key > KEY_FILE\nsecret/data/app nokey > NOKEY_FILE\nsecret/data/app npmToken | NPM"),
		map[string]string{"vault-ignore-not-found": "true"})
	dir := stepDir(t)
	res := run(t, testbed.Step{Binary: bin, Inputs: in, Env: tlsEnv(t, tokens), Dir: dir})
	require.Equal(t, 0, res.ExitCode, res.Stdout)
	assert.Equal(t, map[string]string{"NPM": "npm-123"}, runnertest.ToMap(res.Env))
	assert.Empty(t, res.State)
	noFilesDir(t, runnerTempOf(dir))
}

// vault-unmasked: the named output is not masked, so it can be passed to
// other jobs; the others stay masked.
func TestVaultUnmasked_OutputIsNotMasked(t *testing.T) {
	t.Parallel()
	bin, v, tokens := vaultServer(t)
	in := with(vaultInputs(v, "secret/data/app some-key-123 | REGION\nsecret/data/app npmToken | NPM"),
		map[string]string{"vault-unmasked": "REGION"})
	res := run(t, testbed.Step{Binary: bin, Inputs: in, Env: tlsEnv(t, tokens)})
	require.Equal(t, 0, res.ExitCode, res.Stdout)
	assert.Equal(t, "dashed", runnertest.ToMap(res.Outputs)["REGION"])
	assert.NotContains(t, runnertest.Masks(res.Stdout), "dashed", "no ::add-mask:: for an unmasked value")
	assert.Contains(t, runnertest.Masks(res.Stdout), "npm-123", "masking stays the default")
}

// An unmasked value that holds a secret masked elsewhere in the step would
// hand that secret to other jobs: refused, naming the entry, not the value.
func TestVaultUnmasked_ValueHoldingASecretIsRefused(t *testing.T) {
	t.Parallel()
	bin, v, tokens := vaultServer(t)
	putSecret(t, v, "secret/data/unmask", map[string]any{
		"url": "postgres://ci:Pg-s3cret-77@db.example.com/app", "password": "Pg-s3cret-77"})
	tests := []struct {
		name  string
		specs string
	}{
		{"contains_another_entry", "secret/data/unmask url | DB_URL\nsecret/data/unmask password | DB_PASSWORD"},
		{"contains_a_secret_file", "secret/data/unmask url | DB_URL\nsecret/data/unmask password > DB_PASSWORD_FILE"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			in := with(vaultInputs(v, tt.specs), map[string]string{"vault-unmasked": "DB_URL"})
			dir := stepDir(t)
			res := run(t, testbed.Step{Binary: bin, Inputs: in, Env: tlsEnv(t, tokens), Dir: dir})
			require.Equal(t, 1, res.ExitCode, res.Stdout)
			assertOneError(t, res.Stdout, "Unmasked value holds a secret", "vault-unmasked names DB_URL")
			assert.NotContains(t, res.Stdout+res.Stderr, "Pg-s3cret-77", "the value is never shown")
			assert.Empty(t, res.EnvRaw)
			assert.Empty(t, res.OutputRaw)
			noFilesDir(t, runnerTempOf(dir))
		})
	}
}

// The hostile-value corpus through vault-unmasked: each value reaches env
// and outputs exactly, with no mask registered for it, and nothing else
// masked in the step is carried by it.
func TestVaultUnmasked_HostileValuesReachOutputsExactly(t *testing.T) {
	t.Parallel()
	bin, v, tokens := vaultServer(t)
	values := loadHostileValues(t)
	data := map[string]any{}
	var specs, names []string
	var want []runnertest.Entry
	for i, hv := range values {
		key := fmt.Sprintf("h%02d", i)
		name := "U" + strings.ToUpper(key)
		data[key] = hv.Value
		specs = append(specs, fmt.Sprintf("secret/data/hostile-unmasked %s | %s", key, name))
		names = append(names, name)
		want = append(want, runnertest.Entry{Name: name, Value: hv.Value})
	}
	putSecret(t, v, "secret/data/hostile-unmasked", data)
	in := with(vaultInputs(v, strings.Join(specs, "\n")), map[string]string{"vault-unmasked": strings.Join(names, "\n")})
	res := run(t, testbed.Step{Binary: bin, Inputs: in, Env: tlsEnv(t, tokens)})
	require.Equal(t, 0, res.ExitCode, "stdout:\n%s\nstderr:\n%s", res.Stdout, res.Stderr)
	assert.Equal(t, want, res.Env, "GITHUB_ENV")
	assert.Equal(t, want, res.Outputs, "GITHUB_OUTPUT")
	masks := runnertest.Masks(res.Stdout)
	token := vaultTokenFrom(t, res.Stdout)
	for _, hv := range values {
		assert.NotContains(t, masks, hv.Value, "%s is not masked", hv.Name)
		assert.NotContains(t, hv.Value, token)
	}
}
