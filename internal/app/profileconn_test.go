package app_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// chainedAnswer is sts:AssumeRole's answer, for a profile with source=.
const chainedAnswer = `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult>` +
	`<Credentials><AccessKeyId>ASIAEXAMPLECHAINED00</AccessKeyId><SecretAccessKey>s2</SecretAccessKey><SessionToken>t2</SessionToken>` +
	`<Expiration>2030-01-01T00:00:00Z</Expiration></Credentials>` +
	`<AssumedRoleUser><Arn>arn:aws:sts::111122223333:assumed-role/r2/s</Arn><AssumedRoleId>AROA:s</AssumedRoleId></AssumedRoleUser>` +
	`</AssumeRoleResult></AssumeRoleResponse>`

// fakeSTSBothCalls answers AssumeRoleWithWebIdentity and AssumeRole.
func fakeSTSBothCalls(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil || r.PostForm.Get("Action") == "" {
		http.Error(w, "no Action", http.StatusBadRequest)
		return
	}
	if r.PostForm.Get("Action") == "AssumeRole" {
		_, _ = w.Write([]byte(chainedAnswer))
		return
	}
	fakeSTS(w, r)
}

// A profile chained from another is assumed over the connection its
// source's call left open: the profiles share one STS client, so the step
// shakes hands with STS once, not once per profile.
func TestRun_ChainedProfileReusesItsSourcesConnection(t *testing.T) {
	t.Parallel()
	peer := newTLSPeer(t, fakeSTSBothCalls, false)
	tokens := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte(`{"value":"` + fakeJWT + `"}`))
	}))
	t.Cleanup(tokens.Close)
	env := awsStep(t, tokens.URL, peer.URL, map[string]string{
		"role-to-assume": "",
		"aws-profiles": strings.Join([]string{
			"base arn:aws:iam::111122223333:role/r",
			"chained arn:aws:iam::111122223333:role/r2 source=base",
		}, "\n"),
		"action-timeout-s": "10",
	})
	env["RUNNER_TEMP"] = t.TempDir()

	stdout, err := runStep(context.Background(), env, trusting(peer))

	require.NoError(t, err, stdout)
	assert.Contains(t, exported(t, env), "AWS_CONFIG_FILE")
	assertOneHandshake(t, peer, 0)
}
