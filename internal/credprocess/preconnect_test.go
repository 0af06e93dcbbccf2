package credprocess_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/federate-action/federate/internal/credprocess"
	"github.com/federate-action/federate/internal/netpolicy"
)

const assumedAnswer = `<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleWithWebIdentityResult>` +
	`<Credentials><AccessKeyId>ASIAEXAMPLEEXAMPLE00</AccessKeyId><SecretAccessKey>s</SecretAccessKey><SessionToken>t</SessionToken>` +
	`<Expiration>2030-01-01T00:00:00Z</Expiration></Credentials>` +
	`<AssumedRoleUser><Arn>arn:aws:sts::111122223333:assumed-role/r/s</Arn><AssumedRoleId>AROA:s</AssumedRoleId></AssumedRoleUser>` +
	`</AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>`

// The connection to STS opens while the ID token is fetched: the token
// service answers only once STS has accepted it, and the call goes over
// it (one connection, one handshake).
func TestRun_OpensTheSTSConnectionWhileTheTokenIsFetched(t *testing.T) {
	t.Parallel()
	var conns, hellos atomic.Int32
	accepted := make(chan struct{})
	var once sync.Once
	sts := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte(assumedAnswer))
	}))
	sts.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
			once.Do(func() { close(accepted) })
		}
	}
	sts.TLS = &tls.Config{GetConfigForClient: func(*tls.ClientHelloInfo) (*tls.Config, error) { hellos.Add(1); return nil, nil }}
	sts.StartTLS()
	t.Cleanup(sts.Close)
	tokens := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-accepted:
			_, _ = w.Write([]byte(`{"value":"eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln"}`))
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(tokens.Close)
	tr := netpolicy.STS.Transport(nil)
	roots := x509.NewCertPool()
	roots.AddCert(sts.Certificate())
	tr.TLSClientConfig = &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12}
	env := map[string]string{"ACTIONS_ID_TOKEN_REQUEST_URL": tokens.URL + "/token", "ACTIONS_ID_TOKEN_REQUEST_TOKEN": "t"}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second) // old code: the token service waits for this
	defer cancel()
	var stdout, stderr bytes.Buffer

	err := credprocess.Run(ctx, []string{"--role-arn", "arn:aws:iam::111122223333:role/r", "--region", "us-east-1",
		"--sts-endpoint", sts.URL, "--retry-max-attempts", "1", "--cache", filepath.Join(t.TempDir(), "c.json")},
		credprocess.Deps{Getenv: func(k string) string { return env[k] }, Stdout: &stdout, Stderr: &stderr,
			HTTP: &http.Client{Transport: tr}, Now: time.Now})

	require.NoError(t, err, stderr.String())
	assert.Contains(t, stdout.String(), "ASIAEXAMPLEEXAMPLE00")
	assert.Equal(t, int32(1), conns.Load(), "connections accepted")
	assert.Equal(t, int32(1), hellos.Load(), "TLS handshakes")
}
