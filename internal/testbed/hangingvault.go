package testbed

import (
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
)

// HangingVault is a Vault that logs an AppRole in and then never answers a
// read: each one waits until the client gives up or the server closes.
// Revocations hang too, but are counted, so a test sees that the step
// tried to revoke its token before it ended.
type HangingVault struct {
	*httptest.Server
	// ReadArrived is closed at the first request that is neither the
	// login nor a revocation.
	ReadArrived <-chan struct{}
	revokes     atomic.Int32
	done        chan struct{}
}

// NewHangingVault starts a HangingVault on loopback.
func NewHangingVault() *HangingVault {
	readArrived := make(chan struct{})
	v := &HangingVault{ReadArrived: readArrived, done: make(chan struct{})}
	var once sync.Once
	v.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/v1/auth/approle/login":
			_, _ = w.Write([]byte(`{"auth":{"client_token":"hvs.hanging","accessor":"acc"}}`))
			return
		case "/v1/auth/token/revoke-self":
			v.revokes.Add(1)
		default:
			once.Do(func() { close(readArrived) })
		}
		select {
		case <-r.Context().Done():
		case <-v.done:
		}
	}))
	return v
}

// Revokes is how many revocations arrived.
func (v *HangingVault) Revokes() int { return int(v.revokes.Load()) }

// Close ends the hanging requests, then the server.
func (v *HangingVault) Close() {
	close(v.done)
	v.Server.Close()
}
