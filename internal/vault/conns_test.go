package vault_test

import (
	"context"
	"crypto/x509"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/federate-action/federate/internal/netpolicy"
	"github.com/federate-action/federate/internal/retry"
	"github.com/federate-action/federate/internal/vault"
)

// Over TLS a new connection costs round trips (TCP, then TLS) before its
// request leaves: the wave of reads must share the open connection
// (HTTP/2), not open one per request.
func TestReadAll_OverTLSTheReadsShareOneConnection(t *testing.T) {
	t.Parallel()
	var conns atomic.Int32
	server := httptest.NewUnstartedServer(&fakeKV{})
	server.EnableHTTP2 = true
	server.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	server.StartTLS()
	defer server.Close()
	roots := x509.NewCertPool()
	roots.AddCert(server.Certificate())
	c, err := vault.New(vault.Options{Address: server.URL, RootCAs: roots, Retry: retry.Policy{MaxAttempts: 1},
		Transport: netpolicy.Vault.Transport(netpolicy.NewClient())})
	require.NoError(t, err)
	// As the login does, an earlier request leaves a connection open.
	_, err = c.ReadAll(context.Background(), []string{"secret/data/login"}, 64)
	require.NoError(t, err)
	conns.Store(0)
	var paths []string
	for _, name := range []string{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o", "p", "q", "r", "s", "t"} {
		paths = append(paths, "secret/data/ci/"+name)
	}
	got, err := c.ReadAll(context.Background(), paths, 64)
	require.NoError(t, err)
	assert.Len(t, got, 20)
	assert.Zero(t, conns.Load(), "connections opened for 20 reads")
}
