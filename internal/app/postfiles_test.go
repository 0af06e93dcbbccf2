package app_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/federate-action/federate/internal/app"
	"github.com/federate-action/federate/internal/mapping"
)

func TestPost_DeletesTheAWSFiles(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		dir         func(temp string) string
		wantGone    bool
		wantMessage string
	}{
		{"files_dir_is_deleted", func(temp string) string { return filepath.Join(temp, "federate-0a1b2c3d") },
			true, "deleted the AWS profile files"},
		{"dir_outside_runner_temp_is_only_warned_about", func(string) string { return "" },
			false, "::warning::could not delete the AWS profile files"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			temp := t.TempDir()
			dir := tt.dir(temp)
			if dir == "" {
				dir = filepath.Join(t.TempDir(), "federate-0a1b2c3d")
			}
			require.NoError(t, os.Mkdir(dir, 0o700))
			require.NoError(t, os.WriteFile(filepath.Join(dir, "credentials"), []byte("k"), 0o600))
			env := map[string]string{"RUNNER_TEMP": temp, "STATE_" + mapping.StateAWSFilesDir: dir}
			var stdout bytes.Buffer

			err := app.Post(context.Background(), app.Deps{
				Getenv: func(k string) string { return env[k] }, Stdout: &stdout, Now: time.Now, Rand: rand.Reader,
			})
			require.NoError(t, err, "a cleanup never fails the job")
			assert.Contains(t, stdout.String(), tt.wantMessage)
			if tt.wantGone {
				assert.NoDirExists(t, dir)
			} else {
				assert.DirExists(t, dir)
			}
		})
	}
}

// A token left in the state with inputs that no longer name a Vault is
// only warned about, with the reason, and never shown.
func TestPost_TokenWithoutVaultInputsIsOnlyWarnedAbout(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		inputs      map[string]string
		wantMessage string
	}{
		{"no_vault_inputs", map[string]string{"INPUT_ROLE-TO-ASSUME": "arn:aws:iam::111122223333:role/ci", "INPUT_AWS-REGION": "eu-west-1",
			"ACTIONS_ID_TOKEN_REQUEST_URL": "https://token.example/", "ACTIONS_ID_TOKEN_REQUEST_TOKEN": "request-token", "GITHUB_ENV": "/dev/null", "GITHUB_OUTPUT": "/dev/null"},
			"::warning::could not revoke the Vault token: the step's inputs do not configure Vault; it expires at the end of its TTL"},
		{"invalid_inputs", map[string]string{"INPUT_VAULT-URL": "not a url"},
			"::warning::could not revoke the Vault token: the step's inputs do not configure Vault ("},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			env := map[string]string{"RUNNER_TEMP": t.TempDir(), "STATE_" + mapping.StateVaultToken: "hvs.posttoken"}
			for k, v := range tt.inputs {
				env[k] = v
			}
			var stdout bytes.Buffer

			err := app.Post(context.Background(), app.Deps{
				Getenv: func(k string) string { return env[k] }, Stdout: &stdout, Now: time.Now, Rand: rand.Reader,
			})
			require.NoError(t, err, "a cleanup never fails the job")
			assert.Contains(t, stdout.String(), tt.wantMessage)
			assert.NotContains(t, stdout.String(), "<nil>")
			assert.NotContains(t, strings.ReplaceAll(stdout.String(), "::add-mask::hvs.posttoken", ""), "hvs.posttoken")
		})
	}
}
