package app_test

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/federate-action/federate/internal/netpolicy"
	"github.com/federate-action/federate/internal/netpolicy/netpolicytest"
)

const assumedAnswer = `<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleWithWebIdentityResult>` +
	`<Credentials><AccessKeyId>ASIAEXAMPLEEXAMPLE00</AccessKeyId><SecretAccessKey>s</SecretAccessKey><SessionToken>t</SessionToken>` +
	`<Expiration>2030-01-01T00:00:00Z</Expiration></Credentials>` +
	`<AssumedRoleUser><Arn>arn:aws:sts::111122223333:assumed-role/r/s</Arn><AssumedRoleId>AROA:s</AssumedRoleId></AssumedRoleUser>` +
	`</AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>`

// newTLSPeer is STS or Vault over TLS (HTTP/2 offered: Vault's mount
// lookups and reads share the login's connection), counting what reaches
// it.
func newTLSPeer(t *testing.T, h http.HandlerFunc, askClientCert bool) *netpolicytest.Server {
	t.Helper()
	return netpolicytest.NewServer(t, h, netpolicytest.Options{HTTP2: true, AskClientCert: askClientCert})
}

// trusting is a client whose transport trusts p's certificate, for STS
// (Vault trusts what vault-ca-certificate says).
func trusting(p *netpolicytest.Server) *http.Client {
	tr := netpolicy.STS.Transport(nil)
	tr.TLSClientConfig = p.Trusting()
	return &http.Client{Transport: tr}
}

func fakeSTS(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte(assumedAnswer)) }

func fakeVault(w http.ResponseWriter, r *http.Request) {
	if r.ProtoMajor != 2 {
		http.Error(w, `{"errors":["HTTP/2 expected"]}`, http.StatusBadRequest)
		return
	}
	switch r.URL.Path {
	case "/v1/auth/jwt/login":
		_, _ = w.Write([]byte(`{"auth":{"client_token":"hvs.preconnected","accessor":"acc","renewable":true}}`))
	case "/v1/auth/token/revoke-self":
		w.WriteHeader(http.StatusNoContent)
	case "/v1/sys/internal/ui/mounts/secret/data/x":
		_, _ = w.Write([]byte(`{"data":{"type":"kv","path":"secret/","options":{"version":"2"}}}`))
	case "/v1/secret/data/x":
		_, _ = w.Write([]byte(`{"data":{"data":{"key":"value-x"}}}`))
	default:
		http.NotFound(w, r)
	}
}

// tokenServiceAfter is a token service that answers only once peer has
// accepted a connection: a step that opened it only after the token would
// wait for itself until action-timeout-s.
func tokenServiceAfter(t *testing.T, peer *netpolicytest.Server) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-peer.Accepted:
			_, _ = w.Write([]byte(`{"value":"` + fakeJWT + `"}`))
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

// The connection to STS or Vault is opened while the ID token is fetched
// (the token service answers only once it is), and the first STS call or
// Vault login goes over it: one connection, one TLS handshake, with the
// CA and client certificate the inputs give.
func TestRun_OpensTheServiceConnectionWhileTheTokenIsFetched(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name           string
		vault          bool
		clientCert     bool
		wantExported   string
		wantClientCert int32
	}{
		{name: "sts_call", wantExported: "AWS_ACCESS_KEY_ID"},
		{name: "vault_login", vault: true, wantExported: "value-x"},
		{name: "vault_login_with_client_certificate", vault: true, clientCert: true, wantExported: "value-x", wantClientCert: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var env map[string]string
			var client *http.Client
			if tt.vault {
				peer := newTLSPeer(t, fakeVault, tt.clientCert)
				ca, _ := peer.CertPEM(t)
				in := map[string]string{"vault-url": peer.URL, "vault-role": "ci", "vault-ca-certificate": ca,
					"vault-secrets": "secret/data/x key | X", "action-timeout-s": "10"}
				if tt.clientCert {
					in["vault-client-certificate"], in["vault-client-key"] = peer.CertPEM(t)
				}
				tokens := tokenServiceAfter(t, peer)
				env = stepEnv(t, in, map[string]string{"ACTIONS_ID_TOKEN_REQUEST_URL": tokens.URL + "/token?api-version=2.0",
					"ACTIONS_ID_TOKEN_REQUEST_TOKEN": "request-token"})
				client = netpolicy.NewClient() // HTTP/2, as in production
				t.Cleanup(func() { assertOneHandshake(t, peer, tt.wantClientCert) })
			} else {
				peer := newTLSPeer(t, fakeSTS, false)
				env = awsStep(t, tokenServiceAfter(t, peer).URL, peer.URL, map[string]string{"action-timeout-s": "10"})
				client = trusting(peer)
				t.Cleanup(func() { assertOneHandshake(t, peer, 0) })
			}

			stdout, err := runStep(context.Background(), env, client)

			require.NoError(t, err, stdout)
			assert.Contains(t, exported(t, env), tt.wantExported)
		})
	}
}

func assertOneHandshake(t *testing.T, p *netpolicytest.Server, wantClientCerts int32) {
	t.Helper()
	assert.Equal(t, int32(1), p.Conns.Load(), "connections accepted")
	assert.Equal(t, int32(1), p.Hellos.Load(), "TLS handshakes")
	assert.Equal(t, wantClientCerts, p.ClientCerts.Load(), "client certificates shown")
}

// A Vault token given as input, only to be exported, sends Vault nothing:
// no connection is opened to it ahead of time either.
func TestRun_AVaultTokenOnlyExportedOpensNoConnection(t *testing.T) {
	t.Parallel()
	vlt := newTLSPeer(t, fakeVault, false)
	ca, _ := vlt.CertPEM(t)
	env := stepEnv(t, map[string]string{"vault-url": vlt.URL, "vault-method": "token", "vault-token": "hvs.given",
		"vault-export-token": "true", "vault-ca-certificate": ca}, nil)

	stdout, err := runStep(context.Background(), env, netpolicy.NewClient())

	require.NoError(t, err, stdout)
	assert.Zero(t, vlt.Conns.Load(), "connections opened to Vault")
}

// An input error stops the step before any connection is opened, to the
// token service, STS or Vault.
func TestRun_InputErrorOpensNoConnection(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		inputs map[string]string
	}{
		{"bad_aws_input", map[string]string{"aws-region": "nowhere"}},
		{"bad_vault_input", map[string]string{"vault-secrets": "secret/data/x key | 1BAD"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sts, vlt := newTLSPeer(t, fakeSTS, false), newTLSPeer(t, fakeVault, false)
			var tokenConns atomic.Int32
			tokens := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				_, _ = w.Write([]byte(`{"value":"` + fakeJWT + `"}`))
			}))
			tokens.Config.ConnState = func(_ net.Conn, s http.ConnState) {
				if s == http.StateNew {
					tokenConns.Add(1)
				}
			}
			tokens.Start()
			t.Cleanup(tokens.Close)
			ca, _ := vlt.CertPEM(t)
			in := map[string]string{"vault-url": vlt.URL, "vault-role": "ci", "vault-ca-certificate": ca,
				"vault-secrets": "secret/data/x key | X"}
			for k, v := range tt.inputs {
				in[k] = v
			}
			env := awsStep(t, tokens.URL, sts.URL, in)

			_, err := runStep(context.Background(), env, trusting(sts))

			require.Error(t, err)
			assert.Zero(t, sts.Conns.Load()+vlt.Conns.Load()+tokenConns.Load(), "connections opened")
		})
	}
}

// A connection that cannot be set up fails the step as it always has: the
// pre-dial's failure is not what the step reports, the request's own is.
func TestRun_ConnectionFailuresReadAsBefore(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		vault   bool
		target  func(t *testing.T, peer *netpolicytest.Server) string
		wantErr string
	}{
		{"sts_unknown_certificate_authority", false, func(_ *testing.T, p *netpolicytest.Server) string { return p.URL },
			`Post "%s/": tls: failed to verify certificate: x509: certificate signed by unknown authority`},
		{"sts_connection_refused", false, func(t *testing.T, _ *netpolicytest.Server) string { return netpolicytest.RefusedURL(t) }, "connect: connection refused"},
		{"vault_unknown_certificate_authority", true, func(_ *testing.T, p *netpolicytest.Server) string { return p.URL },
			`Put "%s/v1/auth/jwt/login": tls: failed to verify certificate: x509: certificate signed by unknown authority`},
		{"vault_connection_refused", true, func(t *testing.T, _ *netpolicytest.Server) string { return netpolicytest.RefusedURL(t) }, "connect: connection refused"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			peer := newTLSPeer(t, fakeSTS, false)
			target := tt.target(t, peer)
			tokens := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				_, _ = w.Write([]byte(`{"value":"` + fakeJWT + `"}`))
			}))
			t.Cleanup(tokens.Close)
			var env map[string]string
			if tt.vault {
				env = stepEnv(t, map[string]string{"vault-url": target, "vault-role": "ci", "vault-secrets": "secret/data/x key | X",
					"vault-retry-max-attempts": "1"},
					map[string]string{"ACTIONS_ID_TOKEN_REQUEST_URL": tokens.URL + "/token", "ACTIONS_ID_TOKEN_REQUEST_TOKEN": "t"})
			} else {
				env = awsStep(t, tokens.URL, target, map[string]string{"retry-max-attempts": "1"})
			}

			_, err := runStep(context.Background(), env, plainClient())

			require.Error(t, err)
			want := tt.wantErr
			if strings.Contains(want, "%s") {
				want = strings.ReplaceAll(want, "%s", target)
			}
			assert.Contains(t, err.Error(), want)
			assert.Empty(t, exported(t, env))
		})
	}
}
