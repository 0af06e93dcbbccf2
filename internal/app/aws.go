package app

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/federate-action/federate/internal/awssts"
	"github.com/federate-action/federate/internal/export"
	"github.com/federate-action/federate/internal/netpolicy"
	"github.com/federate-action/federate/internal/plan"
	"github.com/federate-action/federate/internal/retry"
	"github.com/federate-action/federate/internal/runner"
	"github.com/federate-action/federate/internal/secret"
)

func assumeRole(ctx context.Context, p *plan.AWSPlan, tokens awssts.TokenFunc, out *runner.Runner, client *http.Client) (awssts.Credentials, error) {
	sts := awssts.New(awssts.Options{Region: p.Region, Endpoint: p.Endpoint, HTTP: netpolicy.STS.Client(client)})
	policy := netpolicy.STS.Retry(p.MaxAttempts, "retry-max-attempts")
	policy.OnRetry = func(attempt int, err error, wait time.Duration) {
		out.Infof("Attempt %d of %d to assume the role failed: %s; retrying in %s (each attempt asks for a new ID token)",
			attempt, p.MaxAttempts, retry.Brief(err), wait.Round(10*time.Millisecond))
	}
	if p.MaskAccountID {
		// Before the first line that names the role: a mask hides only
		// what is printed after it.
		out.Mask(secret.New(p.AccountID))
	}
	out.Infof("Assuming %s in %s as session %s", p.RoleARN, p.Region, p.SessionName)
	creds, err := sts.Assume(ctx, awssts.Request{
		RoleARN:         p.RoleARN,
		SessionName:     p.SessionName,
		Duration:        p.Duration,
		InlinePolicy:    p.InlinePolicy,
		ManagedPolicies: p.ManagedPolicies,
	}, tokens, policy)
	if err != nil {
		return creds, err
	}
	out.Mask(creds.AccessKeyID)
	out.Mask(creds.SecretAccessKey)
	out.Mask(creds.SessionToken)
	if len(p.AllowedAccountIDs) > 0 && !slices.Contains(p.AllowedAccountIDs, creds.AccountID) {
		return creds, &AccountError{Got: creds.AccountID, Allowed: p.AllowedAccountIDs}
	}
	return creds, nil
}

// AccountError is credentials for an account outside allowed-account-ids.
type AccountError struct {
	Got     string
	Allowed []string
}

func (e *AccountError) Error() string {
	return fmt.Sprintf("the credentials are for account %s, which allowed-account-ids (%s) does not list; nothing was exported",
		e.Got, strings.Join(e.Allowed, ", "))
}

// Title is the annotation title.
func (e *AccountError) Title() string { return "Account not allowed" }

// exportAWS adds what configure-aws-credentials exports, under the names
// the plan lists (the same lists its collision check used).
func exportAWS(set *export.Set, p *plan.AWSPlan, c awssts.Credentials, now time.Time) error {
	const src = "role-to-assume"
	account, arn := export.Public(c.AccountID), export.Public(c.AssumedRoleARN)
	if p.MaskAccountID {
		// An output holding a masked value is dropped between jobs, so
		// this stays opt-in, as in configure-aws-credentials.
		account, arn = export.Secret(secret.New(c.AccountID)), export.Secret(secret.New(c.AssumedRoleARN))
	}
	expiry := c.Expiration.UTC().Format(time.RFC3339)
	values := map[string]export.Value{
		"aws-account-id":        account,
		"authenticated-arn":     arn,
		"aws-expiration":        export.Public(expiry),
		"aws-access-key-id":     export.Secret(c.AccessKeyID),
		"aws-secret-access-key": export.Secret(c.SecretAccessKey),
		"aws-session-token":     export.Secret(c.SessionToken),
		"AWS_ACCESS_KEY_ID":     export.Secret(c.AccessKeyID),
		"AWS_SECRET_ACCESS_KEY": export.Secret(c.SecretAccessKey),
		"AWS_SESSION_TOKEN":     export.Secret(c.SessionToken),
		"AWS_REGION":            export.Public(p.Region),
		"AWS_DEFAULT_REGION":    export.Public(p.Region),
	}
	for _, name := range p.OutputNames() {
		if err := set.Output(name, values[name], src); err != nil {
			return err
		}
	}
	for _, name := range p.EnvNames() {
		if err := set.Env(name, values[name], src); err != nil {
			return err
		}
	}
	summarizeAWS(set, p, c, expiry, now)
	return nil
}

// summarizeAWS writes the job summary: what was configured, never a secret.
func summarizeAWS(set *export.Set, p *plan.AWSPlan, c awssts.Credentials, expiry string, now time.Time) {
	role, account, assumed := "`"+p.RoleARN+"`", c.AccountID, "`"+c.AssumedRoleARN+"`"
	if p.MaskAccountID {
		role, account, assumed = "(masked)", "(masked)", "(masked)"
	}
	rows := [][2]string{
		{"Role", role},
		{"Assumed as", assumed},
		{"Account", account},
		{"Session name", p.SessionName},
		{"Region", p.Region},
		{"Expires", fmt.Sprintf("%s (in %s)", expiry, c.Expiration.Sub(now).Round(time.Minute))},
		{"Env vars", codeList(p.EnvNames())},
		{"Outputs", codeList(p.OutputNames())},
	}
	set.Summary("### federate: AWS credentials")
	set.Summary("")
	set.Summary("| | |")
	set.Summary("|---|---|")
	for _, r := range rows {
		set.Summary("| " + r[0] + " | " + r[1] + " |")
	}
	set.Summary("")
}

func codeList(names []string) string {
	if len(names) == 0 {
		return "(none)"
	}
	return "`" + strings.Join(names, "`, `") + "`"
}
