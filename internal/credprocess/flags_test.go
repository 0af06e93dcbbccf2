package credprocess_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func write(t *testing.T, path, content string, mode os.FileMode) {
	t.Helper()
	require.NoError(t, os.WriteFile(path, []byte(content), mode))
	require.NoError(t, os.Chmod(path, mode))
}

func dirOf(path string) string { return filepath.Dir(path) }

// TestRun_RefusesBadFlagsAndAMissingTokenService needs no server: every
// case fails before any request.
func TestRun_RefusesBadFlagsAndAMissingTokenService(t *testing.T) {
	t.Parallel()
	base := []string{"--role-arn", "arn:aws:iam::123456789012:role/credproc", "--region", "us-east-1"}
	tokenEnv := map[string]string{"ACTIONS_ID_TOKEN_REQUEST_URL": "http://127.0.0.1:1/token", "ACTIONS_ID_TOKEN_REQUEST_TOKEN": "request-secret"}
	tests := []struct {
		name    string
		args    []string
		env     map[string]string
		wantErr string
	}{
		{name: "no_cache", args: base, env: tokenEnv, wantErr: "flag --cache is required"},
		{name: "no_region", args: []string{"--role-arn", "arn:aws:iam::123456789012:role/x", "--cache", "c"}, env: tokenEnv,
			wantErr: "flag --region is required"},
		{name: "bad_role", args: []string{"--role-arn", "deploy", "--region", "us-east-1", "--cache", "c"}, env: tokenEnv,
			wantErr: `flag --role-arn has an invalid value "deploy": use the full role ARN`},
		{name: "duration_out_of_range", args: append(base, "--duration-seconds", "60", "--cache", "c"), env: tokenEnv,
			wantErr: `flag --duration-seconds has an invalid value "60": use a whole number from 900 to 43200`},
		{name: "negative_attempts", args: append(base, "--retry-max-attempts", "-1", "--cache", "c"), env: tokenEnv,
			wantErr: `flag --retry-max-attempts has an invalid value -1`},
		{name: "session_name", args: append(base, "--session-name", "a b", "--cache", "c"), env: tokenEnv,
			wantErr: `flag --session-name has an invalid value "a b"`},
		{name: "remote_plain_http_endpoint", args: append(base, "--sts-endpoint", "http://sts.example.com", "--cache", "c"), env: tokenEnv,
			wantErr: "flag --sts-endpoint has an invalid value"},
		{name: "unknown_flag", args: append(base, "--profile", "x"), env: tokenEnv, wantErr: "flag provided but not defined: -profile"},
		{name: "stray_argument", args: append(base, "--cache", "c", "extra"), env: tokenEnv, wantErr: `unexpected argument "extra"`},
		{name: "no_token_service", args: append(base, "--cache", "CACHE"), env: map[string]string{},
			wantErr: "ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN are not set: the job needs `permissions: id-token: write`, and the runner sets these variables only in the steps of such a job"},
		{name: "token_service_url_without_its_token", args: append(base, "--cache", "CACHE"),
			env: map[string]string{"ACTIONS_ID_TOKEN_REQUEST_URL": "http://127.0.0.1:1/token"}, wantErr: "`permissions: id-token: write`"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			args := make([]string, len(tt.args))
			for i, a := range tt.args {
				args[i] = strings.ReplaceAll(a, "CACHE", filepath.Join(dir, "cache.json"))
			}
			res := runWith(t, args, tt.env, nil)
			require.Error(t, res.err)
			assert.Contains(t, res.err.Error(), tt.wantErr)
			assert.Empty(t, res.stdout)
			assert.Equal(t, "federate credential-process: "+res.err.Error()+"\n", res.stderr, "one line on stderr")
			assert.NotContains(t, res.stderr, "request-secret")
			assert.NoFileExists(t, filepath.Join(dir, "cache.json"))
		})
	}
}
