package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/federate-action/federate/internal/idtoken/idtokentest"
	"github.com/federate-action/federate/internal/runner/runnertest"
	"github.com/federate-action/federate/internal/testbed"
)

// Three profiles in three accounts: two assumed with the ID token, one
// chained from the first with sts:AssumeRole. Later steps with boto3 and
// the Go SDK reach each account through AWS_PROFILE alone, the step
// exports no static keys, and the post step deletes the files.
func TestProfiles_EachProfileAnswersItsOwnAccountInBothSDKs(t *testing.T) {
	t.Parallel()
	bin, moto := servers(t)
	callers := sdkCallers(t)
	tokens := tokenServer(t, idtokentest.Config{})
	roles := testRoles(t, 3)
	prod, staging, audit := roles[0], roles[1], roles[2]
	profiles := fmt.Sprintf("# one per line\nprod %s\n\nstaging deploy account=%s region=us-west-2\naudit %s source=prod external-id=ci-audit  # chained\n",
		prod, accountOf(staging), audit)
	in := profilesInputs(moto.URL, profiles)
	dir := stepDir(t)

	res := run(t, testbed.Step{Binary: bin, Inputs: in, Env: tokens.Env(), Dir: dir})
	require.Equal(t, 0, res.ExitCode, "stdout:\n%s\nstderr:\n%s", res.Stdout, res.Stderr)

	// Only the two file paths: static keys or a region would shadow the
	// profiles in every later step.
	assert.ElementsMatch(t, []string{"AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"}, envNames(res))
	files := exportedFiles(t, res, runnerTempOf(dir))
	assert.Len(t, tokens.Requests(), 1, "the web-identity profiles share the step's one ID token")

	want := []profileOutput{
		{Name: "prod", Role: prod, Account: accountOf(prod), Arn: assumedARN(prod, "GitHubActions"), Region: "us-east-1"},
		{Name: "staging", Role: staging, Account: accountOf(staging), Arn: assumedARN(staging, "GitHubActions"), Region: "us-west-2"},
		{Name: "audit", Role: audit, Account: accountOf(audit), Arn: assumedARN(audit, "GitHubActions"), Region: "us-east-1", Source: "prod"},
	}
	assert.Equal(t, []string{"aws-profiles"}, names(res.Outputs))
	got := profilesOutput(t, res)
	require.Len(t, got, len(want))
	for i := range want {
		assert.WithinDuration(t, time.Now().Add(time.Hour), got[i].Expiration, 5*time.Minute, want[i].Name)
		got[i].Expiration = time.Time{}
		assert.Equal(t, want[i], got[i])
		assert.Contains(t, res.Summary, want[i].Arn, "the summary lists %s", want[i].Name)
	}

	secrets := fileSecrets(t, files.Credentials)
	assert.Len(t, secrets, 9, "three profiles of static keys")
	assertMaskedEverywhere(t, res, secrets)

	for _, c := range callers {
		for _, p := range want {
			id := sdkCall(t, c, moto.URL, files.Env(p.Name))
			assertIdentity(t, c.Name+" "+p.Name, id, p.Account, p.Arn)
		}
	}

	require.Contains(t, runnertest.ToMap(res.State), "aws-files-dir")
	assert.Equal(t, files.Dir, runnertest.ToMap(res.State)["aws-files-dir"], "on the host, the step's dir is the later steps' dir")
	post := runPost(t, dir, in, res.State)
	require.Equal(t, 0, post.ExitCode, post.Stdout)
	_, err := os.Stat(files.Dir)
	assert.True(t, os.IsNotExist(err), "the post step deletes the files: %v", err)
	assert.Empty(t, post.EnvRaw)
}

// role-to-assume keeps its meaning next to aws-profiles: the AWS_* env vars
// and outputs as before, plus the files for the profiles.
func TestProfiles_WithRoleToAssumeExportsBoth(t *testing.T) {
	t.Parallel()
	bin, moto := servers(t)
	callers := sdkCallers(t)
	tokens := tokenServer(t, idtokentest.Config{})
	roles := testRoles(t, 1)
	in := with(roleInputs(moto.URL), map[string]string{"aws-profiles": "prod " + roles[0]})
	dir := stepDir(t)

	res := run(t, testbed.Step{Binary: bin, Inputs: in, Env: tokens.Env(), Dir: dir})
	require.Equal(t, 0, res.ExitCode, "stdout:\n%s\nstderr:\n%s", res.Stdout, res.Stderr)
	assert.ElementsMatch(t, []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_REGION", "AWS_DEFAULT_REGION",
		"AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"}, envNames(res))
	assert.ElementsMatch(t, []string{"aws-account-id", "authenticated-arn", "aws-expiration", "aws-profiles"}, names(res.Outputs))
	out := runnertest.ToMap(res.Outputs)
	assert.Equal(t, "arn:aws:sts::737236345234:assumed-role/gha-oidc-role/samplerolesession", out["authenticated-arn"])
	files := exportedFiles(t, res, runnerTempOf(dir))
	assert.Len(t, tokens.Requests(), 1, "one ID token for the role and the profile")

	env := runnertest.ToMap(res.Env)
	secrets := append(fileSecrets(t, files.Credentials), env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"], env["AWS_SESSION_TOKEN"])
	assertMaskedEverywhere(t, res, secrets)

	for _, c := range callers {
		// A step with the exported keys and no profile: the role.
		keys := map[string]string{}
		for _, k := range []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_REGION", "AWS_DEFAULT_REGION"} {
			keys[k] = env[k]
		}
		assertIdentity(t, c.Name+" env", sdkCall(t, c, moto.URL, keys), "737236345234", out["authenticated-arn"])
		// A step with the files and AWS_PROFILE: the profile.
		assertIdentity(t, c.Name+" prod", sdkCall(t, c, moto.URL, files.Env("prod")), accountOf(roles[0]), assumedARN(roles[0], "samplerolesession"))
		// Both SDKs prefer the exported keys to AWS_PROFILE: a later step
		// that wants a profile must clear them (what the README says).
		assertIdentity(t, c.Name+" keys shadow AWS_PROFILE", sdkCall(t, c, moto.URL, with(env, files.Env("prod"))),
			"737236345234", out["authenticated-arn"])
	}
}

// aws-profile puts role-to-assume's credentials into a named profile of the
// files instead of the env vars; with output-env-credentials: true the step
// exports AWS_PROFILE as well, so later steps need nothing else.
func TestProfiles_AWSProfileWritesTheRoleToANamedProfile(t *testing.T) {
	t.Parallel()
	bin, moto := servers(t)
	callers := sdkCallers(t)
	const wantARN = "arn:aws:sts::737236345234:assumed-role/gha-oidc-role/samplerolesession"
	tests := []struct {
		name       string
		change     map[string]string
		wantEnv    []string
		useProfile string // AWS_PROFILE the later step sets itself ("" = only what was exported)
	}{
		{"profile_only", map[string]string{"aws-profile": "ci"},
			[]string{"AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"}, "ci"},
		{"profile_and_env_credentials_export_aws_profile", map[string]string{"aws-profile": "ci", "output-env-credentials": "true"},
			nil, ""},
		{"default_profile_needs_no_aws_profile", map[string]string{"aws-profile": "default", "overwrite-aws-profile": "true"},
			[]string{"AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"}, ""},
		// The seeded cache answers: the later step needs no token service.
		{"refreshing_profile_is_served_from_the_seeded_cache", map[string]string{"aws-profile": "ci", "refresh-credentials": "true"},
			[]string{"AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"}, "ci"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tokens := tokenServer(t, idtokentest.Config{})
			dir := stepDir(t)
			res := run(t, testbed.Step{Binary: bin, Inputs: with(roleInputs(moto.URL), tt.change), Env: tokens.Env(), Dir: dir})
			require.Equal(t, 0, res.ExitCode, "stdout:\n%s\nstderr:\n%s", res.Stdout, res.Stderr)
			env := runnertest.ToMap(res.Env)
			if tt.wantEnv != nil {
				assert.ElementsMatch(t, tt.wantEnv, envNames(res))
			} else {
				assert.Equal(t, "ci", env["AWS_PROFILE"])
			}
			files := exportedFiles(t, res, runnerTempOf(dir))
			if tt.change["refresh-credentials"] == "true" {
				assert.Empty(t, fileSecrets(t, files.Credentials), "no static keys")
				assertMaskedEverywhere(t, res, cacheSecrets(t, filepath.Join(files.Dir, "cache", "ci.json")))
				assert.Contains(t, iniSections(t, files.Config)["profile ci"]["credential_process"], files.Dir+"/federate credential-process ")
			} else {
				assertMaskedEverywhere(t, res, fileSecrets(t, files.Credentials))
			}

			later := with(env, files.Env(tt.useProfile)) // what a later step's environment holds
			for _, c := range callers {
				assertIdentity(t, c.Name, sdkCall(t, c, moto.URL, later), "737236345234", wantARN)
			}
		})
	}
}

// unset-current-credentials with profiles only: the keys and region an
// earlier step exported are cleared (exported empty), so they cannot
// shadow the profiles, and the profiles still work with the empty vars set.
func TestProfiles_UnsetCurrentCredentialsClearsTheEarlierKeys(t *testing.T) {
	t.Parallel()
	bin, moto := servers(t)
	callers := sdkCallers(t)
	tokens := tokenServer(t, idtokentest.Config{})
	roles := testRoles(t, 1)
	in := with(profilesInputs(moto.URL, "prod "+roles[0]), map[string]string{"unset-current-credentials": "true"})
	earlier := with(tokens.Env(), map[string]string{
		"AWS_ACCESS_KEY_ID": "ASIAEARLIERSTEP00001", "AWS_SECRET_ACCESS_KEY": "earlier-secret", "AWS_SESSION_TOKEN": "earlier-token",
		"AWS_REGION": "eu-west-1", "AWS_DEFAULT_REGION": "eu-west-1",
	})
	dir := stepDir(t)

	res := run(t, testbed.Step{Binary: bin, Inputs: in, Env: earlier, Dir: dir})
	require.Equal(t, 0, res.ExitCode, "stdout:\n%s\nstderr:\n%s", res.Stdout, res.Stderr)
	env := runnertest.ToMap(res.Env)
	// The region stays: botocore would take an empty AWS_REGION over the
	// profile's region and have no endpoint to call.
	assert.ElementsMatch(t, []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
		"AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"}, envNames(res))
	for _, k := range []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"} {
		assert.Empty(t, env[k], "%s is exported empty", k)
	}
	files := exportedFiles(t, res, runnerTempOf(dir))
	for _, c := range callers {
		later := with(env, files.Env("prod"))
		assertIdentity(t, c.Name, sdkCall(t, c, moto.URL, later), accountOf(roles[0]), assumedARN(roles[0], "GitHubActions"))
	}
}
