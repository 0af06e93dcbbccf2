package netpolicy_test

import (
	"context"
	"crypto/tls"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/federate-action/federate/internal/netpolicy"
	"github.com/federate-action/federate/internal/netpolicy/netpolicytest"
)

// protoServer is a counting TLS server that answers with the protocol of
// the request.
func protoServer(t *testing.T, h2, askClientCert bool) *netpolicytest.Server {
	return netpolicytest.NewServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, r.Proto)
	}), netpolicytest.Options{HTTP2: h2, AskClientCert: askClientCert})
}

// transportFor is NewClient's transport, as a service gets it, trusting s.
func transportFor(t *testing.T, s *netpolicytest.Server) *http.Transport {
	t.Helper()
	tr := netpolicy.STS.Transport(netpolicy.NewClient())
	tr.TLSClientConfig = s.Trusting()
	return tr
}

func get(t *testing.T, tr *http.Transport, target string) (string, error) {
	t.Helper()
	resp, err := (&http.Client{Transport: tr}).Get(target)
	if err != nil {
		return "", err
	}
	defer func() { _ = resp.Body.Close() }()
	b, err := io.ReadAll(resp.Body)
	return string(b), err
}

// The first request goes over the connection Preconnect opened, which was
// opened before the request was made (the test waits for the server to
// finish its handshake first): one connection, one handshake, and HTTP/2 and a client
// certificate just as net/http's own connection would have had them.
func TestPreconnect_FirstRequestUsesThePreopenedConnection(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name           string
		h2             bool
		clientCert     bool
		wantProto      string
		wantClientCert int32
	}{
		{name: "http1_server", wantProto: "HTTP/1.1"},
		{name: "http2_still_negotiated", h2: true, wantProto: "HTTP/2.0"},
		{name: "client_certificate_presented", clientCert: true, wantProto: "HTTP/1.1", wantClientCert: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := protoServer(t, tt.h2, tt.clientCert)
			tr := transportFor(t, srv)
			if tt.clientCert {
				cert := srv.TLS.Certificates[0] // any certificate will do: the server asks for one, checks none
				tr.TLSClientConfig.Certificates = []tls.Certificate{cert}
			}
			release := netpolicy.STS.Preconnect(context.Background(), tr, srv.URL)
			defer release()
			<-srv.Handshaken // opened, and its protocol chosen, before any request exists

			got, err := get(t, tr, srv.URL+"/first")
			require.NoError(t, err)
			assert.Equal(t, tt.wantProto, got)
			assert.Equal(t, int32(1), srv.Conns.Load(), "connections accepted")
			assert.Equal(t, int32(1), srv.Hellos.Load(), "TLS handshakes")
			assert.Equal(t, tt.wantClientCert, srv.ClientCerts.Load(), "client certificates shown")
		})
	}
}

// Only the first dial takes the pre-opened connection: once it is gone
// (the server closed it), the next request dials anew and succeeds.
func TestPreconnect_LaterDialsOpenNewConnections(t *testing.T) {
	t.Parallel()
	srv := protoServer(t, false, false)
	tr := transportFor(t, srv)
	release := netpolicy.STS.Preconnect(context.Background(), tr, srv.URL)
	defer release()
	req, err := http.NewRequest(http.MethodGet, srv.URL, nil)
	require.NoError(t, err)
	req.Close = true // the connection is not kept for the next request
	resp, err := (&http.Client{Transport: tr}).Do(req)
	require.NoError(t, err)
	_ = resp.Body.Close()

	got, err := get(t, tr, srv.URL+"/second")
	require.NoError(t, err)
	assert.Equal(t, "HTTP/1.1", got)
	assert.Equal(t, int32(2), srv.Conns.Load(), "connections accepted")
}

// A pre-opened connection no request took is closed by release.
func TestPreconnect_ReleaseClosesAnUnusedConnection(t *testing.T) {
	t.Parallel()
	srv := protoServer(t, false, false)
	release := netpolicy.STS.Preconnect(context.Background(), transportFor(t, srv), srv.URL)
	<-srv.Accepted
	release()
	<-srv.Closed // the server sees it closed; a leak would hang here
	assert.Equal(t, int32(1), srv.Conns.Load())
}

// A failed pre-dial changes nothing the request shows: it fails with the
// very error net/http's own dial gives.
func TestPreconnect_FailedPredialGivesTheSameError(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		target  func(t *testing.T, srv *netpolicytest.Server) string
		wantErr string
	}{
		{"unknown_certificate_authority", func(_ *testing.T, srv *netpolicytest.Server) string { return srv.URL }, "x509: certificate signed by unknown authority"},
		{"connection_refused", func(t *testing.T, _ *netpolicytest.Server) string { return netpolicytest.RefusedURL(t) }, "connection refused"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := protoServer(t, false, false)
			target := tt.target(t, srv)
			plain := netpolicy.STS.Transport(netpolicy.NewClient()) // no RootCAs: the test server is unknown
			_, want := get(t, plain, target)
			require.ErrorContains(t, want, tt.wantErr)

			tr := netpolicy.STS.Transport(netpolicy.NewClient())
			release := netpolicy.STS.Preconnect(context.Background(), tr, target)
			defer release()
			_, got := get(t, tr, target)
			require.Error(t, got)
			assert.Equal(t, want.Error(), got.Error())
		})
	}
}

// A server that was not listening when the pre-dial tried, and is by the
// time of the request, answers it: the request dials anew.
func TestPreconnect_ServerListeningOnlyLaterStillAnswers(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "up") }))
	t.Cleanup(srv.Close)
	tr := netpolicy.STS.Transport(netpolicy.NewClient())
	// The certificate exists only once the server starts.
	tr.TLSClientConfig = &tls.Config{InsecureSkipVerify: true} //nolint:gosec // a loopback test server
	// The pre-dial is the first dial, and is refused; the server starts
	// listening before the second, the request's own.
	var dials atomic.Int32
	dial := tr.DialContext
	tr.DialContext = func(ctx context.Context, network, a string) (net.Conn, error) {
		if dials.Add(1) == 2 {
			l, err := net.Listen("tcp", addr)
			if err != nil {
				return nil, err
			}
			srv.Listener = l
			srv.StartTLS()
		}
		return dial(ctx, network, a)
	}
	release := netpolicy.STS.Preconnect(context.Background(), tr, "https://"+addr)
	defer release()
	got, err := get(t, tr, "https://"+addr)
	require.NoError(t, err)
	assert.Equal(t, "up", got)
	assert.Equal(t, int32(2), dials.Load(), "dials: the refused pre-dial, then the request's")
}

// Behind a proxy the connection is the proxy's to open: nothing is
// pre-opened, and the transport keeps net/http's own dialing.
func TestPreconnect_NothingBehindAProxy(t *testing.T) {
	t.Parallel()
	proxy, err := url.Parse("http://127.0.0.1:3128")
	require.NoError(t, err)
	tests := []struct {
		name  string
		proxy func(*http.Request) (*url.URL, error)
	}{
		{"http_proxy_input", http.ProxyURL(proxy)},
		{"proxy_func_error", func(*http.Request) (*url.URL, error) { return nil, io.ErrUnexpectedEOF }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := protoServer(t, false, false)
			tr := transportFor(t, srv)
			tr.Proxy = tt.proxy
			netpolicy.STS.Preconnect(context.Background(), tr, srv.URL)()
			assert.Nil(t, tr.DialTLSContext, "a dialer of Preconnect's")
			assert.Zero(t, srv.Conns.Load(), "connections accepted")
		})
	}
}

// The http-proxy and no-proxy inputs decide as they do for the request:
// a host the proxy serves is not pre-opened, one no-proxy exempts is.
func TestPreconnect_FollowsTheProxyInputs(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		proxy       netpolicy.Proxy
		wantPredial bool
	}{
		{"http_proxy_serves_sts", netpolicy.Proxy{HTTPProxy: "http://proxy.example:3128"}, false},
		{"no_proxy_exempts_sts", netpolicy.Proxy{HTTPProxy: "http://proxy.example:3128", NoProxy: "amazonaws.com"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			client, err := tt.proxy.Apply(netpolicy.NewClient())
			require.NoError(t, err)
			tr := netpolicy.STS.Transport(client)
			var dials atomic.Int32
			tr.DialContext = func(context.Context, string, string) (net.Conn, error) { // nothing leaves this machine
				dials.Add(1)
				return nil, io.ErrClosedPipe
			}
			netpolicy.STS.Preconnect(context.Background(), tr, "https://sts.us-east-1.amazonaws.com")()
			assert.Equal(t, tt.wantPredial, tr.DialTLSContext != nil, "a dialer of Preconnect's")
			wantDials := int32(0)
			if tt.wantPredial {
				wantDials = 1 // release waited for it
			}
			assert.Equal(t, wantDials, dials.Load(), "pre-dials")
		})
	}
}
