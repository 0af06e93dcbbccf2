package runner_test

import (
	"bytes"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/federate-action/federate/internal/export"
	"github.com/federate-action/federate/internal/runner"
	"github.com/federate-action/federate/internal/runner/runnertest"
	"github.com/federate-action/federate/internal/secret"
)

// files is one step's file commands in a temp dir.
type files struct {
	env, output, summary string
	stdout               bytes.Buffer
}

func newFiles(t *testing.T) *files {
	t.Helper()
	dir := t.TempDir()
	f := &files{
		env:     filepath.Join(dir, "set_env"),
		output:  filepath.Join(dir, "set_output"),
		summary: filepath.Join(dir, "step_summary"),
	}
	for _, p := range []string{f.env, f.output, f.summary} {
		require.NoError(t, os.WriteFile(p, nil, 0o600))
	}
	return f
}

func (f *files) runner(rnd io.Reader) *runner.Runner {
	env := map[string]string{"GITHUB_ENV": f.env, "GITHUB_OUTPUT": f.output, "GITHUB_STEP_SUMMARY": f.summary}
	return runner.New(func(k string) string { return env[k] }, &f.stdout, rnd)
}

func read(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	return string(b)
}

func parsed(t *testing.T, path string) []runnertest.Entry {
	t.Helper()
	entries, err := runnertest.Parse(read(t, path))
	require.NoError(t, err)
	return entries
}

// hostileValues are secrets that try to end a heredoc early or forge
// workflow commands. Each must come back from the runner's parser as
// exactly one entry holding exactly the value.
var hostileValues = []string{
	"plain",
	"_GitHubActionsFileCommandDelimeter_\nEVIL=1",
	"x\n_GitHubActionsFileCommandDelimeter_\nEVIL<<EOF\npwned\nEOF",
	"EOF\nEVIL=1\nEOF",
	"ghadelimiter_00000000-0000-4000-8000-000000000001\nEVIL=1",
	"a=b",
	"NAME<<X\nX",
	"::add-mask::nothing\n::set-env name=EVIL::1",
	"line1\r\nline2\r\n",
	"%0AEVIL=1%25",
	"  leading and trailing  ",
	"{\"json\": [1, 2, {\"k\": \"v\"}]}",
	"ünïcødé ✓ 🔑",
	"",
}

func TestCommit_HostileValuesCannotAddVariables(t *testing.T) {
	t.Parallel()
	for i, v := range hostileValues {
		t.Run(fmt.Sprintf("value_%02d", i), func(t *testing.T) {
			t.Parallel()
			f := newFiles(t)
			var set export.Set
			require.NoError(t, set.Env("SECRET", export.Secret(secret.New(v)), "test"))
			require.NoError(t, set.Output("secret", export.Secret(secret.New(v)), "test"))
			require.NoError(t, f.runner(rand.Reader).Commit(&set))

			assert.Equal(t, []runnertest.Entry{{Name: "SECRET", Value: v}}, parsed(t, f.env))
			assert.Equal(t, []runnertest.Entry{{Name: "secret", Value: v}}, parsed(t, f.output))
		})
	}
}

func TestCommit_MasksComeBeforeAnythingElse(t *testing.T) {
	t.Parallel()
	f := newFiles(t)
	var set export.Set
	set.Summary("### done")
	require.NoError(t, set.Env("AWS_REGION", export.Public("us-east-1"), "test"))
	require.NoError(t, set.Env("AWS_SESSION_TOKEN", export.Secret(secret.New("tok-line1\ntok-line2")), "test"))
	require.NoError(t, f.runner(rand.Reader).Commit(&set))

	assert.Equal(t, "::add-mask::tok-line1%0Atok-line2\n::add-mask::tok-line1\n::add-mask::tok-line2\n", f.stdout.String())
	assert.Equal(t, []runnertest.Entry{{Name: "AWS_REGION", Value: "us-east-1"}, {Name: "AWS_SESSION_TOKEN", Value: "tok-line1\ntok-line2"}}, parsed(t, f.env))
	assert.Equal(t, "### done\n", read(t, f.summary))
}

func TestCommit_WritesNothingOnAnyRefusal(t *testing.T) {
	t.Parallel()
	zeros := func() io.Reader { return bytes.NewReader(make([]byte, 1024)) }
	const zeroDelimiter = "ghadelimiter_00000000-0000-4000-8000-000000000000"
	tests := []struct {
		name    string
		build   func(s *export.Set)
		unset   string
		wantErr string
	}{
		{"value_holds_the_delimiter", func(s *export.Set) {
			_ = s.Env("A", export.Secret(secret.New("x\n"+zeroDelimiter+"\nEVIL=1")), "t")
		}, "", "contains the heredoc delimiter"},
		{"github_env_unset", func(s *export.Set) { _ = s.Env("A", export.Public("x"), "t") }, "GITHUB_ENV", "GITHUB_ENV"},
		{"github_output_unset", func(s *export.Set) { _ = s.Output("a", export.Public("x"), "t") }, "GITHUB_OUTPUT", "GITHUB_OUTPUT"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFiles(t)
			var set export.Set
			require.NoError(t, set.Env("GOOD", export.Public("first"), "t"))
			require.NoError(t, set.Output("good", export.Public("first"), "t"))
			set.Summary("summary")
			tt.build(&set)
			env := map[string]string{"GITHUB_ENV": f.env, "GITHUB_OUTPUT": f.output, "GITHUB_STEP_SUMMARY": f.summary}
			delete(env, tt.unset)
			r := runner.New(func(k string) string { return env[k] }, &f.stdout, zeros())

			err := r.Commit(&set)
			require.ErrorContains(t, err, tt.wantErr)
			var we *runner.WriteError
			require.ErrorAs(t, err, &we)
			assert.Empty(t, read(t, f.env))
			assert.Empty(t, read(t, f.output))
			assert.Empty(t, read(t, f.summary))
			assert.NotContains(t, err.Error(), "EVIL", "errors name the variable, never the value")
		})
	}
}

func TestCommit_MissingSummaryFileIsFine(t *testing.T) {
	t.Parallel()
	f := newFiles(t)
	env := map[string]string{"GITHUB_ENV": f.env, "GITHUB_OUTPUT": f.output}
	r := runner.New(func(k string) string { return env[k] }, &f.stdout, rand.Reader)
	var set export.Set
	require.NoError(t, set.Env("A", export.Public("1"), "t"))
	set.Summary("text")
	require.NoError(t, r.Commit(&set))
	assert.Equal(t, []runnertest.Entry{{Name: "A", Value: "1"}}, parsed(t, f.env))
}

func TestMask_SendsEachMaskOnce(t *testing.T) {
	t.Parallel()
	f := newFiles(t)
	r := f.runner(rand.Reader)
	r.Mask(secret.New("abc"))
	r.Mask(secret.New("abc"))
	r.Mask(secret.New(""))
	assert.Equal(t, "::add-mask::abc\n", f.stdout.String())
}

type titledErr struct{}

func (titledErr) Error() string { return "line one\nline two: 100%" }
func (titledErr) Title() string { return "Invalid input aws-region" }

func TestFail_PrintsOneAnnotation(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"titled_error_keeps_its_title", fmt.Errorf("wrapped: %w", titledErr{}),
			"::error title=Invalid input aws-region::wrapped: line one%0Aline two: 100%25\n"},
		{"untitled_error_gets_a_generic_title", errors.New("boom"), "::error title=federate failed::boom\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFiles(t)
			f.runner(rand.Reader).Fail(tt.err)
			assert.Equal(t, tt.want, f.stdout.String())
		})
	}
}

// FuzzCommit checks that no value, however hostile, makes the runner's
// parser see another variable or a different value.
func FuzzCommit(f *testing.F) {
	for _, v := range hostileValues {
		f.Add(v)
	}
	f.Fuzz(func(t *testing.T, v string) {
		files := newFiles(t)
		var set export.Set
		if err := set.Env("SECRET", export.Secret(secret.New(v)), "fuzz"); err != nil {
			var bad *export.ValueError
			require.ErrorAs(t, err, &bad, "only a value that cannot reach a step whole is refused")
			return
		}
		if err := files.runner(rand.Reader).Commit(&set); err != nil {
			assert.Empty(t, read(t, files.env))
			return
		}
		assert.Equal(t, []runnertest.Entry{{Name: "SECRET", Value: v}}, parsed(t, files.env))
	})
}

func TestCommit_AFailedWriteIsRolledBack(t *testing.T) {
	t.Parallel()
	if _, err := os.Stat("/dev/full"); err != nil {
		t.Skip("needs /dev/full to make a write fail")
	}
	f := newFiles(t)
	earlier := "EARLIER<<ghadelimiter_x\nfrom an earlier step\nghadelimiter_x\n"
	require.NoError(t, os.WriteFile(f.env, []byte(earlier), 0o600))
	env := map[string]string{"GITHUB_ENV": f.env, "GITHUB_OUTPUT": "/dev/full", "GITHUB_STEP_SUMMARY": f.summary}
	r := runner.New(func(k string) string { return env[k] }, &f.stdout, rand.Reader)
	var set export.Set
	require.NoError(t, set.Env("AWS_SECRET_ACCESS_KEY", export.Secret(secret.New("s3cr3t")), "t"))
	require.NoError(t, set.Output("aws-account-id", export.Public("111122223333"), "t"))
	set.Summary("summary")

	err := r.Commit(&set)
	var we *runner.WriteError
	require.ErrorAs(t, err, &we)
	assert.Equal(t, "GITHUB_OUTPUT", we.File)
	got := read(t, f.env)
	require.True(t, strings.HasPrefix(got, earlier), "what earlier steps wrote stays")
	assert.Empty(t, strings.Trim(got[len(earlier):], "\n"), "ours is blanked out")
	assert.NotContains(t, got, "s3cr3t", "no secret is left on disk")
	assert.Equal(t, []runnertest.Entry{{Name: "EARLIER", Value: "from an earlier step"}}, parsed(t, f.env))
	assert.Empty(t, read(t, f.summary))
}

func TestCommit_AnUnwritableSummaryIsOnlyAWarning(t *testing.T) {
	t.Parallel()
	f := newFiles(t)
	env := map[string]string{"GITHUB_ENV": f.env, "GITHUB_OUTPUT": f.output, "GITHUB_STEP_SUMMARY": filepath.Join(t.TempDir(), "missing", "summary")}
	r := runner.New(func(k string) string { return env[k] }, &f.stdout, rand.Reader)
	var set export.Set
	require.NoError(t, set.Env("A", export.Public("1"), "t"))
	set.Summary("summary")
	require.NoError(t, r.Commit(&set))
	assert.Contains(t, f.stdout.String(), "::warning::could not write the job summary")
	assert.Equal(t, []runnertest.Entry{{Name: "A", Value: "1"}}, parsed(t, f.env))
}

func TestInfof_ServerTextCannotForgeACommand(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		arg  string
		want string
	}{
		{"newline_then_command", "denied\n::stop-commands::pwn", "attempt failed: denied\\n::stop-commands::pwn\n"},
		{"carriage_return", "a\r::add-mask::x", "attempt failed: a\\r::add-mask::x\n"},
		{"older_syntax_anywhere_in_the_line", "<p>##[stop-commands]x</p>", "attempt failed: <p>##\\[stop-commands]x</p>\n"},
		{"plain_text_unchanged", "IDPCommunicationError: try again", "attempt failed: IDPCommunicationError: try again\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFiles(t)
			f.runner(rand.Reader).Infof("attempt failed: %s", tt.arg)
			assert.Equal(t, tt.want, f.stdout.String())
		})
	}
	f := newFiles(t)
	f.runner(rand.Reader).Infof("%s", "::warning::forged")
	assert.False(t, strings.HasPrefix(f.stdout.String(), "::"), "a line never starts with ::")
}
