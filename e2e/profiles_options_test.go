package e2e

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/federate-action/federate/internal/idtoken/idtokentest"
	"github.com/federate-action/federate/internal/runner/runnertest"
	"github.com/federate-action/federate/internal/testbed"
)

// envCredentials are the AWS_* an earlier step exported, as a later step's
// environment holds them.
func envCredentials(res testbed.Result) map[string]string {
	env := runnertest.ToMap(res.Env)
	out := map[string]string{}
	for _, k := range []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_REGION", "AWS_DEFAULT_REGION"} {
		if v, ok := env[k]; ok {
			out[k] = v
		}
	}
	return out
}

// role-chaining: a second step assumes role B with sts:AssumeRole signed by
// the role A credentials the first step exported, without an ID token.
func TestRoleChaining_SecondStepAssumesTheNextRoleWithTheFirstsKeys(t *testing.T) {
	t.Parallel()
	bin, moto := servers(t)
	callers := sdkCallers(t)
	tokens := tokenServer(t, idtokentest.Config{})
	roles := testRoles(t, 2)
	dir := stepDir(t)

	first := run(t, testbed.Step{Binary: bin, Dir: dir, Env: tokens.Env(),
		Inputs: with(roleInputs(moto.URL), map[string]string{"role-to-assume": roles[0]})})
	require.Equal(t, 0, first.ExitCode, first.Stdout)
	require.Len(t, tokens.Requests(), 1)
	a := envCredentials(first)
	require.NotEmpty(t, a["AWS_SECRET_ACCESS_KEY"])

	in := with(roleInputs(moto.URL), map[string]string{"role-to-assume": roles[1], "role-chaining": "true", "role-external-id": "ci-chain"})
	second := run(t, testbed.Step{Binary: bin, Dir: dir, Env: with(tokens.Env(), a), Inputs: in})
	require.Equal(t, 0, second.ExitCode, "stdout:\n%s\nstderr:\n%s", second.Stdout, second.Stderr)
	assert.Len(t, tokens.Requests(), 1, "the second step asks for no ID token")

	b := envCredentials(second)
	assert.Len(t, b, 5)
	assert.NotEqual(t, a["AWS_ACCESS_KEY_ID"], b["AWS_ACCESS_KEY_ID"])
	wantARN := assumedARN(roles[1], "samplerolesession")
	assert.Equal(t, wantARN, runnertest.ToMap(second.Outputs)["authenticated-arn"])
	assertMaskedEverywhere(t, second, []string{b["AWS_ACCESS_KEY_ID"], b["AWS_SECRET_ACCESS_KEY"], b["AWS_SESSION_TOKEN"]})
	for _, c := range callers {
		assertIdentity(t, c.Name, sdkCall(t, c, moto.URL, b), accountOf(roles[1]), wantARN)
	}
}

// use-existing-credentials keeps valid keys already in the environment and
// assumes nothing; keys STS refuses, or half a pair, are replaced as usual.
// moto's GetCallerIdentity accepts any signature (it does not check
// secrets), so the refused keys are played by the fault proxy answering
// InvalidClientTokenId, as AWS does for a key it does not know.
func TestUseExistingCredentials_KeepsValidKeysAndReplacesRefusedOnes(t *testing.T) {
	t.Parallel()
	bin, moto := servers(t)
	roles := testRoles(t, 2)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	// Keys for role-to-assume's account (roles[1]), and for another one.
	valid, _, err := moto.AssumeRoleWithWebIdentity(ctx, roles[1], "earlier")
	require.NoError(t, err)
	other, _, err := moto.AssumeRoleWithWebIdentity(ctx, roles[0], "earlier")
	require.NoError(t, err)
	tests := []struct {
		name       string
		existing   map[string]string
		faults     []testbed.Fault
		wantAssume bool
	}{
		{"valid_keys_are_kept", valid.Env(), nil, false},
		{"refused_keys_are_replaced", valid.Env(), []testbed.Fault{stsError("InvalidClientTokenId", 403)}, true},
		{"expired_keys_are_replaced", valid.Env(), []testbed.Fault{stsError("ExpiredToken", 400)}, true},
		{"a_key_id_without_its_secret_is_replaced", map[string]string{"AWS_ACCESS_KEY_ID": valid.AccessKeyID}, nil, true},
		{"keys_for_another_account_are_replaced", other.Env(), nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tokens := tokenServer(t, idtokentest.Config{})
			proxy := faultCase{faults: tt.faults}.proxy(t, moto.URL)
			in := with(roleInputs(proxy.URL), map[string]string{"role-to-assume": roles[1], "use-existing-credentials": "true"})
			res := run(t, testbed.Step{Binary: bin, Inputs: in, Env: with(tokens.Env(), tt.existing)})
			require.Equal(t, 0, res.ExitCode, "stdout:\n%s\nstderr:\n%s", res.Stdout, res.Stderr)
			got := envCredentials(res)
			if !tt.wantAssume {
				assert.Empty(t, tokens.Requests(), "nothing is assumed")
				assert.Empty(t, got, "nothing is exported for the role")
				assert.Empty(t, res.OutputRaw)
				assert.Contains(t, res.Stdout, "use-existing-credentials", "a log line says why nothing was assumed")
				return
			}
			assert.Len(t, tokens.Requests(), 1, "the role is assumed as usual")
			assert.Len(t, got, 5)
			assert.NotEqual(t, valid.AccessKeyID, got["AWS_ACCESS_KEY_ID"])
			assert.Equal(t, assumedARN(roles[1], "samplerolesession"), runnertest.ToMap(res.Outputs)["authenticated-arn"])
		})
	}
}
