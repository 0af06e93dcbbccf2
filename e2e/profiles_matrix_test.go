package e2e

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/federate-action/federate/internal/idtoken/idtokentest"
	"github.com/federate-action/federate/internal/runner/runnertest"
	"github.com/federate-action/federate/internal/testbed"
)

// slowThrottlingSTS puts moto behind three fault proxies: 20 ms on the way
// in, 20% of requests throttled, 20 ms more before moto (the way back,
// as seen from the step). It returns the step's endpoint and the throttling
// proxy, whose queue takes injected faults.
func slowThrottlingSTS(t *testing.T, target string, seed int64) (string, *testbed.FaultProxy) {
	t.Helper()
	latency := testbed.Fault{Delay: 20 * time.Millisecond}
	back, err := testbed.NewFaultProxy(target)
	require.NoError(t, err)
	t.Cleanup(back.Close)
	back.SetRandom(1, latency, seed)
	throttle, err := testbed.NewFaultProxy(back.URL)
	require.NoError(t, err)
	t.Cleanup(throttle.Close)
	throttle.SetRandom(0.2, stsError("Throttling", 400), seed)
	in, err := testbed.NewFaultProxy(throttle.URL)
	require.NoError(t, err)
	t.Cleanup(in.Close)
	in.SetRandom(1, latency, seed)
	return in.URL, throttle
}

// matrixProfiles is one profile per role: p01, p02, ...
func matrixProfiles(roles []string) (string, []string) {
	var lines, names []string
	for i, r := range roles {
		name := fmt.Sprintf("p%02d", i+1)
		names = append(names, name)
		lines = append(lines, name+" "+r)
	}
	return strings.Join(lines, "\n"), names
}

// A matrix-sized step: 20 profiles in 20 accounts, STS slow and throttling
// a fifth of the requests. Every profile is assumed (the throttled ones
// retried) and works through the Go SDK (boto3 samples three: it is slow to
// start); no secret shows in the log.
func TestProfiles_TwentyAccountsThroughASlowThrottlingSTS(t *testing.T) {
	t.Parallel()
	bin, moto := servers(t)
	callers := sdkCallers(t)
	tokens := tokenServer(t, idtokentest.Config{})
	roles := testRoles(t, 20)
	profiles, profileNames := matrixProfiles(roles)
	endpoint, throttle := slowThrottlingSTS(t, moto.URL, 9)
	dir := stepDir(t)

	res := run(t, testbed.Step{Binary: bin, Inputs: profilesInputs(endpoint, profiles), Env: tokens.Env(), Dir: dir})
	require.Equal(t, 0, res.ExitCode, "stdout:\n%s\nstderr:\n%s", res.Stdout, res.Stderr)
	t.Logf("20 profiles in %s; %d STS requests, %d throttled, %d ID tokens", res.Wall.Round(time.Millisecond),
		throttle.Requests(), throttle.Faulted(), len(tokens.Requests()))
	assert.Positive(t, throttle.Faulted(), "some requests were throttled")
	assert.Equal(t, 20+throttle.Faulted(), throttle.Requests(), "each throttled request retried once more, nothing else")

	files := exportedFiles(t, res, runnerTempOf(dir))
	out := profilesOutput(t, res)
	require.Len(t, out, 20)
	secrets := fileSecrets(t, files.Credentials)
	assert.Len(t, secrets, 60)
	assertMaskedEverywhere(t, res, secrets)

	for _, c := range callers {
		for i, name := range profileNames {
			if c.Name == "boto3" && i%9 != 0 { // p01, p10, p19
				continue
			}
			assert.Equal(t, name, out[i].Name)
			assertIdentity(t, c.Name+" "+name, sdkCall(t, c, moto.URL, files.Env(name)), accountOf(roles[i]), assumedARN(roles[i], "GitHubActions"))
		}
	}
}

// Two of the 20 roles are denied: the step fails, reports both, and leaves
// no file and no variable behind.
func TestProfiles_DeniedRolesOfTwentyWriteNothing(t *testing.T) {
	t.Parallel()
	bin, moto := servers(t)
	tokens := tokenServer(t, idtokentest.Config{})
	roles := testRoles(t, 20)
	profiles, _ := matrixProfiles(roles)
	endpoint, throttle := slowThrottlingSTS(t, moto.URL, 4)
	// Whichever two profiles ask first: all 20 ask at once.
	throttle.Enqueue(stsError("AccessDenied", 403), stsError("AccessDenied", 403))
	dir := stepDir(t)

	res := run(t, testbed.Step{Binary: bin, Inputs: profilesInputs(endpoint, profiles), Env: tokens.Env(), Dir: dir})
	assert.Equal(t, 1, res.ExitCode, res.Stdout)
	errs := errorAnnotations(res.Stdout)
	require.NotEmpty(t, errs, res.Stdout)
	text := runnertest.UnescapeData(strings.Join(errs, "\n"))
	assert.Equal(t, 2, strings.Count(text, "(AccessDenied:"), "every failure is reported:\n%s", text)
	named := map[string]bool{}
	for _, m := range regexp.MustCompile(`\bp[0-2][0-9]\b`).FindAllString(text, -1) {
		named[m] = true
	}
	assert.Len(t, named, 2, "both denied profiles are named:\n%s", text)
	assert.Empty(t, res.EnvRaw, "no variable")
	assert.Empty(t, res.OutputRaw, "no output")
	assert.Empty(t, res.State, "nothing for the post step")
	noFilesDir(t, runnerTempOf(dir))
	noKeyIDShown(t, res)
}
