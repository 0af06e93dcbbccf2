package export_test

import (
	"io/fs"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/federate-action/federate/internal/export"
	"github.com/federate-action/federate/internal/secret"
)

func TestSet_File(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		add     func(s *export.Set) error
		wantErr string
	}{
		{"absolute_clean_path_is_taken", func(s *export.Set) error {
			return s.File("/tmp/federate-1/config", export.Public("[default]\n"), "aws-profiles")
		}, ""},
		{"executable_is_taken", func(s *export.Set) error {
			return s.Executable("/tmp/federate-1/federate", "/proc/self/exe", "refresh-credentials")
		}, ""},
		{"relative_path_is_refused", func(s *export.Set) error {
			return s.File("federate-1/config", export.Public(""), "aws-profiles")
		}, "must be absolute and clean"},
		{"dot_dot_path_is_refused", func(s *export.Set) error {
			return s.File("/tmp/federate-1/../config", export.Public(""), "aws-profiles")
		}, "must be absolute and clean"},
		{"trailing_slash_is_refused", func(s *export.Set) error {
			return s.File("/tmp/config/", export.Public(""), "aws-profiles")
		}, "must be absolute and clean"},
		{"executable_without_source_is_refused", func(s *export.Set) error {
			return s.Executable("/tmp/f", "", "refresh-credentials")
		}, "no file to copy"},
		{"duplicate_path_is_refused", func(s *export.Set) error {
			require.NoError(t, s.File("/tmp/x", export.Public("a"), "first"))
			return s.Executable("/tmp/x", "/proc/self/exe", "second")
		}, "file /tmp/x is set twice: by first and by second"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var s export.Set
			err := tt.add(&s)
			if tt.wantErr != "" {
				require.ErrorContains(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			require.Len(t, s.Files(), 1)
		})
	}
}

func TestSet_FileModesAndContent(t *testing.T) {
	t.Parallel()
	var s export.Set
	require.NoError(t, s.File("/d/credentials", export.Secret(secret.New("k")), "aws-profiles"))
	require.NoError(t, s.Executable("/d/federate", "/proc/self/exe", "refresh-credentials"))
	files := s.Files()
	assert.Equal(t, fs.FileMode(0o600), files[0].Mode)
	assert.Equal(t, "k", files[0].Value.Reveal())
	assert.Empty(t, s.Masks(), "a whole file is no mask; its credentials are masked where they are made")
	assert.Equal(t, fs.FileMode(0o700), files[1].Mode)
	assert.Equal(t, "/proc/self/exe", files[1].From)
}
