package main

import (
	"crypto/tls"
	"crypto/x509"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/federate-action/federate/internal/testbed"
)

func TestTLSRoundTripsRecordsConnectionSetUp(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		nextProtos []string // the client's ALPN offer
		wantProto  string
	}{
		{"an_http2_client_shares_one_connection", []string{"h2", "http/1.1"}, "HTTP/2.0"},
		{"an_http1_client_keeps_its_connection_alive", []string{"http/1.1"}, "HTTP/1.1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "ok") }))
			defer upstream.Close()
			pki, err := testbed.NewPKI(t.TempDir())
			require.NoError(t, err)
			cert, err := tls.LoadX509KeyPair(pki.ServerCertFile, pki.ServerKeyFile)
			require.NoError(t, err)
			rec, err := newTLSRoundTrips(vaultServer, upstream.URL, time.Millisecond, cert, nil)
			require.NoError(t, err)
			defer rec.Close()
			roots := x509.NewCertPool()
			require.True(t, roots.AppendCertsFromPEM([]byte(pki.CAPEM)))
			tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots, NextProtos: tt.nextProtos, MinVersion: tls.VersionTLS12}, ForceAttemptHTTP2: tt.wantProto == "HTTP/2.0"}
			defer tr.CloseIdleConnections()
			client := &http.Client{Transport: tr}
			get := func(path string) {
				resp, err := client.Get(rec.URL + path)
				if !assert.NoError(t, err) {
					return
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				_ = resp.Body.Close()
				assert.Equal(t, tt.wantProto, resp.Proto)
			}

			get("/login")
			if tt.wantProto == "HTTP/2.0" { // a wave: HTTP/1.1 would open a connection per request
				var wg sync.WaitGroup
				for range 3 {
					wg.Go(func() { get("/read") })
				}
				wg.Wait()
			} else {
				get("/read")
			}
			get("/revoke")

			spans := rec.take()
			n := countSpans(spans, vaultServer)
			assert.Equal(t, 1, n.conns, "connections")
			assert.Equal(t, 1, n.handshakes, "TLS handshakes")
			assert.Equal(t, tt.wantProto, n.protos)
			p := criticalPath(spans)
			require.Len(t, p, 5, describePath(p))
			var kinds []spanKind
			for _, s := range p {
				kinds = append(kinds, s.kind)
				assert.Equal(t, p[0].conn, s.conn, "every span of one connection names it")
			}
			assert.Equal(t, []spanKind{spanConnect, spanHandshake, spanRequest, spanRequest, spanRequest}, kinds)
			assert.Equal(t, 5, overlappedMinimum(spans, tokenServer), "no token fetch to set the connection up behind")
		})
	}
}
