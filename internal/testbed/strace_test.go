package testbed

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestOpenedPaths(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		trace string
		want  []string
	}{
		{
			name: "keeps_the_successful_opens_of_the_named_command_only",
			trace: `100<podman> openat(AT_FDCWD, "/var/lib/containers/storage/vfs/dir/x/etc/ssl", O_RDONLY|O_CLOEXEC) = 9
200<federate> openat(AT_FDCWD, "/etc/ssl/certs/ca-certificates.crt", O_RDONLY|O_CLOEXEC) = -1 ENOENT (No such file or directory)
200<federate> openat(AT_FDCWD, "/etc/ssl/certs", O_RDONLY|O_CLOEXEC) = 7
201<federate> openat(AT_FDCWD, "/etc/ssl/certs/public-roots.pem", O_RDONLY|O_CLOEXEC) = 8
`,
			want: []string{"/etc/ssl/certs", "/etc/ssl/certs/public-roots.pem"},
		},
		{
			name: "joins_a_call_split_by_another_thread",
			trace: `201<federate> openat(AT_FDCWD, "/etc/ssl/cert.pem", O_RDONLY|O_CLOEXEC <unfinished ...>
202<federate> openat(AT_FDCWD, "/etc/hosts", O_RDONLY|O_CLOEXEC <unfinished ...>
300<conmon> <... openat resumed>) = 3
201<federate> <... openat resumed>) = 7
202<federate> <... openat resumed>) = -1 ENOENT (No such file or directory)
`,
			want: []string{"/etc/ssl/cert.pem"},
		},
		{
			name:  "reads_open_as_well_as_openat_and_escaped_names",
			trace: `5<federate> open("/tmp/a \"b\"", O_RDONLY) = 3` + "\n",
			want:  []string{`/tmp/a "b"`},
		},
		{
			name:  "nothing_opened",
			trace: `1<federate> +++ exited with 0 +++` + "\n",
			want:  nil,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := openedPaths(tc.trace, "federate")
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}
