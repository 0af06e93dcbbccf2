package netpolicy

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// finished is a pre-dial to s that ended at with conn or err.
func finished(s Service, d *tlsDialer, addr string, conn *tls.Conn, err error, at time.Time) *preconn {
	p := &preconn{addr: addr, dialer: d, maxIdle: s.maxIdle(), cancel: func() {}, done: make(chan struct{}), conn: conn, err: err, at: at}
	close(p.done)
	return p
}

// What the first dial does with a pre-dial that has ended: a fresh
// connection is used; one that waited too long (2 s for STS, 1 s for
// Vault, whose login is not retried), or a pre-dial that failed, even by a
// timeout, means a new dial: the server may be back by now.
func TestPreconn_FirstDialAfterThePredial(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		service   Service
		age       time.Duration // how long before the dial the pre-dial ended
		predial   error
		wantDials int32
		wantSame  bool // the pre-opened connection is the one returned
	}{
		{name: "fresh_connection_is_used", service: STS, wantSame: true},
		{name: "sts_connection_idle_for_a_second_is_used", service: STS, age: time.Second, wantSame: true},
		{name: "sts_connection_idle_too_long_is_replaced", service: STS, age: 2*time.Second + time.Minute, wantDials: 1},
		{name: "vault_connection_idle_for_a_second_and_a_half_is_replaced", service: Vault, age: 1500 * time.Millisecond, wantDials: 1},
		{name: "refused_predial_dials_again", service: STS, predial: errors.New("connect: connection refused"), wantDials: 1},
		{name: "timed_out_predial_dials_again", service: STS, predial: handshakeTimeoutError{}, wantDials: 1},
		{name: "timeout_over_before_the_dial_came_dials_again", service: Vault, age: time.Second, predial: handshakeTimeoutError{}, wantDials: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewTLSServer(http.NotFoundHandler())
			t.Cleanup(srv.Close)
			addr := srv.Listener.Addr().String()
			var dials atomic.Int32
			d := &tlsDialer{config: &tls.Config{InsecureSkipVerify: true}, //nolint:gosec // a loopback test server
				dial: func(ctx context.Context, network, addr string) (net.Conn, error) {
					dials.Add(1)
					return (&net.Dialer{}).DialContext(ctx, network, addr)
				}}
			var pre *tls.Conn
			if tt.predial == nil {
				c, err := d.dialTLS(context.Background(), "tcp", addr)
				require.NoError(t, err)
				pre = c.(*tls.Conn)
				dials.Store(0)
			}
			p := finished(tt.service, d, addr, pre, tt.predial, time.Now().Add(-tt.age))

			got, err := p.dialTLS(context.Background(), "tcp", addr)

			require.NoError(t, err)
			t.Cleanup(func() { _ = got.Close() })
			assert.Equal(t, tt.wantSame, got == net.Conn(pre), "the pre-opened connection")
			assert.Equal(t, tt.wantDials, dials.Load(), "new dials")
			if pre != nil && !tt.wantSame {
				_, err := pre.Write([]byte("x"))
				assert.Error(t, err, "the replaced connection is closed")
			}
			// A second dial never gets the pre-opened connection.
			again, err := p.dialTLS(context.Background(), "tcp", addr)
			require.NoError(t, err)
			assert.NotEqual(t, net.Conn(pre), again)
			_ = again.Close()
		})
	}
}

// The handshake of a dial ends as net/http's would: by TLSHandshakeTimeout
// with net/http's own timeout error, or by the caller's context with its
// error, and the connection is closed either way.
func TestTLSDialer_HandshakeEnds(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		timeout     time.Duration
		ctxTimeout  time.Duration
		wantErr     error
		wantTimeout bool
	}{
		{name: "silent_server_meets_the_handshake_timeout", timeout: 50 * time.Millisecond, ctxTimeout: time.Minute, wantErr: handshakeTimeoutError{}, wantTimeout: true},
		{name: "context_ending_first_gives_its_error", timeout: time.Minute, ctxTimeout: 50 * time.Millisecond, wantErr: context.DeadlineExceeded, wantTimeout: true},
		{name: "no_handshake_timeout_waits_for_the_context", ctxTimeout: 50 * time.Millisecond, wantErr: context.DeadlineExceeded, wantTimeout: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			// A server that accepts and never answers the ClientHello.
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			require.NoError(t, err)
			t.Cleanup(func() { _ = ln.Close() })
			closed := make(chan struct{})
			go func() {
				c, err := ln.Accept()
				if err != nil {
					return
				}
				defer c.Close()
				_, _ = c.Read(make([]byte, 1<<16))
				_, _ = c.Read(make([]byte, 1)) // returns once the client closes
				close(closed)
			}()
			d := &tlsDialer{dial: (&net.Dialer{}).DialContext, handshakeTimeout: tt.timeout}
			ctx, cancel := context.WithTimeout(context.Background(), tt.ctxTimeout)
			defer cancel()

			conn, err := d.dialTLS(ctx, "tcp", ln.Addr().String())

			require.Error(t, err)
			assert.Nil(t, conn)
			assert.ErrorIs(t, err, tt.wantErr)
			var ne net.Error
			require.ErrorAs(t, err, &ne)
			assert.Equal(t, tt.wantTimeout, ne.Timeout())
			select {
			case <-closed:
			case <-time.After(5 * time.Second):
				t.Fatal("the connection was left open")
			}
		})
	}
}
