package e2e

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/federate-action/federate/internal/idtoken/idtokentest"
	"github.com/federate-action/federate/internal/runner/runnertest"
	"github.com/federate-action/federate/internal/testbed"
)

// tutorialInputs are the quick start's inputs, pointed at moto.
func tutorialInputs(endpoint string) map[string]string {
	return map[string]string{
		"role-to-assume":    "arn:aws:iam::737236345234:role/gha-oidc-role",
		"role-session-name": "samplerolesession",
		"aws-region":        "us-west-1",
		"sts-endpoint":      endpoint,
		// action.yml defaults, which the runner passes like any input.
		"role-duration-seconds":  "3600",
		"output-credentials":     "false",
		"output-env-credentials": "true",
		"mask-aws-account-id":    "false",
		"retry-max-attempts":     "12",
		"action-timeout-s":       "300",
	}
}

func TestAWS_TutorialFlowExportsCredentials(t *testing.T) {
	t.Parallel()
	bin, moto := servers(t)
	tokens := tokenServer(t, idtokentest.Config{})

	res := run(t, testbed.Step{Binary: bin, Inputs: tutorialInputs(moto.URL), Env: tokens.Env()})
	require.Equal(t, 0, res.ExitCode, "stdout:\n%s\nstderr:\n%s", res.Stdout, res.Stderr)

	env := runnertest.ToMap(res.Env)
	assert.Equal(t, []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_REGION", "AWS_DEFAULT_REGION"}, names(res.Env))
	assert.Regexp(t, `^ASIA[A-Z0-9]{16}$`, env["AWS_ACCESS_KEY_ID"])
	assert.NotEmpty(t, env["AWS_SECRET_ACCESS_KEY"])
	assert.NotEmpty(t, env["AWS_SESSION_TOKEN"])
	assert.Equal(t, "us-west-1", env["AWS_REGION"])
	assert.Equal(t, "us-west-1", env["AWS_DEFAULT_REGION"])

	out := runnertest.ToMap(res.Outputs)
	assert.Equal(t, []string{"aws-account-id", "authenticated-arn", "aws-expiration"}, names(res.Outputs))
	assert.Equal(t, "737236345234", out["aws-account-id"])
	assert.Equal(t, "arn:aws:sts::737236345234:assumed-role/gha-oidc-role/samplerolesession", out["authenticated-arn"])
	expiry, err := time.Parse(time.RFC3339, out["aws-expiration"])
	require.NoError(t, err)
	assert.WithinDuration(t, time.Now().Add(time.Hour), expiry, 5*time.Minute)

	// The token was asked for with STS's audience, and masked.
	reqs := tokens.Requests()
	require.Len(t, reqs, 1)
	assert.Equal(t, "sts.amazonaws.com", reqs[0].Audience)
	secrets := []string{env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"], env["AWS_SESSION_TOKEN"]}
	m := runnertest.Masks(res.Stdout)
	assert.Subset(t, m, secrets)
	idToken := ""
	for _, v := range m {
		if strings.Count(v, ".") == 2 && strings.HasPrefix(v, "eyJ") {
			idToken = v
		}
	}
	require.NotEmpty(t, idToken, "the ID token is masked")
	secrets = append(secrets, idToken)

	// Nothing secret is visible anywhere but in the masks.
	for _, s := range secrets {
		assert.NotContains(t, runnertest.Visible(res.Stdout, res.Stderr), s)
		assert.NotContains(t, res.Summary, s)
	}
	assert.Contains(t, res.Summary, "arn:aws:iam::737236345234:role/gha-oidc-role")
	assert.Contains(t, res.Summary, "samplerolesession")
	assert.Contains(t, res.Summary, "`AWS_ACCESS_KEY_ID`")
	assert.Contains(t, res.Stdout, "Assuming arn:aws:iam::737236345234:role/gha-oidc-role in us-west-1")
}

func TestAWS_OutputCredentialsInsteadOfEnv(t *testing.T) {
	t.Parallel()
	bin, moto := servers(t)
	tokens := tokenServer(t, idtokentest.Config{})
	in := tutorialInputs(moto.URL)
	in["output-credentials"] = "true"
	in["output-env-credentials"] = "false"
	in["mask-aws-account-id"] = "true"

	res := run(t, testbed.Step{Binary: bin, Inputs: in, Env: tokens.Env()})
	require.Equal(t, 0, res.ExitCode, res.Stdout)
	assert.Empty(t, res.Env)
	assert.Equal(t, []string{"aws-account-id", "authenticated-arn", "aws-expiration", "aws-access-key-id", "aws-secret-access-key", "aws-session-token"}, names(res.Outputs))
	out := runnertest.ToMap(res.Outputs)
	m := runnertest.Masks(res.Stdout)
	for _, name := range []string{"aws-account-id", "authenticated-arn", "aws-access-key-id", "aws-secret-access-key", "aws-session-token"} {
		assert.Contains(t, m, out[name], "%s is masked", name)
		assert.NotContains(t, runnertest.Visible(res.Stdout, res.Stderr), out[name])
	}
	assert.NotContains(t, res.Summary, "737236345234")
}

func TestAWS_TokenFromFile(t *testing.T) {
	t.Parallel()
	bin, moto := servers(t)
	tokens := tokenServer(t, idtokentest.Config{})
	jwt, err := tokens.Sign(map[string]any{"iss": tokens.Issuer, "aud": "sts.amazonaws.com", "sub": "repo:o/r:ref:refs/heads/main",
		"exp": time.Now().Add(5 * time.Minute).Unix()})
	require.NoError(t, err)
	dir := filepath.Join(t.TempDir(), "step")
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "workspace", "tokens"), 0o700))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "workspace", "tokens", "token.jwt"), []byte(jwt+"\n"), 0o600))
	in := tutorialInputs(moto.URL)
	in["web-identity-token-file"] = "tokens/token.jwt" // relative to the workspace

	res := run(t, testbed.Step{Binary: bin, Inputs: in, Dir: dir}) // no token service at all
	require.Equal(t, 0, res.ExitCode, res.Stdout)
	assert.Contains(t, runnertest.Masks(res.Stdout), jwt)
	assert.Equal(t, "737236345234", runnertest.ToMap(res.Outputs)["aws-account-id"])
}

func TestAWS_TokenServiceFailsTwiceThenSucceeds(t *testing.T) {
	t.Parallel()
	bin, moto := servers(t)
	tokens := tokenServer(t, idtokentest.Config{})
	tokens.FailNext(2, 503, `{"message":"unavailable"}`)

	res := run(t, testbed.Step{Binary: bin, Inputs: tutorialInputs(moto.URL), Env: tokens.Env()})
	require.Equal(t, 0, res.ExitCode, res.Stdout)
	assert.Len(t, tokens.Requests(), 3)
	assert.Len(t, res.Env, 5)
	assert.Equal(t, 2, strings.Count(res.Stdout, "retrying in"))
}

func TestAWS_TransientSTSFaultsAreRetriedWithANewToken(t *testing.T) {
	t.Parallel()
	bin, moto := servers(t)
	tokens := tokenServer(t, idtokentest.Config{})
	proxy, err := testbed.NewFaultProxy(moto.URL)
	require.NoError(t, err)
	t.Cleanup(proxy.Close)
	proxy.Enqueue(
		testbed.Fault{Status: 400, Body: testbed.STSError("IDPCommunicationError", "the identity provider could not be reached")},
		testbed.Fault{Status: 400, Body: testbed.STSError("IDPCommunicationError", "the identity provider could not be reached")},
	)

	res := run(t, testbed.Step{Binary: bin, Inputs: tutorialInputs(proxy.URL), Env: tokens.Env()})
	require.Equal(t, 0, res.ExitCode, res.Stdout)
	assert.Equal(t, 3, proxy.Requests())
	assert.Len(t, tokens.Requests(), 3, "a fresh ID token for every STS attempt")
	assert.Len(t, res.Env, 5)
}

func TestAWS_AccessDeniedFailsFastAndShowsTheClaims(t *testing.T) {
	t.Parallel()
	bin, moto := servers(t)
	tokens := tokenServer(t, idtokentest.Config{Claims: map[string]any{"environment": "production",
		"sub": "repo:octo-org/octo-repo:environment:production"}})
	proxy, err := testbed.NewFaultProxy(moto.URL)
	require.NoError(t, err)
	t.Cleanup(proxy.Close)
	proxy.Enqueue(testbed.Fault{Status: 403, Body: testbed.STSError("AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity")})

	res := run(t, testbed.Step{Binary: bin, Inputs: tutorialInputs(proxy.URL), Env: tokens.Env()})
	t.Logf("AccessDenied reported after %s", res.Wall)
	assert.Equal(t, 1, res.ExitCode)
	assert.Equal(t, 1, proxy.Requests(), "a denial is never retried")
	assert.Len(t, tokens.Requests(), 1)
	assert.NotContains(t, res.Stdout, "retrying")
	errs := errorAnnotations(res.Stdout)
	require.Len(t, errs, 1)
	msg := runnertest.UnescapeData(errs[0])
	assert.True(t, strings.HasPrefix(msg, "::error title=AWS refused the role arn%3Aaws%3Aiam%3A%3A737236345234%3Arole/gha-oidc-role::"), msg)
	for _, want := range []string{
		"AccessDenied: Not authorized to perform sts:AssumeRoleWithWebIdentity",
		"iss: " + tokens.Issuer,
		"aud: sts.amazonaws.com",
		"sub: repo:octo-org/octo-repo:environment:production",
		"repository: octo-org/octo-repo",
		"ref: refs/heads/main",
		"job_workflow_ref: octo-org/octo-repo/.github/workflows/deploy.yml@refs/heads/main",
		"environment: production",
		`"StringEquals"`,
	} {
		assert.Contains(t, msg, want)
	}
	assert.Empty(t, res.EnvRaw)
	assert.Empty(t, res.OutputRaw)
}

func TestAWS_BadInputFailsBeforeAnyRequest(t *testing.T) {
	t.Parallel()
	bin, moto := servers(t)
	tests := []struct {
		name      string
		change    map[string]string
		wantTitle string
	}{
		{"bad_duration", map[string]string{"role-duration-seconds": "60"}, "Invalid input role-duration-seconds"},
		{"bad_boolean", map[string]string{"output-credentials": "yes"}, "Invalid input output-credentials"},
		{"bad_region", map[string]string{"aws-region": "mars"}, "Invalid input aws-region"},
		{"plain_http_endpoint", map[string]string{"sts-endpoint": "http://sts.example.com"}, "Invalid input sts-endpoint"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tokens := tokenServer(t, idtokentest.Config{})
			in := with(tutorialInputs(moto.URL), tt.change)
			res := run(t, testbed.Step{Binary: bin, Inputs: in, Env: tokens.Env()})
			assert.Equal(t, 1, res.ExitCode)
			errs := errorAnnotations(res.Stdout)
			require.Len(t, errs, 1, res.Stdout)
			assert.True(t, strings.HasPrefix(errs[0], "::error title="+tt.wantTitle+"::"), errs[0])
			assert.Empty(t, tokens.Requests(), "validation happens before the first network call")
			assert.Empty(t, res.EnvRaw)
			assert.Empty(t, res.OutputRaw)
		})
	}
}

func TestAWS_MissingIDTokenPermissionSaysWhatToAdd(t *testing.T) {
	t.Parallel()
	bin, moto := servers(t)
	res := run(t, testbed.Step{Binary: bin, Inputs: tutorialInputs(moto.URL)})
	assert.Equal(t, 1, res.ExitCode)
	errs := errorAnnotations(res.Stdout)
	require.Len(t, errs, 1)
	assert.True(t, strings.HasPrefix(errs[0], "::error title=Missing id-token permission::"), errs[0])
	assert.Contains(t, runnertest.UnescapeData(errs[0]), "id-token: write")
}

// otherAccountAnswer is an STS answer whose credentials are for another
// account than the role's: what a misrouted endpoint or a role chained
// elsewhere could hand back.
const otherAccountAnswer = `<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleWithWebIdentityResult>
    <AssumedRoleUser>
      <Arn>arn:aws:sts::999988887777:assumed-role/gha-oidc-role/samplerolesession</Arn>
      <AssumedRoleId>AROAEXAMPLE:samplerolesession</AssumedRoleId>
    </AssumedRoleUser>
    <Credentials>
      <AccessKeyId>ASIAOTHERACCOUNT0001</AccessKeyId>
      <SecretAccessKey>other-account-secret-key</SecretAccessKey>
      <SessionToken>other-account-session-token</SessionToken>
      <Expiration>2099-01-01T00:00:00Z</Expiration>
    </Credentials>
  </AssumeRoleWithWebIdentityResult>
  <ResponseMetadata><RequestId>00000000-0000-0000-0000-000000000000</RequestId></ResponseMetadata>
</AssumeRoleWithWebIdentityResponse>`

// Credentials for an account outside allowed-account-ids fail the step;
// with mask-aws-account-id the error does not show that account either.
func TestAWS_CredentialsForAnAccountNotAllowed(t *testing.T) {
	t.Parallel()
	bin, moto := servers(t)
	for _, mask := range []string{"false", "true"} {
		t.Run("mask_"+mask, func(t *testing.T) {
			t.Parallel()
			tokens := tokenServer(t, idtokentest.Config{})
			sts, err := testbed.NewFaultProxy(moto.URL)
			require.NoError(t, err)
			t.Cleanup(sts.Close)
			sts.Enqueue(testbed.Fault{Status: http.StatusOK, Body: otherAccountAnswer})
			in := with(tutorialInputs(sts.URL), map[string]string{
				"allowed-account-ids": "737236345234", "mask-aws-account-id": mask})

			res := run(t, testbed.Step{Binary: bin, Inputs: in, Env: tokens.Env()})
			require.Equal(t, 1, res.ExitCode, res.Stdout)
			assertOneError(t, res.Stdout, "Account not allowed")
			assert.Empty(t, res.EnvRaw)
			assert.Empty(t, res.OutputRaw)
			visible := runnertest.Visible(res.Stdout, res.Stderr)
			if mask == "true" {
				assert.NotContains(t, visible, "999988887777", "the account is masked before the error names it")
				assert.NotContains(t, visible, "737236345234")
			} else {
				assert.Contains(t, visible, "credentials are for account 999988887777")
			}
		})
	}
}
