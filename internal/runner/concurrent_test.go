//go:build linux

package runner_test

import (
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/federate-action/federate/internal/export"
	"github.com/federate-action/federate/internal/runner"
	"github.com/federate-action/federate/internal/runner/runnertest"
	"github.com/federate-action/federate/internal/secret"
)

// appendEntry appends one heredoc entry with one write, as the toolkit's
// appendFileSync does: the way other steps' tools write GITHUB_ENV.
func appendEntry(t *testing.T, path, name, value string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	require.NoError(t, err)
	defer f.Close()
	_, err = f.WriteString(name + "<<ghadelimiter_" + name + "\n" + value + "\nghadelimiter_" + name + "\n")
	require.NoError(t, err)
}

// A commit that fails after another writer appended behind its entries
// must take back its own entries only. The output file is a pipe kept
// full, so the commit has written GITHUB_ENV and waits on GITHUB_OUTPUT
// while the other writer appends; closing the pipe then fails it.
func TestCommit_AFailedCommitKeepsEntriesAppendedAfterIt(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	envPath, fifo := filepath.Join(dir, "set_env"), filepath.Join(dir, "set_output")
	require.NoError(t, os.WriteFile(envPath, nil, 0o600))
	require.NoError(t, syscall.Mkfifo(fifo, 0o600))
	appendEntry(t, envPath, "BEFORE", "written before the commit")

	reader, err := os.OpenFile(fifo, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	require.NoError(t, err)
	filler, err := os.OpenFile(fifo, os.O_WRONLY|syscall.O_NONBLOCK, 0)
	require.NoError(t, err)
	fillPipe(t, filler)

	env := map[string]string{"GITHUB_ENV": envPath, "GITHUB_OUTPUT": fifo}
	var stdout strings.Builder
	r := runner.New(func(k string) string { return env[k] }, &stdout, rand.Reader)
	var set export.Set
	require.NoError(t, set.Env("AWS_SECRET_ACCESS_KEY", export.Secret(secret.New("s3cr3t-of-the-failed-commit")), "t"))
	require.NoError(t, set.Output("aws-account-id", export.Public("111122223333"), "t"))
	done := make(chan error, 1)
	go func() { done <- r.Commit(&set) }()

	require.Eventually(t, func() bool { return strings.Contains(read(t, envPath), "AWS_SECRET_ACCESS_KEY") },
		10*time.Second, time.Millisecond, "the commit writes GITHUB_ENV, then waits on the full pipe")
	appendEntry(t, envPath, "AFTER", "written while the commit was under way")
	require.NoError(t, reader.Close())
	require.NoError(t, filler.Close())

	err = <-done
	var we *runner.WriteError
	require.ErrorAs(t, err, &we)
	assert.Equal(t, "GITHUB_OUTPUT", we.File)
	got := read(t, envPath)
	assert.NotContains(t, got, "s3cr3t", "the failed commit's secret is gone from disk")
	assert.Equal(t, []runnertest.Entry{
		{Name: "BEFORE", Value: "written before the commit"},
		{Name: "AFTER", Value: "written while the commit was under way"},
	}, parsed(t, envPath))
}

// fillPipe writes to a non-blocking pipe until it is full.
func fillPipe(t *testing.T, w *os.File) {
	t.Helper()
	chunk := make([]byte, 4096)
	for {
		rc, err := w.SyscallConn()
		require.NoError(t, err)
		var werr error
		require.NoError(t, rc.Control(func(fd uintptr) { _, werr = syscall.Write(int(fd), chunk) }))
		if errors.Is(werr, syscall.EAGAIN) {
			return
		}
		require.NoError(t, werr)
	}
}

// Many writers append to one GITHUB_ENV at once while commits run, half
// of which fail on their output file. Every other writer's entry and
// every successful commit's entry must come back whole, no failed
// commit's entry may remain, and the runner must be able to read the file.
func TestCommit_ConcurrentWritersAndFailedCommitsKeepEveryOtherEntry(t *testing.T) {
	t.Parallel()
	if _, err := os.Stat("/dev/full"); err != nil {
		t.Skip("needs /dev/full to make a write fail")
	}
	const writers, entriesEach, commits = 8, 300, 40
	dir := t.TempDir()
	envPath := filepath.Join(dir, "set_env")
	require.NoError(t, os.WriteFile(envPath, nil, 0o600))

	want := map[string]string{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range entriesEach {
				name, value := fmt.Sprintf("OTHER_%d_%d", w, i), fmt.Sprintf("line one %d\nline two %d", i, w)
				appendEntry(t, envPath, name, value)
				mu.Lock()
				want[name] = value
				mu.Unlock()
			}
		}()
	}
	for c := range commits {
		wg.Add(1)
		go func() {
			defer wg.Done()
			fails := c%2 == 0
			output := filepath.Join(dir, fmt.Sprintf("set_output_%d", c))
			if fails {
				output = "/dev/full"
			} else {
				require.NoError(t, os.WriteFile(output, nil, 0o600))
			}
			env := map[string]string{"GITHUB_ENV": envPath, "GITHUB_OUTPUT": output}
			var stdout strings.Builder
			r := runner.New(func(k string) string { return env[k] }, &stdout, rand.Reader)
			var set export.Set
			name, value := fmt.Sprintf("COMMIT_%d", c), fmt.Sprintf("s3cr3t-%d\nsecond line", c)
			require.NoError(t, set.Env(name, export.Secret(secret.New(value)), "t"))
			require.NoError(t, set.Output("out", export.Public(strings.Repeat("o", 8192)), "t"))
			err := r.Commit(&set)
			if fails {
				assert.Error(t, err)
				return
			}
			assert.NoError(t, err)
			mu.Lock()
			want[name] = value
			mu.Unlock()
		}()
	}
	wg.Wait()

	entries, err := runnertest.ParseFile(envPath)
	require.NoError(t, err, "the runner can read the whole file")
	assert.Equal(t, want, runnertest.ToMap(entries))
	assert.Len(t, entries, len(want), "no entry twice")
	for c := 0; c < commits; c += 2 {
		assert.NotContains(t, read(t, envPath), fmt.Sprintf("s3cr3t-%d\n", c), "a failed commit leaves no secret")
	}
}

// A writer that holds flock(2) on the file (flock(1) in a script, another
// copy of this action) is waited for, not written through.
func TestCommit_WaitsForAWriterThatHoldsTheLock(t *testing.T) {
	t.Parallel()
	f := newFiles(t)
	held, err := os.OpenFile(f.env, os.O_WRONLY|os.O_APPEND, 0)
	require.NoError(t, err)
	defer held.Close()
	require.NoError(t, syscall.Flock(int(held.Fd()), syscall.LOCK_EX))

	r := f.runner(rand.Reader)
	var set export.Set
	require.NoError(t, set.Env("A", export.Public("1"), "t"))
	done := make(chan error, 1)
	go func() { done <- r.Commit(&set) }()

	_, err = held.WriteString("HELD<<ghadelimiter_h\n")
	require.NoError(t, err)
	time.Sleep(50 * time.Millisecond) // a second write of a multi-write entry
	_, err = held.WriteString("one entry in two writes\nghadelimiter_h\n")
	require.NoError(t, err)
	select {
	case err := <-done:
		t.Fatalf("the commit did not wait for the lock: %v", err)
	default:
	}
	require.NoError(t, syscall.Flock(int(held.Fd()), syscall.LOCK_UN))
	require.NoError(t, <-done)
	assert.Equal(t, []runnertest.Entry{{Name: "HELD", Value: "one entry in two writes"}, {Name: "A", Value: "1"}}, parsed(t, f.env))
}

func TestCommit_AStuckLockFailsWithoutWriting(t *testing.T) {
	t.Parallel()
	f := newFiles(t)
	held, err := os.OpenFile(f.output, os.O_WRONLY|os.O_APPEND, 0)
	require.NoError(t, err)
	defer held.Close()
	require.NoError(t, syscall.Flock(int(held.Fd()), syscall.LOCK_EX))

	r := f.runner(rand.Reader)
	runner.SetLockWait(r, 20*time.Millisecond)
	var set export.Set
	require.NoError(t, set.Env("A", export.Public("1"), "t"))
	require.NoError(t, set.Output("a", export.Public("1"), "t"))
	err = r.Commit(&set)
	var we *runner.WriteError
	require.ErrorAs(t, err, &we)
	assert.Equal(t, "GITHUB_OUTPUT", we.File)
	assert.Contains(t, err.Error(), "held a lock")
	assert.Empty(t, read(t, f.env), "nothing is written to any file")
	assert.Empty(t, read(t, f.output))
}

// A local run may point GITHUB_ENV and GITHUB_OUTPUT at one file. The
// commit must not wait on its own lock (flock belongs to an open file, so
// a second open of the same file would), and both commands' entries land.
func TestCommit_TwoCommandsNamingOneFileAreWrittenTogether(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "commands")
	require.NoError(t, os.WriteFile(path, nil, 0o600))
	env := map[string]string{"GITHUB_ENV": path, "GITHUB_OUTPUT": path}
	var stdout strings.Builder
	r := runner.New(func(k string) string { return env[k] }, &stdout, rand.Reader)
	runner.SetLockWait(r, 200*time.Millisecond)
	var set export.Set
	require.NoError(t, set.Env("REGION", export.Public("eu-west-1"), "t"))
	require.NoError(t, set.Output("aws-account-id", export.Public("111122223333"), "t"))

	require.NoError(t, r.Commit(&set))

	assert.Equal(t, []runnertest.Entry{
		{Name: "REGION", Value: "eu-west-1"},
		{Name: "aws-account-id", Value: "111122223333"},
	}, parsed(t, path))
}
