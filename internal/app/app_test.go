package app_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/federate-action/federate/internal/app"
	"github.com/federate-action/federate/internal/inputs"
	"github.com/federate-action/federate/internal/plan"
)

func TestRun_RefusesBadInputBeforeAnyRequest(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	envFile, outFile := filepath.Join(dir, "env"), filepath.Join(dir, "out")
	require.NoError(t, os.WriteFile(envFile, nil, 0o600))
	require.NoError(t, os.WriteFile(outFile, nil, 0o600))
	tests := []struct {
		name    string
		env     map[string]string
		wantErr any
	}{
		{"bad_region", map[string]string{"INPUT_ROLE-TO-ASSUME": "arn:aws:iam::111122223333:role/r", "INPUT_AWS-REGION": "nowhere"}, new(*inputs.Error)},
		{"no_permission", map[string]string{"INPUT_ROLE-TO-ASSUME": "arn:aws:iam::111122223333:role/r", "INPUT_AWS-REGION": "us-east-1", "ACTIONS_ID_TOKEN_REQUEST_URL": ""}, new(*plan.EnvError)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			env := map[string]string{"GITHUB_ENV": envFile, "GITHUB_OUTPUT": outFile,
				"ACTIONS_ID_TOKEN_REQUEST_URL": "http://127.0.0.1:1/never", "ACTIONS_ID_TOKEN_REQUEST_TOKEN": "t"}
			for k, v := range tt.env {
				env[k] = v
			}
			var stdout bytes.Buffer
			err := app.Run(context.Background(), app.Deps{
				Getenv: func(k string) string { return env[k] }, Stdout: &stdout,
				HTTP: &http.Client{Transport: failingTransport{t}}, Now: time.Now, Rand: rand.Reader,
			})
			require.ErrorAs(t, err, tt.wantErr)
			b, _ := os.ReadFile(envFile)
			assert.Empty(t, b)
		})
	}
}

// failingTransport fails the test on any request: validation must come first.
type failingTransport struct{ t *testing.T }

func (f failingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	f.t.Errorf("unexpected request to %s", r.URL)
	return nil, http.ErrHandlerTimeout
}

func TestRun_MasksAccountIDsBeforeAnInputErrorNamesThem(t *testing.T) {
	t.Parallel()
	env := map[string]string{
		"INPUT_ROLE-TO-ASSUME":      "arn:aws:iam::111122223333:role/r",
		"INPUT_AWS-REGION":          "us-east-1",
		"INPUT_ALLOWED-ACCOUNT-IDS": "444455556666",
		"INPUT_MASK-AWS-ACCOUNT-ID": "true",
	}
	var stdout bytes.Buffer
	err := app.Run(context.Background(), app.Deps{
		Getenv: func(k string) string { return env[k] }, Stdout: &stdout,
		HTTP: &http.Client{Transport: failingTransport{t}}, Now: time.Now, Rand: rand.Reader,
	})
	require.ErrorContains(t, err, "111122223333", "the error names the account...")
	assert.Contains(t, stdout.String(), "::add-mask::111122223333\n", "...which is masked before it is printed")
	assert.Contains(t, stdout.String(), "::add-mask::444455556666\n")
}

func TestRun_MasksProfileAccountIDsBeforeAnInputErrorNamesThem(t *testing.T) {
	t.Parallel()
	env := map[string]string{
		"INPUT_AWS-REGION":          "us-east-1",
		"INPUT_AWS-PROFILES":        "p arn:aws:iam::222233334444:role/x",
		"INPUT_ALLOWED-ACCOUNT-IDS": "111122223333",
		"INPUT_MASK-AWS-ACCOUNT-ID": "true",
		"RUNNER_TEMP":               t.TempDir(),
	}
	var stdout bytes.Buffer
	err := app.Run(context.Background(), app.Deps{
		Getenv: func(k string) string { return env[k] }, Stdout: &stdout,
		HTTP: &http.Client{Transport: failingTransport{t}}, Now: time.Now, Rand: rand.Reader,
	})
	require.ErrorContains(t, err, "222233334444", "the error names the profile's account...")
	assert.Contains(t, stdout.String(), "::add-mask::222233334444\n", "...which is masked before it is printed")
}

func TestRun_StepRefusesTheCommandLineOnlyTokenInputs(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		input string
		value string
	}{
		{name: "id_token_env_refused", input: "ID-TOKEN-ENV", value: "MY_TOKEN"},
		{name: "id_token_file_refused_outside_the_workspace_rule", input: "ID-TOKEN-FILE", value: "/etc/hostname"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			envFile := filepath.Join(dir, "env")
			require.NoError(t, os.WriteFile(envFile, nil, 0o600))
			env := map[string]string{"GITHUB_ENV": envFile, "GITHUB_OUTPUT": filepath.Join(dir, "out"),
				"ACTIONS_ID_TOKEN_REQUEST_URL": "http://127.0.0.1:1/never", "ACTIONS_ID_TOKEN_REQUEST_TOKEN": "t",
				"INPUT_ROLE-TO-ASSUME": "arn:aws:iam::111122223333:role/r", "INPUT_AWS-REGION": "us-east-1",
				"INPUT_" + tt.input: tt.value, "MY_TOKEN": "a.b.c"}
			var stdout bytes.Buffer
			err := app.Run(context.Background(), app.Deps{
				Getenv: func(k string) string { return env[k] }, Stdout: &stdout,
				HTTP: &http.Client{Transport: failingTransport{t}}, Now: time.Now, Rand: rand.Reader,
			})
			var inputErr *inputs.Error
			require.ErrorAs(t, err, &inputErr)
			assert.Contains(t, err.Error(), "this input exists only in the federate CLI")
			assert.NotContains(t, err.Error(), tt.value, "the value may be the token itself")
		})
	}
}

func TestCompute_CommandLineHonoursIDTokenEnv(t *testing.T) {
	t.Parallel()
	env := map[string]string{"GITHUB_ENV": os.DevNull, "GITHUB_OUTPUT": os.DevNull,
		"INPUT_ROLE-TO-ASSUME": "arn:aws:iam::111122223333:role/r", "INPUT_AWS-REGION": "us-east-1",
		"INPUT_ID-TOKEN-ENV": "MY_TOKEN"}
	var stdout bytes.Buffer
	// MY_TOKEN is unset: the run stops at reading it, before any request,
	// which shows the input was honoured rather than refused.
	_, err := app.Compute(context.Background(), app.Deps{
		Getenv: func(k string) string { return env[k] }, Stdout: &stdout,
		HTTP: &http.Client{Transport: failingTransport{t}}, Now: time.Now, Rand: rand.Reader, CommandLine: true,
	})
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "exists only in the federate CLI")
	assert.Contains(t, err.Error(), "MY_TOKEN")
}
