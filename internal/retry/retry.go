// Package retry runs an operation again after transient faults, with
// capped exponential backoff plus jitter, inside the context's deadline.
package retry

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"
)

// Policy says how often and how patiently to retry. The zero value makes
// one attempt.
type Policy struct {
	MaxAttempts int
	// Limit names the input that sets MaxAttempts, for the message when
	// the attempts run out.
	Limit string
	Base  time.Duration // wait after the first failure, before jitter
	Cap   time.Duration // longest wait between attempts
	// AttemptTimeout bounds one attempt, so a stalled server costs one
	// attempt and not the whole deadline. 0: only the context's deadline.
	AttemptTimeout time.Duration

	// Jitter returns a number in [0, 1); nil uses math/rand. Tests fix it.
	Jitter func() float64
	// OnRetry, if set, is told about each failure that will be retried.
	OnRetry func(attempt int, err error, wait time.Duration)
}

// Default waits 0.25 s, 0.5 s, 1 s, ... up to 5 s between attempts: short
// enough that a few transient faults cost seconds, long enough that a
// throttled matrix of jobs spreads out. It sets no AttemptTimeout: whether
// an attempt may be abandoned depends on the service (see netpolicy).
var Default = Policy{MaxAttempts: 5, Base: 250 * time.Millisecond, Cap: 5 * time.Second}

// ExhaustedError is returned when every attempt failed transiently.
type ExhaustedError struct {
	Attempts int
	Reason   string // why no further attempt was made
	Err      error  // the last attempt's error
}

func (e *ExhaustedError) Error() string {
	return fmt.Sprintf("%v (gave up after %d attempt(s): %s)", e.Err, e.Attempts, e.Reason)
}

func (e *ExhaustedError) Unwrap() error { return e.Err }

// retryAfter is implemented by errors that carry a server's Retry-After.
type retryAfter interface{ RetryAfter() time.Duration }

// Do calls op until it succeeds, fails with an error transient does not
// accept, the attempts run out, or the next wait would end past ctx's
// deadline. A permanent error is returned as it is, at once.
func Do(ctx context.Context, p Policy, transient func(error) bool, op func(ctx context.Context) error) error {
	var prev error
	for attempt := 1; ; attempt++ {
		stalled, err := p.attempt(ctx, op)
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			// The step's deadline cut this attempt short: say why we were
			// still trying, not just that time ran out.
			if prev == nil {
				prev = err
			}
			return &ExhaustedError{Attempts: attempt, Reason: stopReason(ctx), Err: prev}
		}
		if !stalled && !transient(err) {
			return err
		}
		prev = err
		if attempt >= p.MaxAttempts {
			return &ExhaustedError{Attempts: attempt, Reason: p.limit() + " reached", Err: err}
		}
		wait := p.backoff(attempt, err)
		if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < wait {
			return &ExhaustedError{Attempts: attempt, Reason: "the next attempt would start after action-timeout-s", Err: err}
		}
		if p.OnRetry != nil {
			p.OnRetry(attempt, err, wait)
		}
		timer := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			timer.Stop()
			return &ExhaustedError{Attempts: attempt, Reason: stopReason(ctx), Err: err}
		case <-timer.C:
		}
	}
}

// stopReason says why ctx ended the attempts. A cancellation is the run
// being stopped (the runner's SIGTERM when the job is cancelled), which
// must not read as a timeout the user could raise; a context with a cause
// of its own (a grace period) names it; any other deadline is the step's.
func stopReason(ctx context.Context) string {
	switch cause := context.Cause(ctx); {
	case errors.Is(cause, context.Canceled):
		return "the step was cancelled"
	case cause == nil || errors.Is(cause, context.DeadlineExceeded):
		return "action-timeout-s reached"
	default:
		return cause.Error()
	}
}

func (p Policy) limit() string {
	if p.Limit == "" {
		return "the attempt limit"
	}
	return p.Limit
}

// attempt runs op once within AttemptTimeout; stalled reports that the
// attempt's own timeout, not the caller's deadline, ended it.
func (p Policy) attempt(ctx context.Context, op func(ctx context.Context) error) (stalled bool, err error) {
	if p.AttemptTimeout <= 0 {
		return false, op(ctx)
	}
	actx, cancel := context.WithTimeout(ctx, p.AttemptTimeout)
	defer cancel()
	err = op(actx)
	return err != nil && ctx.Err() == nil && errors.Is(actx.Err(), context.DeadlineExceeded), err
}

// backoff returns the wait after the given failed attempt: half of the
// capped exponential step fixed, half random ("equal jitter"), so
// concurrent jobs spread out but none retries at once. A server's
// Retry-After, if longer, wins, still within Cap.
func (p Policy) backoff(attempt int, err error) time.Duration {
	step := p.Base << min(attempt-1, 30)
	if step > p.Cap || step <= 0 {
		step = p.Cap
	}
	jitter := rand.Float64
	if p.Jitter != nil {
		jitter = p.Jitter
	}
	wait := step/2 + time.Duration(jitter()*float64(step/2))
	var ra retryAfter
	if errors.As(err, &ra) && ra.RetryAfter() > wait {
		wait = min(ra.RetryAfter(), p.Cap)
	}
	return wait
}
