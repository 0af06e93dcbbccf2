package idtoken_test

import (
	"context"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/federate-action/federate/internal/idtoken"
)

func TestFile_Token(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(root, name)
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o700))
		require.NoError(t, os.WriteFile(p, []byte(content), 0o600))
		return p
	}
	good := write("good.jwt", "a.b.c\n")
	link := filepath.Join(root, "link.jwt")
	require.NoError(t, os.Symlink(good, link))
	// A directory link inside the workspace that leads out of it.
	outside := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(outside, "token.jwt"), []byte("a.b.c"), 0o600))
	require.NoError(t, os.Symlink(outside, filepath.Join(root, "linked-dir")))
	fifo := filepath.Join(root, "fifo.jwt")
	require.NoError(t, syscall.Mkfifo(fifo, 0o600))
	nested := write("sub/dir/token.jwt", "x.y.z")

	tests := []struct {
		name    string
		path    string
		root    string
		want    string
		wantErr string
	}{
		{name: "trimmed_token", path: good, root: root, want: "a.b.c"},
		{name: "nested_directories_without_links", path: nested, root: root, want: "x.y.z"},
		{name: "without_root_only_the_file_is_checked", path: good, want: "a.b.c"},
		{name: "symlink_refused", path: link, root: root, wantErr: "symbolic link"},
		{name: "symlinked_directory_in_the_path_refused", path: filepath.Join(root, "linked-dir", "token.jwt"), root: root, wantErr: "linked-dir, a symbolic link"},
		{name: "path_outside_the_root_refused", path: filepath.Join(outside, "token.jwt"), root: root, wantErr: "is not inside " + root},
		{name: "dot_dot_out_of_the_root_refused", path: filepath.Join(root, "..", filepath.Base(outside), "token.jwt"), root: root, wantErr: "is not inside"},
		{name: "fifo_refused_without_blocking", path: fifo, root: root, wantErr: "not a regular file (it is a named pipe (FIFO))"},
		{name: "fifo_refused_without_root", path: fifo, wantErr: "not a regular file"},
		{name: "missing_file", path: filepath.Join(root, "nope"), root: root, wantErr: "cannot be read: no such file"},
		{name: "directory_refused", path: filepath.Join(root, "sub"), root: root, wantErr: "not a regular file (it is a directory)"},
		{name: "file_as_a_directory_refused", path: filepath.Join(good, "x"), root: root, wantErr: "is not a directory"},
		{name: "not_a_jwt", path: write("bad.jwt", "hello"), root: root, wantErr: "does not hold a JWT"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			type result struct {
				token string
				err   error
			}
			done := make(chan result, 1)
			go func() {
				got, err := (&idtoken.File{Path: tt.path, Root: tt.root}).Token(ctx, "ignored")
				done <- result{got.Reveal(), err}
			}()
			var r result
			select {
			case r = <-done:
			case <-time.After(2 * time.Second):
				t.Fatal("reading the token file did not end")
			}
			if tt.wantErr != "" {
				require.ErrorContains(t, r.err, tt.wantErr)
				var fe *idtoken.FileError
				require.ErrorAs(t, r.err, &fe)
				assert.Equal(t, "Invalid input web-identity-token-file", fe.Title())
				return
			}
			require.NoError(t, r.err)
			assert.Equal(t, tt.want, r.token)
		})
	}
}
