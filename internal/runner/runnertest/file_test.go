package runnertest

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseFile(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		data    []byte // nil: the file is not created
		want    []Entry
		wantErr string
	}{
		{name: "missing_file_is_empty"},
		{name: "plain_utf8", data: []byte("A=1\nK<<EOF\nv\nEOF\n"), want: []Entry{{"A", "1"}, {"K", "v"}}},
		{name: "utf8_bom_stripped", data: []byte("\xEF\xBB\xBFA=é\n"), want: []Entry{{"A", "é"}}},
		{name: "utf16le_bom", data: []byte{0xFF, 0xFE, 'A', 0, '=', 0, '1', 0, '\n', 0}, want: []Entry{{"A", "1"}}},
		{name: "utf16be_bom", data: []byte{0xFE, 0xFF, 0, 'A', 0, '=', 0, '1'}, want: []Entry{{"A", "1"}}},
		{name: "utf32le_bom", data: []byte{0xFF, 0xFE, 0, 0, 'A', 0, 0, 0, '=', 0, 0, 0, '1', 0, 0, 0}, want: []Entry{{"A", "1"}}},
		{name: "invalid_utf8_replaced", data: []byte("A=\xff\n"), want: []Entry{{"A", "\uFFFD"}}},
		{name: "parse_error_names_the_file", data: []byte("A=1\nbad\n"), want: []Entry{{"A", "1"}}, wantErr: "Invalid format 'bad'"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "set_env_x")
			if tc.data != nil {
				require.NoError(t, os.WriteFile(path, tc.data, 0o600))
			}
			got, err := ParseFile(path)
			if tc.wantErr == "" {
				require.NoError(t, err)
			} else {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.wantErr)
				assert.Contains(t, err.Error(), path)
			}
			assert.Equal(t, tc.want, got)
		})
	}
}
