package app_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/federate-action/federate/internal/app"
)

// TestRun_RetryLinesShowABoundedError: a server's long error message is
// cut in the line that announces a retry; the final error is another
// matter (it is the user's one diagnosis).
func TestRun_RetryLinesShowABoundedError(t *testing.T) {
	t.Parallel()
	const jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln"
	long := strings.Repeat("slow down ", 5000)
	tokenSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte(`{"value":"` + jwt + `"}`))
	}))
	defer tokenSrv.Close()
	stsSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/xml")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte(`<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>` + long +
			`</Message></Error><RequestId>r-1</RequestId></ErrorResponse>`))
	}))
	defer stsSrv.Close()

	dir := t.TempDir()
	envFile, outFile := filepath.Join(dir, "env"), filepath.Join(dir, "out")
	require.NoError(t, os.WriteFile(envFile, nil, 0o600))
	require.NoError(t, os.WriteFile(outFile, nil, 0o600))
	env := map[string]string{
		"GITHUB_ENV": envFile, "GITHUB_OUTPUT": outFile,
		"ACTIONS_ID_TOKEN_REQUEST_URL":   tokenSrv.URL + "/token?api-version=2.0",
		"ACTIONS_ID_TOKEN_REQUEST_TOKEN": "request-token",
		"INPUT_ROLE-TO-ASSUME":           "arn:aws:iam::111122223333:role/r",
		"INPUT_AWS-REGION":               "us-east-1",
		"INPUT_STS-ENDPOINT":             stsSrv.URL,
		"INPUT_RETRY-MAX-ATTEMPTS":       "2",
	}
	var stdout bytes.Buffer
	err := app.Run(context.Background(), app.Deps{
		Getenv: func(k string) string { return env[k] }, Stdout: &stdout,
		HTTP: stsSrv.Client(), Now: time.Now, Rand: rand.Reader,
	})
	require.ErrorContains(t, err, "Throttling")
	var retries []string
	for _, line := range strings.Split(stdout.String(), "\n") {
		if strings.Contains(line, "retrying in") {
			retries = append(retries, line)
		}
	}
	require.Len(t, retries, 1, stdout.String())
	assert.Less(t, len(retries[0]), 600)
	assert.Contains(t, retries[0], "Throttling")
}
