package testbed

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// syncBuffer is a bytes.Buffer safe to read while moto_server writes to it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// assumeRoleForm is an anonymous AssumeRoleWithWebIdentity call.
var assumeRoleForm = url.Values{
	"Action":           {"AssumeRoleWithWebIdentity"},
	"Version":          {"2011-06-15"},
	"RoleArn":          {"arn:aws:iam::123456789012:role/r"},
	"RoleSessionName":  {"s"},
	"WebIdentityToken": {"aaaa.bbbb.cccc"},
}.Encode()

func postAssumeRole(t *testing.T, endpoint string) (int, string) {
	t.Helper()
	resp, err := freshClient(10*time.Second).Post(endpoint+"/", "application/x-www-form-urlencoded", strings.NewReader(assumeRoleForm))
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(body)
}

// TestStartMoto needs the real moto_server. It is skipped only with -short;
// otherwise a missing moto_server is a failure, never a skip.
func TestStartMoto(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a real moto_server; skipped with -short")
	}
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var log syncBuffer
	m, err := StartMoto(ctx, &log)
	if errors.Is(err, ErrMotoMissing) {
		t.Fatalf("moto_server is required by the end-to-end tests and is not installed: %v", err)
	}
	require.NoError(t, err, "moto_server output:\n%s", log.String())
	t.Cleanup(func() { assert.NoError(t, m.Stop()) })
	assert.True(t, strings.HasPrefix(m.URL, "http://127.0.0.1:"), m.URL)

	t.Run("assume_role_with_web_identity", func(t *testing.T) {
		code, body := postAssumeRole(t, m.URL)
		assert.Equal(t, http.StatusOK, code, body)
		assert.Contains(t, body, "<AccessKeyId>")
	})

	t.Run("through_fault_proxy", func(t *testing.T) {
		p := newProxy(t, m.URL)
		p.Enqueue(Fault{Status: 400, Body: STSError("IDPCommunicationError", "try again")})

		code, body := postAssumeRole(t, p.URL)
		assert.Equal(t, http.StatusBadRequest, code)
		assert.Contains(t, body, "<Code>IDPCommunicationError</Code>")

		code, body = postAssumeRole(t, p.URL)
		assert.Equal(t, http.StatusOK, code, body)
		assert.Contains(t, body, "<AccessKeyId>")
		assert.Equal(t, 2, p.Requests())
	})
}

func TestMoto_Stop(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a real moto_server; skipped with -short")
	}
	t.Parallel()
	m, err := StartMoto(context.Background(), nil)
	require.NoError(t, err)

	require.NoError(t, m.Stop())
	require.NoError(t, m.Stop(), "Stop is idempotent")
	_, err = freshClient(time.Second).Get(m.URL + "/")
	assert.Error(t, err, "the server no longer answers")
}

func TestStartMoto_missing_binary(t *testing.T) {
	t.Parallel()
	_, err := startMoto(context.Background(), nil, "moto_server_not_installed_here")
	require.ErrorIs(t, err, ErrMotoMissing)
	assert.Contains(t, err.Error(), "moto_server")
}
