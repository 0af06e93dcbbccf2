package vault_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"testing"

	"github.com/federate-action/federate/internal/netpolicy"
	"github.com/federate-action/federate/internal/retry"
	"github.com/federate-action/federate/internal/vault"
)

// BenchmarkReadAll_20Paths is the client's own work for a wave of 20 KV v2
// reads against a server that answers at once.
func BenchmarkReadAll_20Paths(b *testing.B) {
	server := httptest.NewServer(&fakeKV{})
	defer server.Close()
	c, err := vault.New(vault.Options{Address: server.URL, Retry: retry.Policy{MaxAttempts: 1},
		Transport: netpolicy.Vault.Transport(netpolicy.NewClient())})
	if err != nil {
		b.Fatal(err)
	}
	var paths []string
	for i := range 20 {
		paths = append(paths, fmt.Sprintf("secret/data/bench/p%d", i))
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.ReadAll(context.Background(), paths, 64); err != nil {
			b.Fatal(err)
		}
	}
}
