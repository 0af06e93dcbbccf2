package mapping

import (
	"fmt"
	"time"

	"github.com/federate-action/federate/internal/awssts"
	"github.com/federate-action/federate/internal/export"
	"github.com/federate-action/federate/internal/plan"
	"github.com/federate-action/federate/internal/secret"
)

// awsSource names the AWS side in a collision error.
const awsSource = "role-to-assume"

// AWS adds what configure-aws-credentials exports, under the names the plan
// lists (the same table its collision check read), and the summary.
func AWS(set *export.Set, p *plan.AWSPlan, c awssts.Credentials, now time.Time) error {
	for _, n := range p.Outputs() {
		v, err := awsValue(n.Field, p, c)
		if err == nil {
			err = set.Output(n.Name, v, awsSource)
		}
		if err != nil {
			return err
		}
	}
	for _, n := range p.Env() {
		v, err := awsValue(n.Field, p, c)
		if err == nil {
			err = set.Env(n.Name, v, awsSource)
		}
		if err != nil {
			return err
		}
	}
	summarizeAWS(set, p, c, now)
	return nil
}

// awsValue is the value of one field of the AWS result.
func awsValue(f plan.AWSField, p *plan.AWSPlan, c awssts.Credentials) (export.Value, error) {
	switch f {
	case plan.AWSAccountID:
		return identity(p, c.AccountID), nil
	case plan.AWSAssumedRoleARN:
		return identity(p, c.AssumedRoleARN), nil
	case plan.AWSExpiration:
		return export.Public(expiry(c)), nil
	case plan.AWSAccessKeyID:
		return export.Secret(c.AccessKeyID), nil
	case plan.AWSSecretAccessKey:
		return export.Secret(c.SecretAccessKey), nil
	case plan.AWSSessionToken:
		return export.Secret(c.SessionToken), nil
	case plan.AWSRegion:
		return export.Public(p.Region), nil
	}
	return export.Value{}, fmt.Errorf("no value for AWS field %d", f)
}

// identity is the account id or the assumed-role ARN: public, unless
// mask-aws-account-id asks to hide it. An output holding a masked value is
// dropped between jobs, so this stays opt-in, as in
// configure-aws-credentials.
func identity(p *plan.AWSPlan, s string) export.Value {
	if p.MaskAccountID {
		return export.Secret(secret.New(s))
	}
	return export.Public(s)
}

func expiry(c awssts.Credentials) string { return c.Expiration.UTC().Format(time.RFC3339) }

// summarizeAWS writes the job summary: what was configured, never a secret.
func summarizeAWS(set *export.Set, p *plan.AWSPlan, c awssts.Credentials, now time.Time) {
	role, account, assumed := "`"+p.RoleARN+"`", c.AccountID, "`"+c.AssumedRoleARN+"`"
	if p.MaskAccountID {
		role, account, assumed = "(masked)", "(masked)", "(masked)"
	}
	table(set, "AWS credentials", [][2]string{
		{"Role", role},
		{"Assumed as", assumed},
		{"Account", account},
		{"Session name", p.SessionName},
		{"Region", p.Region},
		{"Expires", fmt.Sprintf("%s (in %s)", expiry(c), c.Expiration.Sub(now).Round(time.Minute))},
		{"Env vars", codeList(p.EnvNames())},
		{"Outputs", codeList(p.OutputNames())},
	})
}
