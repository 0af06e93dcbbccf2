package netpolicy_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/federate-action/federate/internal/awssts"
	"github.com/federate-action/federate/internal/idtoken"
	"github.com/federate-action/federate/internal/netpolicy"
	"github.com/federate-action/federate/internal/retry"
	"github.com/federate-action/federate/internal/secret"
	"github.com/federate-action/federate/internal/testbed"
	"github.com/federate-action/federate/internal/vault"
)

// The services are addressed as example.com (the name httptest's
// certificate holds) and its subdomains, since loopback addresses are
// never proxied; both the proxy and a direct connection reach them on
// 127.0.0.1 at the same port.
func onLoopback(hostport string) string {
	_, port, _ := net.SplitHostPort(hostport)
	return net.JoinHostPort("127.0.0.1", port)
}

func dialExampleOnLoopback(ctx context.Context, network, addr string) (net.Conn, error) {
	if host, _, _ := net.SplitHostPort(addr); host == "example.com" || strings.HasSuffix(host, ".example.com") {
		addr = onLoopback(addr)
	}
	return (&net.Dialer{Timeout: 5 * time.Second}).DialContext(ctx, network, addr)
}

// recordingProxy is an HTTP proxy (CONNECT for https targets, absolute
// URLs for http ones) that records each request's target and
// Proxy-Authorization.
type recordingProxy struct {
	*httptest.Server
	mu      sync.Mutex
	targets []string
	auth    []string
}

func newRecordingProxy(t *testing.T) *recordingProxy {
	t.Helper()
	p := &recordingProxy{}
	p.Server = httptest.NewServer(http.HandlerFunc(p.serve))
	t.Cleanup(p.Close)
	return p
}

func (p *recordingProxy) seen() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.targets...)
}

func (p *recordingProxy) serve(w http.ResponseWriter, r *http.Request) {
	target := r.Host
	if r.Method != http.MethodConnect {
		target = r.URL.Host
	}
	p.mu.Lock()
	p.targets = append(p.targets, r.Method+" "+target)
	p.auth = append(p.auth, r.Header.Get("Proxy-Authorization"))
	p.mu.Unlock()
	if r.Method == http.MethodConnect {
		tunnel(w, onLoopback(target))
		return
	}
	out := r.Clone(r.Context())
	out.RequestURI = ""
	out.URL.Host = onLoopback(r.URL.Host)
	out.Header.Del("Proxy-Authorization")
	resp, err := http.DefaultTransport.RoundTrip(out)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	for k, v := range resp.Header {
		w.Header()[k] = v
	}
	w.WriteHeader(resp.StatusCode)
	_, _ = io.Copy(w, resp.Body)
}

// tunnel answers a CONNECT and pipes bytes both ways.
func tunnel(w http.ResponseWriter, addr string) {
	upstream, err := net.Dial("tcp", addr)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	conn, buf, err := http.NewResponseController(w).Hijack()
	if err != nil {
		upstream.Close()
		return
	}
	_, _ = conn.Write([]byte("HTTP/1.1 200 Connection established\r\n\r\n"))
	go func() {
		_, _ = io.Copy(upstream, buf)
		upstream.Close()
	}()
	_, _ = io.Copy(conn, upstream)
	conn.Close()
}

// services are the three peers of the step: a token service and a Vault
// (httptest fakes, TLS) and STS (a real moto_server, plain HTTP).
type services struct {
	tokenURL, stsURL, vaultURL string // as the step names them
	tokenCalls, vaultCalls     atomic.Int32
	roots                      *x509.CertPool
}

func newServices(t *testing.T, moto *testbed.Moto) *services {
	t.Helper()
	s := &services{}
	token := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		s.tokenCalls.Add(1)
		_, _ = io.WriteString(w, `{"value":"e30.e30.sig"}`)
	}))
	t.Cleanup(token.Close)
	vault := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.vaultCalls.Add(1)
		if r.URL.Path != "/v1/auth/token/revoke-self" {
			http.NotFound(w, r)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(vault.Close)
	s.tokenURL = "https://example.com:" + port(token.URL)
	s.stsURL = "http://sts.example.com:" + port(moto.URL)
	s.vaultURL = "https://example.com:" + port(vault.URL)
	s.roots = x509.NewCertPool()
	s.roots.AddCert(token.Certificate())
	return s
}

// port is a URL's port.
func port(rawURL string) string {
	u, _ := url.Parse(rawURL)
	return u.Port()
}

// proxied is how the proxy records a request for rawURL.
func proxied(rawURL string) string {
	u, _ := url.Parse(rawURL)
	if u.Scheme == "https" {
		return "CONNECT " + u.Host
	}
	return "POST " + u.Host
}

// run makes one request to each service with client, as the step does.
func (s *services) run(t *testing.T, client *http.Client) (tokenErr, stsErr, vaultErr error) {
	t.Helper()
	ctx := context.Background()
	once := retry.Policy{MaxAttempts: 1}
	tokens := &idtoken.HTTP{URL: s.tokenURL + "/token?api-version=2.0",
		RequestToken: secret.New("request-token"), Client: netpolicy.TokenService.Client(client)}
	_, tokenErr = tokens.Token(ctx, "sts.amazonaws.com")

	c := awssts.New(awssts.Options{Region: "us-east-1", Endpoint: s.stsURL, HTTP: netpolicy.STS.Client(client)})
	_, stsErr = c.Assume(ctx, awssts.Request{RoleARN: "arn:aws:iam::111122223333:role/ci", SessionName: "s", Duration: time.Hour},
		func(context.Context) (secret.String, error) { return secret.New("e30.e30.sig"), nil }, once)

	v, err := vault.New(vault.Options{Address: s.vaultURL, RootCAs: s.roots,
		Transport: netpolicy.Vault.Transport(client), Retry: once})
	require.NoError(t, err)
	v.UseToken(secret.New("hvs.token"))
	vaultErr = v.RevokeSelf(ctx)
	return tokenErr, stsErr, vaultErr
}

func TestProxy_EveryServiceGoesThroughHTTPProxy(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a real moto_server; skipped with -short")
	}
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	moto, err := testbed.StartMoto(ctx, nil)
	require.NoError(t, err)
	t.Cleanup(func() { _ = moto.Stop() })

	tests := []struct {
		name    string
		noProxy func(s *services) string
		want    func(s *services) []string // what the proxy sees, in order
	}{
		{
			name:    "token_service_sts_and_vault_are_proxied",
			noProxy: func(*services) string { return "" },
			want: func(s *services) []string {
				return []string{proxied(s.tokenURL), proxied(s.stsURL), proxied(s.vaultURL)}
			},
		},
		{
			name:    "no_proxy_host_and_port_sends_vault_direct",
			noProxy: func(s *services) string { return "example.com:" + port(s.vaultURL) },
			want:    func(s *services) []string { return []string{proxied(s.tokenURL), proxied(s.stsURL)} },
		},
		{
			name:    "no_proxy_subdomain_sends_sts_direct",
			noProxy: func(*services) string { return ".sts.example.com" },
			want:    func(s *services) []string { return []string{proxied(s.tokenURL), proxied(s.vaultURL)} },
		},
		{
			name:    "no_proxy_domain_sends_everything_direct",
			noProxy: func(*services) string { return ".example.com" },
			want:    func(*services) []string { return nil },
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := newServices(t, moto)
			proxy := newRecordingProxy(t)
			u, err := url.Parse(proxy.URL)
			require.NoError(t, err)
			u.User = url.UserPassword("ci", "hunter2")
			base := &http.Client{Transport: &http.Transport{DialContext: dialExampleOnLoopback}}
			client, err := netpolicy.Proxy{HTTPProxy: u.String(), NoProxy: tt.noProxy(s)}.Apply(base)
			require.NoError(t, err)
			// The token service's TLS client trusts httptest's certificate.
			client.Transport.(*http.Transport).TLSClientConfig = &tls.Config{RootCAs: s.roots, MinVersion: tls.VersionTLS12}

			tokenErr, stsErr, vaultErr := s.run(t, client)
			require.NoError(t, tokenErr)
			require.NoError(t, stsErr)
			require.NoError(t, vaultErr)
			assert.EqualValues(t, 1, s.tokenCalls.Load())
			assert.EqualValues(t, 1, s.vaultCalls.Load())
			assert.Equal(t, tt.want(s), proxy.seen())
			basic := "Basic " + base64.StdEncoding.EncodeToString([]byte("ci:hunter2"))
			proxy.mu.Lock()
			for _, got := range proxy.auth {
				assert.Equal(t, basic, got, "the proxy's credentials go to the proxy")
			}
			proxy.mu.Unlock()
		})
	}
}

// A proxy that cannot be reached fails each service's request, and no
// message shows the proxy's password.
func TestProxy_UnreachableProxyShowsNoCredentials(t *testing.T) {
	t.Parallel()
	// Port 1 on loopback: nothing listens there, and unlike a port a
	// closed test server gave back, no parallel test can take it.
	u, err := url.Parse("http://127.0.0.1:1")
	require.NoError(t, err)
	u.User = url.UserPassword("ci", "hunter2")
	client, err := netpolicy.Proxy{HTTPProxy: u.String()}.Apply(&http.Client{Transport: &http.Transport{DialContext: dialExampleOnLoopback}})
	require.NoError(t, err)
	s := &services{tokenURL: "https://example.com:1", stsURL: "http://sts.example.com:2", vaultURL: "https://example.com:3",
		roots: x509.NewCertPool()}

	tokenErr, stsErr, vaultErr := s.run(t, client)
	for _, err := range []error{tokenErr, stsErr, vaultErr} {
		require.Error(t, err)
		assert.NotContains(t, err.Error(), "hunter2")
		assert.Contains(t, err.Error(), "proxyconnect", "the request went to the proxy")
	}
}
