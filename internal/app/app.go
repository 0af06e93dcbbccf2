// Package app runs the action's pipeline once, in order: inputs, plan,
// credentials (AWS and Vault side by side), mapping to the export set,
// runner. Besides the order it owns what spans the stages: the step's one
// deadline, the ID tokens both sides share, the masks that must precede a
// log line, the allowed-account check on the credentials, and the Vault
// token's lifetime (revoked at the end of the step, or by the post step).
package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/federate-action/federate/internal/export"
	"github.com/federate-action/federate/internal/idtoken"
	"github.com/federate-action/federate/internal/inputs"
	"github.com/federate-action/federate/internal/mapping"
	"github.com/federate-action/federate/internal/netpolicy"
	"github.com/federate-action/federate/internal/plan"
	"github.com/federate-action/federate/internal/runner"
	"github.com/federate-action/federate/internal/secret"
)

// Deps is everything the run takes from the outside world; main fills in
// every field, tests pass fakes.
type Deps struct {
	Getenv  func(string) string
	Stdout  io.Writer
	HTTP    *http.Client
	Now     func() time.Time
	Rand    io.Reader // source of heredoc delimiters: crypto/rand in production
	Version string
	// CommandLine is set by the federate command line (exec, env) only:
	// it unlocks the inputs action.yml does not declare (id-token-env,
	// id-token-file), which a step must refuse since a workflow's with:
	// passes any key.
	CommandLine bool
}

// Run performs one step: Compute, then Commit, then Finish. It returns the
// error to report; it never exits.
func Run(ctx context.Context, d Deps) error {
	res, err := Compute(ctx, d)
	if err != nil {
		return err
	}
	err = res.Commit()
	// The step's own context: the revocation gets what is left of
	// action-timeout-s, as it always has.
	res.Finish(res.step, err == nil)
	return err
}

// Result is a computed run: the export set, not yet handed to anyone, and
// what must happen once its consumer is done with it.
type Result struct {
	Set *export.Set
	// Finish does what the step does at its end: it revokes the Vault token
	// unless the plan keeps it (vault-export-token, vault-output-token, a
	// token the user gave) or, after success, dynamic secrets' leases hang
	// on it. Call it exactly once.
	Finish func(ctx context.Context, succeeded bool)
	// Revoke revokes the Vault token whatever the plan says (a token the
	// user gave and a batch token excepted), for a caller whose one
	// consumer of the secrets has ended (federate exec's command); it
	// replaces Finish. Call one of the two, once.
	Revoke func(ctx context.Context)

	out  *runner.Runner
	step context.Context // the run's context, bounded by action-timeout-s
}

// Commit hands the set to the runner (masks, files, GITHUB_ENV, outputs).
func (r *Result) Commit() error { return r.out.Commit(r.Set) }

// Mask registers every secret of the set with the runner without writing
// anything else: for a caller that hands the set on itself yet runs inside
// a GitHub job, whose log must still hide the values.
func (r *Result) Mask() {
	for _, m := range r.Set.Masks() {
		r.out.Mask(m)
	}
}

// Compute runs the pipeline up to the export set without committing it:
// inputs, plan, credentials, mapping. On error nothing is left behind (the
// Vault token is already revoked); on success the caller commits or hands
// the set on, then calls Finish or Revoke.
func Compute(ctx context.Context, d Deps) (res *Result, err error) {
	out := runner.New(d.Getenv, d.Stdout, d.Rand)
	out.Debugf("federate %s", d.Version)
	newReader := inputs.New
	if d.CommandLine {
		newReader = inputs.NewCommandLine
	}
	in := newReader(d.Getenv)
	maskAccountsEarly(in, out)
	p, err := plan.Build(in)
	if err != nil {
		return nil, err
	}
	// The runner's own token for its token service: no line of ours may
	// show it, even in an error.
	out.Mask(p.Token.RequestToken)
	// http-proxy and no-proxy, for every request from here on.
	if d.HTTP, err = netpolicy.Proxy(p.Proxy).Apply(d.HTTP); err != nil {
		return nil, err
	}
	if err := filesDir(p.Files, d.Rand); err != nil {
		return nil, err
	}
	if p.AWS != nil && p.AWS.Refresh && p.Proxy.HTTPProxy != "" {
		out.Warningf("refresh-credentials: later refreshes run in later steps and use their HTTPS_PROXY and NO_PROXY, not http-proxy (a proxy password must not be written into the AWS config file): set HTTPS_PROXY in the job's env if STS is reached only through the proxy")
	}
	// The one deadline of the step: every retry loop stops inside it.
	ctx, cancel := context.WithTimeout(ctx, p.Timeout)

	tokens := newTokenPool(tokenSource(p.Token, d.HTTP, d.Getenv), out)
	var aws awsResult
	var vlt vaultResult
	defer func() {
		if err != nil {
			finishVault(ctx, p.Vault, vlt, false, out)
			cancel()
		}
	}()

	// AWS and Vault run side by side; the step fails as a whole if either
	// fails, and then writes nothing.
	var wg sync.WaitGroup
	var awsErr, vaultErr error
	// vault-method aws waits on done for role-to-assume's credentials.
	awsDone := awsSide{done: make(chan struct{}), res: &aws, err: &awsErr}
	if p.AWS != nil {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer close(awsDone.done)
			aws, awsErr = runAWS(ctx, p.AWS, tokens, d.Getenv, out, d.HTTP)
		}()
	} else {
		close(awsDone.done)
	}
	if p.Vault != nil {
		wg.Add(1)
		go func() {
			defer wg.Done()
			vlt, vaultErr = readVault(ctx, p.Vault, tokens.consumer(p.Vault.Audience), vaultAWSLogin(p.Vault, awsDone, d.Getenv), out, d.HTTP)
		}()
	}
	wg.Wait()
	if err := errors.Join(awsErr, vaultErr); err != nil {
		return nil, timedOut(ctx, p, err)
	}

	set := &export.Set{}
	if p.AWS != nil {
		if err := exportAWS(set, p.AWS, aws, d.Now()); err != nil {
			return nil, err
		}
	}
	if p.Vault != nil {
		notes, err := mapping.Vault(set, p.Vault, mapping.VaultResult{Secrets: vlt.secrets, Certificates: vlt.certs, Token: vlt.token,
			LeasedPaths: vlt.leasedPaths(), PostRevokes: postRevokes(p.Vault, vlt), Batch: !vlt.revocable(),
			Masked: stepSecrets(p, d.Getenv)})
		for _, n := range notes {
			out.Infof("%s", n)
		}
		if err != nil {
			return nil, err
		}
	}
	var once sync.Once
	return &Result{Set: set, out: out, step: ctx,
		Finish: func(fctx context.Context, succeeded bool) {
			once.Do(func() {
				finishVault(fctx, p.Vault, vlt, succeeded, out)
				cancel()
			})
		},
		Revoke: func(fctx context.Context) {
			once.Do(func() {
				revokeVault(fctx, p.Vault, vlt, out)
				cancel()
			})
		},
	}, nil
}

// accountIDs finds the account ids in s as the expression [0-9]{12} would
// (FindAllString): each run of digits gives its consecutive 12-digit
// pieces from its start. By hand, as this runs before the first request.
func accountIDs(s string) []string {
	var ids []string
	for i := 0; i < len(s); {
		j := i
		for j < len(s) && '0' <= s[j] && s[j] <= '9' {
			j++
		}
		for ; j-i >= 12; i += 12 {
			ids = append(ids, s[i:i+12])
		}
		i = j + 1
	}
	return ids
}

// maskAccountsEarly masks the account ids of the inputs when
// mask-aws-account-id asks for it, before validation: an input error
// (allowed-account-ids does not list the role's account, say) names them.
func maskAccountsEarly(in *inputs.Reader, out *runner.Runner) {
	if mask, err := in.Bool("mask-aws-account-id", false); err != nil || !mask {
		return
	}
	for _, name := range []string{"role-to-assume", "aws-account-id", "allowed-account-ids", "aws-profiles"} {
		for _, id := range accountIDs(in.String(name)) {
			out.Mask(secret.New(id))
		}
	}
}

func tokenSource(t plan.TokenPlan, client *http.Client, getenv func(string) string) idtoken.Source {
	switch {
	case t.File != "":
		return &idtoken.File{Path: t.File, Root: t.FileRoot, Input: t.FileInput}
	case t.EnvName != "":
		return &idtoken.Env{Name: t.EnvName, Getenv: getenv, Input: t.EnvInput}
	case t.Command != "":
		return &idtoken.Command{Path: t.Command, Args: t.CommandArgs}
	}
	return &idtoken.HTTP{URL: t.RequestURL, RequestToken: t.RequestToken, Client: netpolicy.TokenService.Client(client)}
}

// TimeoutError is the step running out of action-timeout-s.
type TimeoutError struct {
	Timeout time.Duration
	Err     error
}

func (e *TimeoutError) Error() string {
	return fmt.Sprintf("the step did not finish within action-timeout-s (%s); last error: %v", e.Timeout, e.Err)
}

func (e *TimeoutError) Unwrap() error { return e.Err }

// Title is the annotation title.
func (e *TimeoutError) Title() string { return "Timed out" }

// CancelledError is the run being stopped from outside (the runner sends
// SIGTERM when the job is cancelled) before the step finished.
type CancelledError struct{ Err error }

func (e *CancelledError) Error() string {
	return fmt.Sprintf("the step was cancelled before it finished; last error: %v", e.Err)
}

func (e *CancelledError) Unwrap() error { return e.Err }

// Title is the annotation title.
func (e *CancelledError) Title() string { return "Cancelled" }

// timedOut says why the step's context ended, if it did: its deadline
// (action-timeout-s) or a cancellation, which is not the user's limit to
// raise.
func timedOut(ctx context.Context, p plan.Plan, err error) error {
	switch {
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		return &TimeoutError{Timeout: p.Timeout, Err: err}
	case errors.Is(ctx.Err(), context.Canceled):
		return &CancelledError{Err: err}
	}
	return err
}
