package app

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/federate-action/federate/internal/awsprofiles"
	"github.com/federate-action/federate/internal/awssts"
	"github.com/federate-action/federate/internal/netpolicy"
	"github.com/federate-action/federate/internal/plan"
	"github.com/federate-action/federate/internal/retry"
	"github.com/federate-action/federate/internal/runner"
	"github.com/federate-action/federate/internal/secret"
)

// assumeProfiles assumes every aws-profiles role: those with the ID token
// all at once (their first attempts share the step's first token), each
// chained one as soon as its source is done. Every failure is reported; a
// profile whose source failed is not tried and adds no error of its own.
func assumeProfiles(ctx context.Context, p *plan.AWSPlan, tokens *tokenPool, out *runner.Runner, client *http.Client) (map[string]awssts.Credentials, error) {
	type result struct {
		creds awssts.Credentials
		err   error
		done  chan struct{}
	}
	results := make(map[string]*result, len(p.Profiles))
	for _, pr := range p.Profiles {
		results[pr.Name] = &result{done: make(chan struct{})}
	}
	if p.MaskAccountID {
		for _, pr := range p.Profiles {
			out.Mask(secret.New(pr.AccountID))
		}
	}
	// One client for every profile: a chained profile's call then goes
	// over the connection its source's call left open, instead of each
	// profile dialling and shaking hands with STS on a transport of its own.
	stsHTTP := netpolicy.STS.Client(client)
	var wg sync.WaitGroup
	for _, pr := range p.Profiles {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := results[pr.Name]
			defer close(r.done)
			if !pr.Chained() {
				r.creds, r.err = assumeProfile(ctx, p, pr, tokens.consumer(p.Audience), awssts.Credentials{}, out, stsHTTP)
				return
			}
			src := results[pr.Source]
			select {
			case <-src.done:
			case <-ctx.Done():
				r.err = ctx.Err()
				return
			}
			if src.err != nil {
				r.err = errSourceFailed
				return
			}
			r.creds, r.err = assumeProfile(ctx, p, pr, nil, src.creds, out, stsHTTP)
		}()
	}
	wg.Wait()
	assumed := make(map[string]awssts.Credentials, len(p.Profiles))
	var errs []error
	for _, pr := range p.Profiles {
		r := results[pr.Name]
		switch {
		case errors.Is(r.err, errSourceFailed):
		case r.err != nil:
			errs = append(errs, &ProfileError{Name: pr.Name, Line: pr.Line, Err: r.err})
		default:
			assumed[pr.Name] = r.creds
		}
	}
	return assumed, errors.Join(errs...)
}

// errSourceFailed marks a chained profile not tried because its source
// failed: the source's own error says why.
var errSourceFailed = errors.New("its source profile failed")

// assumeProfile assumes one profile's role: with the ID token, or, with
// source credentials, by sts:AssumeRole. stsHTTP is the STS client
// (netpolicy.STS.Client) all profiles share.
func assumeProfile(ctx context.Context, p *plan.AWSPlan, pr awsprofiles.Profile, tokens awssts.TokenFunc,
	source awssts.Credentials, out *runner.Runner, stsHTTP *http.Client) (awssts.Credentials, error) {
	sts := awssts.New(awssts.Options{Region: pr.Region, Endpoint: p.Endpoint, HTTP: stsHTTP})
	policy := netpolicy.STS.Retry(p.MaxAttempts, "retry-max-attempts")
	policy.OnRetry = func(attempt int, err error, wait time.Duration) {
		out.Infof("Profile %s: attempt %d of %d failed: %s; retrying in %s", pr.Name, attempt, p.MaxAttempts,
			retry.Brief(err), wait.Round(10*time.Millisecond))
	}
	var creds awssts.Credentials
	var err error
	if pr.Chained() {
		out.Infof("Profile %s: assuming %s with the credentials of profile %s", pr.Name, pr.RoleARN, pr.Source)
		creds, err = sts.AssumeRole(ctx, awssts.ChainRequest{RoleARN: pr.RoleARN, SessionName: pr.SessionName,
			Duration: pr.Duration, ExternalID: pr.ExternalID, Source: source}, policy)
	} else {
		out.Infof("Profile %s: assuming %s in %s", pr.Name, pr.RoleARN, pr.Region)
		creds, err = sts.Assume(ctx, awssts.Request{RoleARN: pr.RoleARN, SessionName: pr.SessionName,
			Duration: pr.Duration, Audience: p.Audience}, tokens, policy)
	}
	if err != nil {
		return creds, err
	}
	return creds, checkCredentials(p, creds, out)
}

// checkCredentials masks credentials as soon as they are in hand, and
// refuses an account outside allowed-account-ids.
func checkCredentials(p *plan.AWSPlan, creds awssts.Credentials, out *runner.Runner) error {
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
		return &AccountError{Got: creds.AccountID, Allowed: p.AllowedAccountIDs}
	}
	return nil
}

// ProfileError is one aws-profiles profile that could not be assumed.
type ProfileError struct {
	Name string
	Line int
	Err  error
}

func (e *ProfileError) Error() string {
	return fmt.Sprintf("aws-profiles line %d, profile %s: %v", e.Line, e.Name, e.Err)
}

func (e *ProfileError) Unwrap() error { return e.Err }

// Title is the annotation title: the cause's, naming the profile.
func (e *ProfileError) Title() string {
	var t interface{ Title() string }
	if errors.As(e.Err, &t) {
		return t.Title() + " (profile " + e.Name + ")"
	}
	return "Cannot assume profile " + e.Name
}
