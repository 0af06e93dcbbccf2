package app_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/federate-action/federate/internal/app"
	"github.com/federate-action/federate/internal/testbed"
)

// newHangingVault is the Vault of a step that runs out of time, closed
// when t ends.
func newHangingVault(t *testing.T) *testbed.HangingVault {
	t.Helper()
	v := testbed.NewHangingVault()
	t.Cleanup(v.Close)
	return v
}

// approleStep is an AppRole step against url.
func approleStep(t *testing.T, url, timeoutS string) map[string]string {
	return stepEnv(t, map[string]string{"vault-url": url, "vault-method": "approle", "vault-role-id": "r",
		"vault-secret-id": "s", "vault-secrets": "secret/data/x key | X", "action-timeout-s": timeoutS}, nil)
}

// The revocation after a hung read gets a short grace past action-timeout-s,
// not 10 s of its own. The bound is generous on purpose (1 s limit, 2 s
// grace, 3 s slack): the old code took 11 s.
// plainClient is a client with no timeouts of its own.
func plainClient() *http.Client { return &http.Client{Transport: &http.Transport{}} }

func TestRun_HangingVaultEndsSoonAfterTheTimeout(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for action-timeout-s")
	}
	t.Parallel()
	v := newHangingVault(t)
	start := time.Now()

	stdout, err := runStep(context.Background(), approleStep(t, v.URL, "1"), plainClient())

	elapsed := time.Since(start)
	var timeout *app.TimeoutError
	require.ErrorAs(t, err, &timeout)
	assert.Less(t, elapsed, 6*time.Second, "action-timeout-s (1 s) plus the revocation's grace (2 s), with room to spare")
	assert.Positive(t, v.Revokes(), "revoking was tried")
	assert.Contains(t, stdout, "could not revoke the Vault token")
}

// A cancelled run (the runner's SIGTERM cancels the context) says so: it is
// not a timeout the user could raise. The revocation gets the same grace.
func TestRun_CancelledRunSaysCancelled(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for the revocation's grace")
	}
	t.Parallel()
	v := newHangingVault(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		<-v.ReadArrived
		cancel()
	}()
	start := time.Now()

	_, err := runStep(ctx, approleStep(t, v.URL, "300"), plainClient())

	elapsed := time.Since(start)
	var cancelled *app.CancelledError
	require.ErrorAs(t, err, &cancelled)
	assert.Equal(t, "Cancelled", cancelled.Title())
	assert.Contains(t, err.Error(), "cancelled")
	assert.NotContains(t, err.Error(), "action-timeout-s")
	assert.Less(t, elapsed, 7*time.Second, "the revocation's grace (2 s) after the cancellation, with room to spare")
}
