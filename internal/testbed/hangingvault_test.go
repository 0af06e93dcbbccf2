package testbed

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestHangingVault_LogsInThenHangsUntilTheClientGivesUp(t *testing.T) {
	t.Parallel()
	v := NewHangingVault()
	t.Cleanup(v.Close)
	do := func(method, path string, wait time.Duration) error {
		ctx, cancel := context.WithTimeout(context.Background(), wait)
		defer cancel()
		req, err := http.NewRequestWithContext(ctx, method, v.URL+path, strings.NewReader("{}"))
		require.NoError(t, err)
		resp, err := v.Client().Do(req)
		if err == nil {
			resp.Body.Close()
		}
		return err
	}

	require.NoError(t, do("POST", "/v1/auth/approle/login", 10*time.Second), "the login is answered")
	assert.ErrorIs(t, do("POST", "/v1/auth/token/revoke-self", 50*time.Millisecond), context.DeadlineExceeded)
	select {
	case <-v.ReadArrived:
		t.Fatal("a revocation is not a read")
	default:
	}
	assert.ErrorIs(t, do("GET", "/v1/secret/data/x", 50*time.Millisecond), context.DeadlineExceeded)
	select {
	case <-v.ReadArrived:
	case <-time.After(10 * time.Second):
		t.Fatal("ReadArrived was not closed at the first read")
	}
	assert.Equal(t, 1, v.Revokes())
}
