package e2e

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/federate-action/federate/internal/idtoken/idtokentest"
	"github.com/federate-action/federate/internal/testbed"
)

// loopbackName is a host name of this machine that resolves to loopback
// only (from /etc/hosts). Proxies never see requests to "localhost" or a
// loopback address, so the servers must be reached by such a name for a
// proxy to be asked at all.
func loopbackName(t *testing.T) string {
	t.Helper()
	host, err := os.Hostname()
	require.NoError(t, err)
	addrs, err := net.LookupHost(host)
	if err != nil || len(addrs) == 0 {
		t.Skipf("the host name %q does not resolve (%v): no loopback name to proxy", host, err)
	}
	for _, a := range addrs {
		if ip := net.ParseIP(a); ip == nil || !ip.IsLoopback() {
			t.Skipf("the host name %q resolves to %s, not only loopback", host, a)
		}
	}
	return host
}

// nameCA is a CA and a server certificate for name, the CA written to a
// PEM file for SSL_CERT_FILE.
func nameCA(t *testing.T, name string) (tls.Certificate, string) {
	t.Helper()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	ca := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "e2e proxy test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	caDER, err := x509.CreateCertificate(rand.Reader, ca, ca, &caKey.PublicKey, caKey)
	require.NoError(t, err)
	ca, err = x509.ParseCertificate(caDER)
	require.NoError(t, err)
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	leaf := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: name}, DNSNames: []string{name},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	leafDER, err := x509.CreateCertificate(rand.Reader, leaf, ca, &key.PublicKey, caKey)
	require.NoError(t, err)
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	require.NoError(t, os.WriteFile(caFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER}), 0o600))
	return tls.Certificate{Certificate: [][]byte{leafDER}, PrivateKey: key}, caFile
}

// tlsFront serves target (a plain http server) over TLS with cert.
func tlsFront(t *testing.T, target string, cert tls.Certificate) *httptest.Server {
	t.Helper()
	u, err := url.Parse(target)
	require.NoError(t, err)
	srv := httptest.NewUnstartedServer(httputil.NewSingleHostReverseProxy(u))
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv
}

// recordingProxy is an HTTP proxy on loopback that tunnels CONNECT to the
// named port on 127.0.0.1 and records each CONNECT's target.
type recordingProxy struct {
	URL  string
	mu   sync.Mutex
	seen []string
}

func (p *recordingProxy) Seen() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.seen...)
}

func newRecordingProxy(t *testing.T) *recordingProxy {
	t.Helper()
	p := &recordingProxy{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.mu.Lock()
		p.seen = append(p.seen, r.Method+" "+r.Host)
		p.mu.Unlock()
		if r.Method != http.MethodConnect {
			http.Error(w, "this test proxy tunnels only", http.StatusMethodNotAllowed)
			return
		}
		_, port, err := net.SplitHostPort(r.Host)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		upstream, err := net.Dial("tcp", net.JoinHostPort("127.0.0.1", port))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		client, buf, err := http.NewResponseController(w).Hijack()
		if err != nil {
			upstream.Close()
			return
		}
		_, _ = client.Write([]byte("HTTP/1.1 200 Connection established\r\n\r\n"))
		go func() {
			_, _ = io.Copy(upstream, buf)
			_ = upstream.Close()
		}()
		_, _ = io.Copy(client, upstream)
		_ = client.Close()
	}))
	t.Cleanup(srv.Close)
	p.URL = srv.URL
	return p
}

// http-proxy sends the token request and the STS call through the proxy;
// no-proxy naming a host sends that host's requests direct; with
// http-proxy empty, the job's HTTPS_PROXY is the proxy.
func TestProxy_TokenAndSTSGoThroughHTTPProxyUnlessNoProxyNamesThem(t *testing.T) {
	t.Parallel()
	bin, moto := servers(t)
	name := loopbackName(t)
	cert, caFile := nameCA(t, name)
	roles := testRoles(t, 1)
	stsPort := ""
	tests := []struct {
		name     string
		inputs   func(proxy string) map[string]string
		env      func(proxy string) map[string]string
		wantSeen func(tokenHost, stsHost string) []string
	}{
		{"http_proxy_sees_token_and_sts",
			func(proxy string) map[string]string { return map[string]string{"http-proxy": proxy} }, nil,
			func(tok, sts string) []string { return []string{"CONNECT " + tok, "CONNECT " + sts} }},
		{"no_proxy_naming_the_host_goes_direct",
			func(proxy string) map[string]string { return map[string]string{"http-proxy": proxy, "no-proxy": name} }, nil,
			func(string, string) []string { return nil }},
		{"no_proxy_naming_sts_port_sends_only_the_token_request",
			func(proxy string) map[string]string {
				return map[string]string{"http-proxy": proxy, "no-proxy": name + ":" + stsPort}
			}, nil,
			func(tok, _ string) []string { return []string{"CONNECT " + tok} }},
		{"empty_http_proxy_uses_https_proxy_of_the_job",
			func(string) map[string]string { return nil },
			func(proxy string) map[string]string { return map[string]string{"HTTPS_PROXY": proxy} },
			func(tok, sts string) []string { return []string{"CONNECT " + tok, "CONNECT " + sts} }},
	}
	stsFront := tlsFront(t, moto.URL, cert)
	stsURL, err := url.Parse(stsFront.URL)
	require.NoError(t, err)
	stsPort = stsURL.Port()
	stsHost := net.JoinHostPort(name, stsPort)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tokens := tokenServer(t, idtokentest.Config{})
			tokenFront := tlsFront(t, tokens.Issuer, cert)
			tokURL, err := url.Parse(tokenFront.URL)
			require.NoError(t, err)
			tokenHost := net.JoinHostPort(name, tokURL.Port())
			reqURL, err := url.Parse(tokens.URL)
			require.NoError(t, err)
			reqURL.Scheme, reqURL.Host = "https", tokenHost
			proxy := newRecordingProxy(t)

			in := with(profilesInputs("https://"+stsHost, "prod "+roles[0]), tt.inputs(proxy.URL))
			env := with(tokens.Env(), map[string]string{"ACTIONS_ID_TOKEN_REQUEST_URL": reqURL.String(), "SSL_CERT_FILE": caFile})
			if tt.env != nil {
				env = with(env, tt.env(proxy.URL))
			}
			res := run(t, testbed.Step{Binary: bin, Inputs: in, Env: env})
			require.Equal(t, 0, res.ExitCode, "stdout:\n%s\nstderr:\n%s", res.Stdout, res.Stderr)
			assert.Len(t, tokens.Requests(), 1)
			assert.Equal(t, tt.wantSeen(tokenHost, stsHost), proxy.Seen())
			assert.Len(t, profilesOutput(t, res), 1)
		})
	}
}
