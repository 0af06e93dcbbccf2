package credprocess_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/federate-action/federate/internal/credprocess"
	"github.com/federate-action/federate/internal/netpolicy"
	"github.com/federate-action/federate/internal/netpolicy/netpolicytest"
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
	sts := netpolicytest.NewServer(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte(assumedAnswer))
	}), netpolicytest.Options{})
	tokens := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-sts.Accepted:
			_, _ = w.Write([]byte(`{"value":"eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln"}`))
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(tokens.Close)
	tr := netpolicy.STS.Transport(nil)
	tr.TLSClientConfig = sts.Trusting()
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
	assert.Equal(t, int32(1), sts.Conns.Load(), "connections accepted")
	assert.Equal(t, int32(1), sts.Hellos.Load(), "TLS handshakes")
}
