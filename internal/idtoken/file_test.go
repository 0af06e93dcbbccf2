package idtoken_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/federate-action/federate/internal/idtoken"
)

func TestFile_Token(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(content), 0o600))
		return p
	}
	good := write("good.jwt", "a.b.c\n")
	link := filepath.Join(dir, "link.jwt")
	require.NoError(t, os.Symlink(good, link))
	tests := []struct {
		name    string
		path    string
		want    string
		wantErr string
	}{
		{name: "trimmed_token", path: good, want: "a.b.c"},
		{name: "symlink_refused", path: link, wantErr: "symbolic link"},
		{name: "missing_file", path: filepath.Join(dir, "nope"), wantErr: "cannot be read"},
		{name: "directory_refused", path: dir, wantErr: "not a regular file"},
		{name: "not_a_jwt", path: write("bad.jwt", "hello"), wantErr: "does not hold a JWT"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := (&idtoken.File{Path: tt.path}).Token(context.Background(), "ignored")
			if tt.wantErr != "" {
				require.ErrorContains(t, err, tt.wantErr)
				var fe *idtoken.FileError
				require.ErrorAs(t, err, &fe)
				assert.Equal(t, "Invalid input web-identity-token-file", fe.Title())
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got.Reveal())
		})
	}
}
