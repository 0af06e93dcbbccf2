package retry_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/federate-action/federate/internal/retry"
)

var (
	errTransient = errors.New("transient")
	errPermanent = errors.New("permanent")
)

func isTransient(err error) bool { return errors.Is(err, errTransient) }

// fast keeps waits in the microseconds so tests take no wall time.
func fast(attempts int) retry.Policy {
	return retry.Policy{MaxAttempts: attempts, Base: time.Microsecond, Cap: 10 * time.Microsecond, Jitter: func() float64 { return 0.5 }}
}

func TestDo(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		failures  []error // returned by successive attempts, then success
		attempts  int
		wantCalls int
		wantErr   error
		exhausted bool
	}{
		{name: "success_first_time", attempts: 3, wantCalls: 1},
		{name: "transient_then_success", failures: []error{errTransient, errTransient}, attempts: 3, wantCalls: 3},
		{name: "permanent_fails_at_once", failures: []error{errPermanent}, attempts: 5, wantCalls: 1, wantErr: errPermanent},
		{name: "transient_then_permanent_stops", failures: []error{errTransient, errPermanent}, attempts: 5, wantCalls: 2, wantErr: errPermanent},
		{name: "attempts_run_out", failures: []error{errTransient, errTransient, errTransient}, attempts: 3, wantCalls: 3, wantErr: errTransient, exhausted: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			calls := 0
			err := retry.Do(context.Background(), fast(tt.attempts), isTransient, func(context.Context) error {
				calls++
				if calls <= len(tt.failures) {
					return tt.failures[calls-1]
				}
				return nil
			})
			assert.Equal(t, tt.wantCalls, calls)
			if tt.wantErr == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, tt.wantErr)
			var ex *retry.ExhaustedError
			assert.Equal(t, tt.exhausted, errors.As(err, &ex))
		})
	}
}

func TestDo_StopsBeforeTheDeadline(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	p := retry.Policy{MaxAttempts: 100, Base: time.Second, Cap: time.Second}
	calls := 0
	err := retry.Do(ctx, p, isTransient, func(context.Context) error { calls++; return errTransient })
	var ex *retry.ExhaustedError
	require.ErrorAs(t, err, &ex)
	assert.Equal(t, 1, calls, "a wait that would end past the deadline is not started")
	assert.Contains(t, err.Error(), "action-timeout-s")
}

func TestDo_ReportsEachRetry(t *testing.T) {
	t.Parallel()
	var waits []time.Duration
	p := retry.Policy{MaxAttempts: 4, Base: 100 * time.Microsecond, Cap: 250 * time.Microsecond, Jitter: func() float64 { return 0 },
		OnRetry: func(_ int, _ error, wait time.Duration) { waits = append(waits, wait) }}
	_ = retry.Do(context.Background(), p, isTransient, func(context.Context) error { return errTransient })
	// Half of each capped step is fixed: 100, 200, 250(cap) µs halved.
	assert.Equal(t, []time.Duration{50 * time.Microsecond, 100 * time.Microsecond, 125 * time.Microsecond}, waits)
}

type throttled struct{ after time.Duration }

func (e throttled) Error() string             { return "throttled" }
func (e throttled) RetryAfter() time.Duration { return e.after }
func (e throttled) Is(target error) bool      { return target == errTransient }

func TestDo_HonoursRetryAfterWithinTheCap(t *testing.T) {
	t.Parallel()
	var waits []time.Duration
	p := retry.Policy{MaxAttempts: 2, Base: time.Microsecond, Cap: 2 * time.Millisecond, Jitter: func() float64 { return 0 },
		OnRetry: func(_ int, _ error, wait time.Duration) { waits = append(waits, wait) }}
	_ = retry.Do(context.Background(), p, isTransient, func(context.Context) error { return throttled{after: time.Hour} })
	assert.Equal(t, []time.Duration{2 * time.Millisecond}, waits)
}

func TestNetwork(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"connection_reset", fmt.Errorf("post: %w", syscall.ECONNRESET), true},
		{"connection_refused", &net.OpError{Op: "dial", Err: syscall.ECONNREFUSED}, true},
		{"body_cut_short", fmt.Errorf("read: %w", io.ErrUnexpectedEOF), true},
		{"reset_while_writing_the_request", &net.OpError{Op: "write", Err: net.ErrClosed}, true},
		{"dial_timeout", &net.DNSError{IsTimeout: true}, true},
		{"deadline_is_never_transient", fmt.Errorf("x: %w", context.DeadlineExceeded), false},
		{"cancel_is_never_transient", context.Canceled, false},
		{"unknown_host", &net.DNSError{Err: "no such host", IsNotFound: true}, false},
		{"plain_error", errors.New("boom"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, retry.Network(tt.err))
		})
	}
}

func TestDo_AStalledAttemptIsRetried(t *testing.T) {
	t.Parallel()
	p := fast(3)
	p.AttemptTimeout = 5 * time.Millisecond
	calls := 0
	err := retry.Do(context.Background(), p, isTransient, func(ctx context.Context) error {
		calls++
		if calls == 1 {
			<-ctx.Done() // a server that never answers
			return ctx.Err()
		}
		return nil
	})
	require.NoError(t, err)
	assert.Equal(t, 2, calls)
}

func TestDo_TheDeadlineReportsTheLastRealError(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	calls := 0
	err := retry.Do(ctx, fast(10), isTransient, func(ctx context.Context) error {
		calls++
		if calls == 1 {
			return errTransient
		}
		<-ctx.Done()
		return ctx.Err()
	})
	require.ErrorIs(t, err, errTransient, "the cause, not just the timeout")
	assert.Contains(t, err.Error(), "action-timeout-s reached")
}

func TestDo_NamesTheInputThatLimitsAttempts(t *testing.T) {
	t.Parallel()
	p := fast(2)
	p.Limit = "vault-retry-max-attempts"
	err := retry.Do(context.Background(), p, isTransient, func(context.Context) error { return errTransient })
	assert.ErrorContains(t, err, "gave up after 2 attempt(s): vault-retry-max-attempts reached")
}

// A cancelled run (the runner's SIGTERM) is not a timeout: saying
// "action-timeout-s reached" would send the user to raise the wrong limit.
func TestDo_SaysWhyTheContextEnded(t *testing.T) {
	t.Parallel()
	errGrace := errors.New("the grace period ran out")
	tests := []struct {
		name  string
		ctx   func() (context.Context, context.CancelFunc)
		want  string
		avoid string
	}{
		{"cancelled_run_says_cancelled", func() (context.Context, context.CancelFunc) {
			ctx, cancel := context.WithCancel(context.Background())
			time.AfterFunc(20*time.Millisecond, cancel)
			return ctx, cancel
		}, "the step was cancelled", "action-timeout-s"},
		{"deadline_says_action_timeout", func() (context.Context, context.CancelFunc) {
			return context.WithTimeout(context.Background(), 20*time.Millisecond)
		}, "action-timeout-s reached", "cancelled"},
		{"deadline_with_a_cause_names_it", func() (context.Context, context.CancelFunc) {
			return context.WithTimeoutCause(context.Background(), 20*time.Millisecond, errGrace)
		}, "the grace period ran out", "action-timeout-s"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx, cancel := tt.ctx()
			defer cancel()
			err := retry.Do(ctx, fast(10), isTransient, func(ctx context.Context) error {
				<-ctx.Done()
				return ctx.Err()
			})
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
			assert.NotContains(t, err.Error(), tt.avoid)
		})
	}
}
