package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/federate-action/federate/internal/idtoken/idtokentest"
	"github.com/federate-action/federate/internal/runner/runnertest"
	"github.com/federate-action/federate/internal/testbed"
)

// faultCase is one fault (or a few) injected between the action and one of
// the real servers it talks to.
type faultCase struct {
	name      string
	faults    []testbed.Fault
	timeoutS  string // action-timeout-s; "" keeps the default
	wantOK    bool
	wantTitle string // for failures: the annotation's title
	wantText  string // for failures: part of the message
	wantSent  int    // requests that reached the proxy, when it matters (0: not checked)
}

var (
	reset     = testbed.Fault{Reset: true}
	truncated = testbed.Fault{Truncate: true}
	slow      = testbed.Fault{Delay: 300 * time.Millisecond}
	stalled   = testbed.Fault{Delay: time.Minute}
)

func status(code int, body string) testbed.Fault { return testbed.Fault{Status: code, Body: body} }

func stsError(code string, status int) testbed.Fault {
	return testbed.Fault{Status: status, Body: testbed.STSError(code, code+" injected")}
}

// proxy starts a fault proxy in front of target with tc's faults queued.
func (tc faultCase) proxy(t *testing.T, target string) *testbed.FaultProxy {
	t.Helper()
	p, err := testbed.NewFaultProxy(target)
	require.NoError(t, err)
	t.Cleanup(p.Close)
	p.Enqueue(tc.faults...)
	return p
}

// inputs applies tc's action-timeout-s, if any, to in.
func (tc faultCase) inputs(in map[string]string) map[string]string {
	if tc.timeoutS != "" {
		in["action-timeout-s"] = tc.timeoutS
	}
	return in
}

// checkFault asserts a faulted run's outcome. On failure nothing may be
// written to the file commands.
func checkFault(t *testing.T, tc faultCase, res testbed.Result, sent int) {
	t.Helper()
	t.Logf("%s: exit %d after %s, %d request(s) to the faulted server", tc.name, res.ExitCode, res.Wall.Round(time.Millisecond), sent)
	if tc.wantSent > 0 {
		assert.Equal(t, tc.wantSent, sent, "requests to the faulted server")
	}
	if tc.wantOK {
		require.Equal(t, 0, res.ExitCode, res.Stdout)
		assert.NotEmpty(t, res.EnvRaw)
		return
	}
	assert.Equal(t, 1, res.ExitCode)
	errs := errorAnnotations(res.Stdout)
	require.Len(t, errs, 1, res.Stdout)
	assert.True(t, strings.HasPrefix(errs[0], "::error title="+tc.wantTitle+"::"), errs[0])
	assert.Contains(t, runnertest.UnescapeData(errs[0]), tc.wantText)
	assert.Empty(t, res.EnvRaw, "a failed step writes nothing")
	assert.Empty(t, res.OutputRaw, "a failed step writes nothing")
}

func TestFaults_TokenService(t *testing.T) {
	t.Parallel()
	bin, moto := servers(t)
	tests := []faultCase{
		{name: "two_5xx_then_success", faults: []testbed.Fault{status(503, "busy"), status(502, "bad gateway")}, wantOK: true, wantSent: 3},
		{name: "429_with_retry_after", faults: []testbed.Fault{{Status: 429, Body: "slow down", Header: map[string]string{"Retry-After": "1"}}}, wantOK: true, wantSent: 2},
		// After a reset, Go's transport may itself resend a request on a
		// fresh connection, so the count is not fixed.
		{name: "connection_reset", faults: []testbed.Fault{reset}, wantOK: true},
		{name: "truncated_body", faults: []testbed.Fault{truncated}, wantOK: true, wantSent: 2},
		{name: "invalid_json", faults: []testbed.Fault{status(200, "{not json")}, wantOK: true, wantSent: 2},
		{name: "slow_answer", faults: []testbed.Fault{slow}, wantOK: true, wantSent: 1},
		{name: "refused_runtime_token_fails_fast", faults: []testbed.Fault{status(401, `{"message":"bad token"}`)},
			wantTitle: "Cannot get an ID token", wantText: "HTTP 401", wantSent: 1},
		{name: "stalled_service_stops_at_the_deadline", faults: []testbed.Fault{stalled}, timeoutS: "2",
			wantTitle: "Timed out", wantText: "action-timeout-s (2s)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tokens := tokenServer(t, idtokentest.Config{})
			proxy := tc.proxy(t, tokens.Issuer)
			env := tokens.Env()
			env["ACTIONS_ID_TOKEN_REQUEST_URL"] = strings.Replace(tokens.URL, tokens.Issuer, proxy.URL, 1)
			res := run(t, testbed.Step{Binary: bin, Inputs: tc.inputs(tutorialInputs(moto.URL)), Env: env})
			checkFault(t, tc, res, proxy.Requests())
		})
	}
}

func TestFaults_STS(t *testing.T) {
	t.Parallel()
	bin, moto := servers(t)
	tests := []faultCase{
		{name: "idp_communication_error_twice", faults: []testbed.Fault{stsError("IDPCommunicationError", 400), stsError("IDPCommunicationError", 400)}, wantOK: true, wantSent: 3},
		{name: "invalid_identity_token_once", faults: []testbed.Fault{stsError("InvalidIdentityToken", 400)}, wantOK: true, wantSent: 2},
		{name: "throttling_twice", faults: []testbed.Fault{stsError("Throttling", 400), stsError("Throttling", 400)}, wantOK: true, wantSent: 3},
		{name: "internal_failure", faults: []testbed.Fault{stsError("InternalFailure", 500)}, wantOK: true, wantSent: 2},
		{name: "connection_reset", faults: []testbed.Fault{reset}, wantOK: true}, // see TestFaults_TokenService
		{name: "truncated_body", faults: []testbed.Fault{truncated}, wantOK: true, wantSent: 2},
		{name: "slow_answer", faults: []testbed.Fault{slow}, wantOK: true, wantSent: 1},
		{name: "access_denied_fails_fast", faults: []testbed.Fault{stsError("AccessDenied", 403)},
			wantTitle: "AWS refused the role arn%3Aaws%3Aiam%3A%3A737236345234%3Arole/gha-oidc-role", wantText: "sub: repo:octo-org/octo-repo:ref:refs/heads/main", wantSent: 1},
		{name: "rejected_claim_fails_fast", faults: []testbed.Fault{stsError("IDPRejectedClaim", 403)},
			wantTitle: "AWS refused the role arn%3Aaws%3Aiam%3A%3A737236345234%3Arole/gha-oidc-role", wantText: "IDPRejectedClaim", wantSent: 1},
		{name: "invalid_identity_token_every_time_gives_up_soon", faults: []testbed.Fault{stsError("InvalidIdentityToken", 400), stsError("InvalidIdentityToken", 400), stsError("InvalidIdentityToken", 400), stsError("InvalidIdentityToken", 400)},
			wantTitle: "AWS refused the role arn%3Aaws%3Aiam%3A%3A737236345234%3Arole/gha-oidc-role", wantText: "IAM OIDC identity provider", wantSent: 3},
		{name: "validation_error_fails_fast", faults: []testbed.Fault{stsError("ValidationError", 400)},
			wantTitle: "Cannot assume arn%3Aaws%3Aiam%3A%3A737236345234%3Arole/gha-oidc-role", wantText: "STS answered ValidationError", wantSent: 1},
		{name: "stalled_sts_stops_at_the_deadline", faults: []testbed.Fault{stalled}, timeoutS: "2",
			wantTitle: "Timed out", wantText: "action-timeout-s (2s)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tokens := tokenServer(t, idtokentest.Config{})
			proxy := tc.proxy(t, moto.URL)
			res := run(t, testbed.Step{Binary: bin, Inputs: tc.inputs(tutorialInputs(proxy.URL)), Env: tokens.Env()})
			checkFault(t, tc, res, proxy.Requests())
			if tc.wantOK && tc.wantSent > 0 {
				assert.Len(t, tokens.Requests(), tc.wantSent, "a new ID token for every STS attempt")
			}
		})
	}
}

// Vault's requests in order: the login, then for each path the mount
// lookup and the read at once, then the token's revocation. A fault queued
// second hits whichever request of that read wave arrives first, the
// lookup or the read: both are retried alike, so either way is one case.
func TestFaults_Vault(t *testing.T) {
	t.Parallel()
	bin, v, tokens := vaultServer(t)
	pass := testbed.Fault{}
	tests := []faultCase{
		{name: "login_503", faults: []testbed.Fault{status(503, `{"errors":["Vault is sealed"]}`)}, wantOK: true},
		{name: "read_wave_412_from_a_performance_standby", faults: []testbed.Fault{pass, status(412, `{"errors":["required index state not present"]}`)}, wantOK: true},
		{name: "read_wave_429_rate_limited", faults: []testbed.Fault{pass, {Status: 429, Body: `{"errors":["rate limit quota exceeded"]}`, Header: map[string]string{"Retry-After": "1"}}}, wantOK: true},
		{name: "read_wave_connection_reset", faults: []testbed.Fault{pass, reset}, wantOK: true},
		{name: "read_wave_truncated", faults: []testbed.Fault{pass, truncated}, wantOK: true},
		{name: "slow_login", faults: []testbed.Fault{slow}, wantOK: true},
		{name: "login_invalid_json_fails", faults: []testbed.Fault{status(200, "{not json")},
			wantTitle: "Vault login failed", wantText: "logging in to Vault at auth/jwt (method jwt): the answer is not JSON"},
		{name: "read_wave_denied_fails_fast", faults: []testbed.Fault{pass, status(403, `{"errors":["1 error occurred:\n\t* permission denied\n\n"]}`), status(403, `{"errors":["permission denied"]}`)},
			wantTitle: "Vault denied a read", wantText: `"read" capability`},
		{name: "stalled_vault_stops_at_the_deadline", faults: []testbed.Fault{stalled}, timeoutS: "2",
			wantTitle: "Timed out", wantText: "action-timeout-s (2s)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			proxy := tc.proxy(t, v.URL)
			in := with(vaultInputs(v, "secret/data/aws accessKey | AWS_ACCESS_KEY_ID"), map[string]string{"vault-url": proxy.URL})
			res := run(t, testbed.Step{Binary: bin, Inputs: tc.inputs(in), Env: tlsEnv(t, tokens)})
			checkFault(t, tc, res, proxy.Requests())
		})
	}
}
