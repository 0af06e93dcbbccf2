package app

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/federate-action/federate/internal/awssts"
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
	if p.MaskAccountID {
		// The credentials' account is the role's unless STS answered for
		// another one, which the error below then names.
		out.Mask(secret.New(creds.AccountID))
		out.Mask(secret.New(creds.AssumedRoleARN))
	}
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
