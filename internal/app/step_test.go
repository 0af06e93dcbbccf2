package app_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/federate-action/federate/internal/app"
)

// fakeJWT is what the test token services hand out: these tests never
// reach a server that verifies it.
const fakeJWT = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln"

// stepEnv is a step's environment: the runner's file-command files, fresh
// and empty, plus inputs (by their action.yml names) and other variables.
func stepEnv(t *testing.T, inputs, vars map[string]string) map[string]string {
	t.Helper()
	dir := t.TempDir()
	env := map[string]string{}
	for _, name := range []string{"GITHUB_ENV", "GITHUB_OUTPUT", "GITHUB_STATE", "GITHUB_STEP_SUMMARY"} {
		path := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(path, nil, 0o600))
		env[name] = path
	}
	for k, v := range inputs {
		env["INPUT_"+strings.ToUpper(k)] = v
	}
	for k, v := range vars {
		env[k] = v
	}
	return env
}

// awsStep is a step that assumes a role through stsURL with tokens from
// tokenURL.
func awsStep(t *testing.T, tokenURL, stsURL string, inputs map[string]string) map[string]string {
	t.Helper()
	in := map[string]string{"role-to-assume": "arn:aws:iam::111122223333:role/r", "aws-region": "us-east-1",
		"sts-endpoint": stsURL, "retry-max-attempts": "2"}
	for k, v := range inputs {
		in[k] = v
	}
	return stepEnv(t, in, map[string]string{
		"ACTIONS_ID_TOKEN_REQUEST_URL":   tokenURL + "/token?api-version=2.0",
		"ACTIONS_ID_TOKEN_REQUEST_TOKEN": "request-token",
	})
}

// runStep runs the step with client and returns what it printed.
func runStep(ctx context.Context, env map[string]string, client *http.Client) (string, error) {
	var stdout bytes.Buffer
	err := app.Run(ctx, app.Deps{Getenv: func(k string) string { return env[k] }, Stdout: &stdout,
		HTTP: client, Now: time.Now, Rand: rand.Reader})
	return stdout.String(), err
}

// exported reads what the step wrote to GITHUB_ENV.
func exported(t *testing.T, env map[string]string) string {
	t.Helper()
	b, err := os.ReadFile(env["GITHUB_ENV"])
	require.NoError(t, err)
	return string(b)
}
