// Package app runs the action's pipeline once: inputs, plan, credentials,
// export set, runner. It holds no logic of its own beyond the order.
package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/federate-action/federate/internal/export"
	"github.com/federate-action/federate/internal/idtoken"
	"github.com/federate-action/federate/internal/inputs"
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
}

// Run performs one step. It returns the error to report; it never exits.
func Run(ctx context.Context, d Deps) error {
	out := runner.New(d.Getenv, d.Stdout, d.Rand)
	out.Debugf("federate %s", d.Version)
	p, err := plan.Build(inputs.New(d.Getenv))
	if err != nil {
		return err
	}
	// The one deadline of the step: every retry loop stops inside it.
	ctx, cancel := context.WithTimeout(ctx, p.Timeout)
	defer cancel()

	tokens := maskedTokens(tokenSource(p.Token, d.HTTP), out)
	set := &export.Set{}
	if p.AWS != nil {
		creds, err := assumeRole(ctx, p.AWS, tokens, out, d.HTTP)
		if err != nil {
			return timedOut(ctx, p, err)
		}
		if err := exportAWS(set, p.AWS, creds, d.Now()); err != nil {
			return err
		}
	}
	return out.Commit(set)
}

// tokenFunc fetches an ID token for an audience.
type tokenFunc func(ctx context.Context, audience string) (secret.String, error)

func tokenSource(t plan.TokenPlan, client *http.Client) idtoken.Source {
	if t.File != "" {
		return &idtoken.File{Path: t.File}
	}
	return &idtoken.HTTP{URL: t.RequestURL, RequestToken: t.RequestToken, Client: client}
}

// maskedTokens masks each token the moment it arrives, before any other
// line can be printed.
func maskedTokens(src idtoken.Source, out *runner.Runner) tokenFunc {
	return func(ctx context.Context, audience string) (secret.String, error) {
		token, err := src.Token(ctx, audience)
		if err == nil {
			out.Mask(token)
		}
		return token, err
	}
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

func timedOut(ctx context.Context, p plan.Plan, err error) error {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return &TimeoutError{Timeout: p.Timeout, Err: err}
	}
	return err
}
