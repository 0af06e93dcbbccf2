package e2e

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/federate-action/federate/internal/testbed"
)

// TestLoad_MatrixOfTwentyAccounts is a matrix deploy in small: 20 runs at
// once, each assuming a role in its own account and reading a Vault
// secret, with 20% of the requests to STS and to Vault throttled. Every
// run must succeed. `go run ./bench/load -n 100` is the same by hand, at
// scale.
func TestLoad_MatrixOfTwentyAccounts(t *testing.T) {
	t.Parallel()
	_, moto := servers(t)
	bin, v, tokens := vaultServer(t)

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	res, err := testbed.Load(ctx, testbed.LoadConfig{
		N:            20,
		Binary:       bin,
		STS:          moto.URL,
		Vault:        v,
		Tokens:       tokens,
		ThrottleRate: 0.2,
		Seed:         1,
		Dir:          filepath.Join(t.TempDir(), "load"),
	})
	require.NoError(t, err)
	t.Logf("%d/%d succeeded; p50 %s, p95 %s, max %s, all done in %s", res.Successes, res.N,
		res.P50.Round(time.Millisecond), res.P95.Round(time.Millisecond), res.Max.Round(time.Millisecond), res.Elapsed.Round(time.Millisecond))
	t.Logf("throttled: STS %d of %d requests, Vault %d of %d; %d retries logged, at most %d in one run; %d ID token requests",
		res.STSThrottled, res.STSRequests, res.VaultThrottled, res.VaultRequests, res.Retries, res.MaxRetries, res.TokenRequests)

	assert.Equal(t, 20, res.Successes, "failures:\n%s", res.FailureTexts)
	assert.Zero(t, res.Failures)
	assert.Positive(t, res.STSThrottled, "some STS requests were throttled")
	assert.Positive(t, res.VaultThrottled, "some Vault requests were throttled")
	assert.Positive(t, res.Retries, "and retried")
}
