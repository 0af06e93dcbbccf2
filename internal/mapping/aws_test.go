package mapping

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/federate-action/federate/internal/awssts"
	"github.com/federate-action/federate/internal/export"
	"github.com/federate-action/federate/internal/plan"
	"github.com/federate-action/federate/internal/secret"
)

var (
	testNow   = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	testCreds = awssts.Credentials{
		AccessKeyID:     secret.New("ASIAEXAMPLEKEYID0001"),
		SecretAccessKey: secret.New("secret-access-key-value"),
		SessionToken:    secret.New("session-token-value"),
		Expiration:      testNow.Add(time.Hour),
		AssumedRoleARN:  "arn:aws:sts::111122223333:assumed-role/deploy/GitHubActions",
		AccountID:       "111122223333",
	}
)

func awsPlan(change func(*plan.AWSPlan)) *plan.AWSPlan {
	p := &plan.AWSPlan{RoleARN: "arn:aws:iam::111122223333:role/deploy", AccountID: "111122223333",
		Region: "eu-west-1", SessionName: "GitHubActions", OutputEnvCredentials: true}
	if change != nil {
		change(p)
	}
	return p
}

// values flattens a list of vars to name -> revealed value.
func values(vars []export.Var) map[string]string {
	m := map[string]string{}
	for _, v := range vars {
		m[v.Name] = v.Value.Reveal()
	}
	return m
}

func names(vars []export.Var) []string {
	var n []string
	for _, v := range vars {
		n = append(n, v.Name)
	}
	return n
}

func masks(set *export.Set) []string {
	var m []string
	for _, s := range set.Masks() {
		m = append(m, s.Reveal())
	}
	return m
}

func TestAWS(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		change      func(*plan.AWSPlan)
		wantEnv     map[string]string
		wantOutputs map[string]string
		wantMasked  []string
		wantPublic  []string // outputs that are not secret
	}{
		{
			name: "env_credentials_and_public_identity_by_default",
			wantEnv: map[string]string{
				"AWS_ACCESS_KEY_ID": "ASIAEXAMPLEKEYID0001", "AWS_SECRET_ACCESS_KEY": "secret-access-key-value",
				"AWS_SESSION_TOKEN": "session-token-value", "AWS_REGION": "eu-west-1", "AWS_DEFAULT_REGION": "eu-west-1",
			},
			wantOutputs: map[string]string{
				"aws-account-id": "111122223333", "authenticated-arn": testCreds.AssumedRoleARN, "aws-expiration": "2026-01-02T04:04:05Z",
			},
			wantMasked: []string{"ASIAEXAMPLEKEYID0001", "secret-access-key-value", "session-token-value"},
			wantPublic: []string{"aws-account-id", "authenticated-arn", "aws-expiration"},
		},
		{
			name:   "credentials_as_outputs_instead_of_env",
			change: func(p *plan.AWSPlan) { p.OutputCredentials, p.OutputEnvCredentials = true, false },
			wantOutputs: map[string]string{
				"aws-account-id": "111122223333", "authenticated-arn": testCreds.AssumedRoleARN, "aws-expiration": "2026-01-02T04:04:05Z",
				"aws-access-key-id": "ASIAEXAMPLEKEYID0001", "aws-secret-access-key": "secret-access-key-value", "aws-session-token": "session-token-value",
			},
			wantMasked: []string{"ASIAEXAMPLEKEYID0001", "secret-access-key-value", "session-token-value"},
			wantPublic: []string{"aws-account-id", "authenticated-arn", "aws-expiration"},
		},
		{
			name:   "masked_account_makes_the_identity_secret",
			change: func(p *plan.AWSPlan) { p.MaskAccountID, p.OutputEnvCredentials = true, false },
			wantOutputs: map[string]string{
				"aws-account-id": "111122223333", "authenticated-arn": testCreds.AssumedRoleARN, "aws-expiration": "2026-01-02T04:04:05Z",
			},
			wantMasked: []string{"111122223333", testCreds.AssumedRoleARN},
			wantPublic: []string{"aws-expiration"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := awsPlan(tt.change)
			set := &export.Set{}
			require.NoError(t, AWS(set, p, testCreds, testNow))

			assert.Equal(t, p.EnvNames(), names(set.EnvVars()), "env in the plan's order")
			assert.Equal(t, p.OutputNames(), names(set.Outputs()), "outputs in the plan's order")
			assert.Equal(t, orEmpty(tt.wantEnv), values(set.EnvVars()))
			assert.Equal(t, tt.wantOutputs, values(set.Outputs()))
			assert.ElementsMatch(t, tt.wantMasked, uniq(masks(set)))
			for _, o := range set.Outputs() {
				assert.Equal(t, !contains(tt.wantPublic, o.Name), o.Value.IsSecret(), "output %s secret", o.Name)
			}
		})
	}
}

// Every name in the plan's table has a value: a field added to the table
// without a case in awsValue would fail here, not in a workflow.
func TestAWS_EveryFieldHasAValue(t *testing.T) {
	t.Parallel()
	p := awsPlan(func(p *plan.AWSPlan) { p.OutputCredentials = true })
	for _, n := range append(p.Env(), p.Outputs()...) {
		v, err := awsValue(n.Field, p, testCreds)
		require.NoError(t, err, n.Name)
		assert.NotEmpty(t, v.Reveal(), n.Name)
	}
	_, err := awsValue(plan.AWSField(0), p, testCreds)
	assert.Error(t, err)
}

func TestAWS_Summary(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		change      func(*plan.AWSPlan)
		want, never []string
	}{
		{"names_role_account_and_exports", nil,
			[]string{"| Role | `arn:aws:iam::111122223333:role/deploy` |", "| Account | 111122223333 |",
				"| Expires | 2026-01-02T04:04:05Z (in 1h0m0s) |", "| Env vars | `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`, `AWS_REGION`, `AWS_DEFAULT_REGION` |"},
			[]string{"secret-access-key-value", "session-token-value", "ASIAEXAMPLEKEYID0001"}},
		{"masked_account_is_not_shown", func(p *plan.AWSPlan) { p.MaskAccountID = true },
			[]string{"| Role | (masked) |", "| Account | (masked) |", "| Assumed as | (masked) |"},
			[]string{"111122223333"}},
		{"no_env_says_none", func(p *plan.AWSPlan) { p.OutputEnvCredentials = false },
			[]string{"| Env vars | (none) |"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			set := &export.Set{}
			require.NoError(t, AWS(set, awsPlan(tt.change), testCreds, testNow))
			summary := joinLines(set.SummaryLines())
			for _, w := range tt.want {
				assert.Contains(t, summary, w)
			}
			for _, n := range tt.never {
				assert.NotContains(t, summary, n)
			}
		})
	}
}

func TestAWS_CollisionWithAnEarlierName(t *testing.T) {
	t.Parallel()
	set := &export.Set{}
	require.NoError(t, set.Env("AWS_REGION", export.Public("x"), "entry 1"))
	var clash *export.CollisionError
	require.ErrorAs(t, AWS(set, awsPlan(nil), testCreds, testNow), &clash)
	assert.Equal(t, "role-to-assume", clash.Second)
}
