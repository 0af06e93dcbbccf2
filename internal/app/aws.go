package app

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/federate-action/federate/internal/awssts"
	"github.com/federate-action/federate/internal/export"
	"github.com/federate-action/federate/internal/mapping"
	"github.com/federate-action/federate/internal/netpolicy"
	"github.com/federate-action/federate/internal/plan"
	"github.com/federate-action/federate/internal/retry"
	"github.com/federate-action/federate/internal/runner"
	"github.com/federate-action/federate/internal/secret"
)

// keepExisting reports whether use-existing-credentials keeps the
// environment's credentials: they must work, and be for role-to-assume's
// account (which allowed-account-ids lists): credentials for another
// account are not what the step was asked for.
func keepExisting(ctx context.Context, p *plan.AWSPlan, sts *awssts.Client, env awssts.Credentials, out *runner.Runner) bool {
	id, err := sts.CallerIdentity(ctx, env)
	if err != nil {
		out.Infof("The AWS credentials in the environment do not work (%s); assuming %s", retry.Brief(err), p.RoleARN)
		return false
	}
	if p.MaskAccountID {
		out.Mask(secret.New(id.AccountID))
		out.Mask(secret.New(id.ARN))
	}
	if id.AccountID != p.AccountID {
		out.Infof("The AWS credentials in the environment are for account %s, not %s's; assuming it", id.AccountID, p.RoleARN)
		return false
	}
	out.Infof("Keeping the AWS credentials already in the environment (%s): use-existing-credentials", id.ARN)
	return true
}

// awsResult is what the AWS side got.
type awsResult struct {
	// creds are role-to-assume's; zero when there is none, or when
	// use-existing-credentials kept the environment's (assumed is false).
	creds    awssts.Credentials
	assumed  bool
	profiles map[string]awssts.Credentials // aws-profiles', by name
}

// runAWS assumes role-to-assume and every aws-profiles role, side by side.
func runAWS(ctx context.Context, p *plan.AWSPlan, tokens *tokenPool, getenv func(string) string, out *runner.Runner, client *http.Client) (awsResult, error) {
	var res awsResult
	var wg sync.WaitGroup
	var roleErr, profilesErr error
	if p.RoleARN != "" {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res.creds, res.assumed, roleErr = assumeRole(ctx, p, tokens.consumer(p.Audience), envCredentials(getenv), out, client)
		}()
	}
	if len(p.Profiles) > 0 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res.profiles, profilesErr = assumeProfiles(ctx, p, tokens, out, client)
		}()
	}
	wg.Wait()
	return res, errors.Join(roleErr, profilesErr)
}

// envCredentials are the AWS credentials in the step's environment: an
// earlier step's export, for role-chaining and use-existing-credentials.
func envCredentials(getenv func(string) string) awssts.Credentials {
	return awssts.Credentials{
		AccessKeyID:     secret.New(getenv("AWS_ACCESS_KEY_ID")),
		SecretAccessKey: secret.New(getenv("AWS_SECRET_ACCESS_KEY")),
		SessionToken:    secret.New(getenv("AWS_SESSION_TOKEN")),
	}
}

// assumeRole gets role-to-assume's credentials: with the ID token, or with
// role-chaining by sts:AssumeRole signed with the environment's
// credentials. With use-existing-credentials, working credentials in the
// environment are kept instead (assumed is false).
func assumeRole(ctx context.Context, p *plan.AWSPlan, tokens awssts.TokenFunc, env awssts.Credentials, out *runner.Runner, client *http.Client) (creds awssts.Credentials, assumed bool, err error) {
	// STS's connection opens while the ID token is fetched: the first
	// call then finds it ready (see netpolicy.Service.Preconnect).
	opts := awssts.Options{Region: p.Region, Endpoint: p.Endpoint}
	var release func()
	opts.HTTP, release = netpolicy.STS.PreconnectedClient(ctx, client, opts.URL(ctx))
	defer release()
	sts := awssts.New(opts)
	// The environment's credentials are secrets too, whatever we do next.
	out.Mask(env.AccessKeyID)
	out.Mask(env.SecretAccessKey)
	out.Mask(env.SessionToken)
	if p.MaskAccountID {
		// Before the first line that names the role: a mask hides only
		// what is printed after it.
		out.Mask(secret.New(p.AccountID))
	}
	if p.UseExisting && !env.AccessKeyID.IsZero() && !env.SecretAccessKey.IsZero() {
		if keepExisting(ctx, p, sts, env, out) {
			return awssts.Credentials{}, false, nil
		}
	}
	policy := netpolicy.STS.Retry(p.MaxAttempts, "retry-max-attempts")
	policy.OnRetry = func(attempt int, err error, wait time.Duration) {
		out.Infof("Attempt %d of %d to assume the role failed: %s; retrying in %s (each attempt asks for a new ID token)",
			attempt, p.MaxAttempts, retry.Brief(err), wait.Round(10*time.Millisecond))
	}
	if p.RoleChaining {
		out.Infof("Assuming %s in %s as session %s, with the AWS credentials in the environment (role-chaining)", p.RoleARN, p.Region, p.SessionName)
		creds, err = sts.AssumeRole(ctx, awssts.ChainRequest{RoleARN: p.RoleARN, SessionName: p.SessionName,
			Duration: p.Duration, ExternalID: p.ExternalID, Source: env}, policy)
	} else {
		out.Infof("Assuming %s in %s as session %s", p.RoleARN, p.Region, p.SessionName)
		creds, err = sts.Assume(ctx, awssts.Request{
			RoleARN:         p.RoleARN,
			SessionName:     p.SessionName,
			Duration:        p.Duration,
			InlinePolicy:    p.InlinePolicy,
			ManagedPolicies: p.ManagedPolicies,
			Audience:        p.Audience,
		}, tokens, policy)
	}
	if err != nil {
		return creds, false, err
	}
	return creds, true, checkCredentials(p, creds, out)
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

// exportAWS maps the AWS side's results to the export set: role-to-assume's
// env vars and outputs, the profile files, and the env vars that
// unset-current-credentials clears.
func exportAWS(set *export.Set, p *plan.AWSPlan, r awsResult, now time.Time) error {
	files := mapping.Profiles{Assumed: r.profiles, Binary: selfPath}
	if r.assumed {
		if err := mapping.AWS(set, p, r.creds, now); err != nil {
			return err
		}
		if p.ProfileName != "" || p.Refresh {
			files.Default = &r.creds
		}
	}
	if err := mapping.AWSFiles(set, p, files, now); err != nil {
		return err
	}
	return mapping.UnsetAWS(set, p)
}

// selfPath is the running program, copied next to the profile files for
// credential_process: the container's binary is a static Linux one that
// runs on the runner's host as it is.
const selfPath = "/proc/self/exe"

// filesDir names this step's directory of files (AWS config files, Vault
// secrets written to files), under the runner's temp directory, with a
// random suffix: two steps of a job must not share one, and a later step
// must not guess it before it exists.
func filesDir(p *plan.FilesPlan, rnd io.Reader) error {
	if !p.Needed() {
		return nil
	}
	if info, err := os.Stat(p.TempDir); err != nil || !info.IsDir() {
		return &plan.EnvError{Heading: "No runner temp directory",
			Message: fmt.Sprintf("RUNNER_TEMP (%s) is not a directory, and aws-profiles, aws-profile, refresh-credentials and vault-secrets entries written as `path key > NAME` write their files there: use runner 2.329 or later, which mounts it into the container", p.TempDir)}
	}
	var b [4]byte
	if _, err := io.ReadFull(rnd, b[:]); err != nil {
		return fmt.Errorf("drawing a name for the files directory: %w", err)
	}
	return p.SetFilesDir(hex.EncodeToString(b[:]))
}
