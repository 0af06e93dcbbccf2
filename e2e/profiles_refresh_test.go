package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/federate-action/federate/internal/idtoken/idtokentest"
	"github.com/federate-action/federate/internal/testbed"
)

// credentialProcessFlags splits a credential_process line (the step's
// paths and values need no quoting) into the program, its mode and its
// flags.
func credentialProcessFlags(t *testing.T, line string) (program, mode string, flags map[string]string) {
	t.Helper()
	words := strings.Fields(line)
	require.GreaterOrEqual(t, len(words), 2, line)
	flags = map[string]string{}
	for i := 2; i < len(words); i += 2 {
		require.True(t, strings.HasPrefix(words[i], "--"), "flag expected at %q in %s", words[i], line)
		require.Less(t, i+1, len(words), "flag %s has a value", words[i])
		flags[words[i]] = words[i+1]
	}
	return words[0], words[1], flags
}

// cacheSecrets are the credentials in a credential-process cache.
func cacheSecrets(t *testing.T, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	var doc struct{ AccessKeyId, SecretAccessKey, SessionToken string } //nolint:revive // the SDKs' spelling
	require.NoError(t, json.Unmarshal(b, &doc))
	require.NotEmpty(t, doc.SecretAccessKey, path)
	return []string{doc.AccessKeyId, doc.SecretAccessKey, doc.SessionToken}
}

// staleCache moves a credential-process cache's Expiration into the past.
func staleCache(t *testing.T, path string) {
	t.Helper()
	expireCache(t, path, time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC))
}

// expireCache sets a credential-process cache's Expiration, keeping its mode.
func expireCache(t *testing.T, path string, at time.Time) {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	var doc map[string]any
	require.NoError(t, json.Unmarshal(b, &doc))
	doc["Expiration"] = at.UTC().Format(time.RFC3339)
	b, err = json.Marshal(doc)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(path, b, 0o600))
}

// refresh-credentials: role-to-assume's [default] and each web-identity
// profile get a credential_process running the copied binary; a chained
// profile names its source instead. Both SDKs, in a later step of the same
// job (the token service's variables in their environment), get working
// credentials: first from the cache the step seeded, then, once the cache
// is stale, from one fresh ID token and one STS call.
func TestRefreshCredentials_LaterStepsRefreshThroughTheCopiedBinary(t *testing.T) {
	t.Parallel()
	bin, moto := servers(t)
	callers := sdkCallers(t)
	tokens := tokenServer(t, idtokentest.Config{})
	sts, err := testbed.NewFaultProxy(moto.URL) // counts the credential process's STS calls
	require.NoError(t, err)
	t.Cleanup(sts.Close)
	roles := testRoles(t, 3)
	role, prod, audit := roles[0], roles[1], roles[2]
	in := with(roleInputs(sts.URL), map[string]string{
		"role-to-assume":      role,
		"refresh-credentials": "true",
		"aws-profiles":        fmt.Sprintf("prod %s\naudit %s source=prod external-id=ci-audit", prod, audit),
	})
	dir := stepDir(t)

	res := run(t, testbed.Step{Binary: bin, Inputs: in, Env: tokens.Env(), Dir: dir})
	require.Equal(t, 0, res.ExitCode, "stdout:\n%s\nstderr:\n%s", res.Stdout, res.Stderr)
	for _, k := range []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"} {
		assert.NotContains(t, envNames(res), k, "no static keys in refresh mode")
	}
	files := exportedFiles(t, res, runnerTempOf(dir))
	program := filepath.Join(files.Dir, "federate")
	assertMode(t, program, 0o700)
	caches := map[string]string{"default": filepath.Join(files.Dir, "cache", "default.json"), "prod": filepath.Join(files.Dir, "cache", "prod.json")}
	var seeded []string
	for _, c := range caches {
		assertMode(t, c, 0o600)
		seeded = append(seeded, cacheSecrets(t, c)...)
	}
	assertMaskedEverywhere(t, res, seeded)

	config := iniSections(t, files.Config)
	for name, section := range map[string]string{"default": "default", "prod": "profile prod"} {
		sec := config[section]
		require.NotNil(t, sec, "[%s]", section)
		prog, mode, flags := credentialProcessFlags(t, sec["credential_process"])
		assert.Equal(t, program, prog, name)
		assert.Equal(t, "credential-process", mode, name)
		want := map[string]string{"--role-arn": map[string]string{"default": role, "prod": prod}[name], "--region": "us-west-1",
			"--audience": "sts.amazonaws.com", "--sts-endpoint": sts.URL, "--session-name": "samplerolesession",
			"--duration-seconds": "3600", "--cache": caches[name]}
		for k, v := range want {
			assert.Equal(t, v, flags[k], "%s %s", name, k)
		}
		assert.NotContains(t, sec, "role_arn", name)
	}
	chained := config["profile audit"]
	require.NotNil(t, chained)
	assert.Equal(t, "prod", chained["source_profile"])
	assert.Equal(t, audit, chained["role_arn"])
	assert.Equal(t, "ci-audit", chained["external_id"])
	assert.Equal(t, "samplerolesession", chained["role_session_name"])
	assert.Equal(t, "3600", chained["duration_seconds"])
	assert.NotContains(t, chained, "credential_process")
	assert.Empty(t, fileSecrets(t, files.Credentials), "no static keys in the credentials file")

	want := map[string]struct{ account, arn string }{
		"default": {accountOf(role), assumedARN(role, "samplerolesession")},
		"prod":    {accountOf(prod), assumedARN(prod, "samplerolesession")},
		"audit":   {accountOf(audit), assumedARN(audit, "samplerolesession")},
	}
	for _, c := range callers {
		for _, name := range []string{"default", "prod", "audit"} {
			env := with(tokens.Env(), files.Env(name))
			tokensBefore, stsBefore := len(tokens.Requests()), sts.Requests()
			assertIdentity(t, c.Name+" "+name+" from the cache", sdkCall(t, c, moto.URL, env), want[name].account, want[name].arn)
			assert.Equal(t, tokensBefore, len(tokens.Requests()), "%s %s: served from the cache, no ID token", c.Name, name)
			assert.Equal(t, stsBefore, sts.Requests(), "%s %s: served from the cache, no STS call by the process", c.Name, name)
			if name == "audit" {
				continue // chained: the SDK assumes it itself, from prod's process credentials
			}
			staleCache(t, caches[name])
			assertIdentity(t, c.Name+" "+name+" refreshed", sdkCall(t, c, moto.URL, env), want[name].account, want[name].arn)
			assert.Equal(t, tokensBefore+1, len(tokens.Requests()), "%s %s: one fresh ID token", c.Name, name)
			assert.Equal(t, stsBefore+1, sts.Requests(), "%s %s: one STS call", c.Name, name)
		}
	}

	// The cache is served while its Expiration is more than 11 minutes
	// away (boto3 asks again on every call within 15 minutes, and refuses
	// credentials within 10), and refreshed after that.
	for _, c := range callers {
		for _, tc := range []struct {
			left    time.Duration
			refresh int
		}{{12 * time.Minute, 0}, {10 * time.Minute, 1}} {
			expireCache(t, caches["prod"], time.Now().Add(tc.left))
			tokensBefore, stsBefore := len(tokens.Requests()), sts.Requests()
			assertIdentity(t, fmt.Sprintf("%s prod with %s left", c.Name, tc.left), sdkCall(t, c, moto.URL, with(tokens.Env(), files.Env("prod"))),
				want["prod"].account, want["prod"].arn)
			assert.Equal(t, tokensBefore+tc.refresh, len(tokens.Requests()), "%s with %s left: ID tokens", c.Name, tc.left)
			assert.Equal(t, stsBefore+tc.refresh, sts.Requests(), "%s with %s left: STS calls", c.Name, tc.left)
		}
	}

	// Without the token service's variables (another job, or a job without
	// id-token: write) a stale profile fails with the SDK's error, and the
	// process's own message names what is missing.
	staleCache(t, caches["prod"])
	for _, c := range callers {
		got, err := c.Call(t.Context(), moto.URL, testbed.SDKCall{Env: files.Env("prod")})
		require.NoError(t, err, c.Name)
		assert.NotEmpty(t, got.Error, "%s: no credentials without the token service", c.Name)
	}
}
