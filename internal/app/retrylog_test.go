package app_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRun_RetryLinesShowABoundedError: a server's long error message is
// cut in the line that announces a retry; the final error is another
// matter (it is the user's one diagnosis).
func TestRun_RetryLinesShowABoundedError(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("slow down ", 5000)
	tokenSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte(`{"value":"` + fakeJWT + `"}`))
	}))
	defer tokenSrv.Close()
	stsSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Read the request and close the connection: an answer sent before
		// the request was read, on a connection kept open, can make the
		// next attempt fail on a closed connection instead of a throttle.
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Connection", "close")
		w.Header().Set("Content-Type", "text/xml")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte(`<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>` + long +
			`</Message></Error><RequestId>r-1</RequestId></ErrorResponse>`))
	}))
	defer stsSrv.Close()

	stdout, err := runStep(context.Background(), awsStep(t, tokenSrv.URL, stsSrv.URL, nil), stsSrv.Client())
	require.ErrorContains(t, err, "Throttling")
	var retries []string
	for _, line := range strings.Split(stdout, "\n") {
		if strings.Contains(line, "retrying in") {
			retries = append(retries, line)
		}
	}
	require.Len(t, retries, 1, stdout)
	assert.Less(t, len(retries[0]), 600)
	assert.Contains(t, retries[0], "Throttling")
}
