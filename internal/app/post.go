package app

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/federate-action/federate/internal/inputs"
	"github.com/federate-action/federate/internal/mapping"
	"github.com/federate-action/federate/internal/netpolicy"
	"github.com/federate-action/federate/internal/plan"
	"github.com/federate-action/federate/internal/runner"
	"github.com/federate-action/federate/internal/secret"
)

// Post is the post step (action.yml post-entrypoint), which the runner runs
// at the end of the job, even after a failure, with the step's inputs and
// with what the main step saved in GITHUB_STATE as STATE_* variables.
// The main step revokes its Vault token itself, unless dynamic secrets'
// leases hang on it: then it leaves the token here, to be revoked when
// the job, and so the need for the leases, is over. A failed cleanup is a
// warning, never a failed job. It also deletes the directory of AWS
// profile files the main step wrote, if any.
func Post(ctx context.Context, d Deps) error {
	out := runner.New(d.Getenv, d.Stdout, d.Rand)
	out.Debugf("federate %s: post step", d.Version)
	removedFiles := removeFilesDir(d.Getenv, out)
	token := secret.New(d.Getenv("STATE_" + mapping.StateVaultToken))
	if token.IsZero() {
		if !removedFiles {
			out.Infof("federate: nothing to clean up; credentials expire on their own")
		}
		return nil
	}
	out.Mask(token)
	if err := revokeInPost(ctx, d, token, out); err != nil {
		out.Warningf("could not revoke the Vault token: %v; it expires at the end of its TTL", err)
		return nil
	}
	out.Infof("Vault token revoked, and with it the leases of the dynamic secrets read")
	return nil
}

// revokeInPost revokes token at the Vault the step's inputs name.
func revokeInPost(ctx context.Context, d Deps, token secret.String, out *runner.Runner) error {
	p, err := plan.Build(inputs.New(d.Getenv))
	switch {
	case err != nil:
		return fmt.Errorf("the step's inputs do not configure Vault (%w)", err)
	case p.Vault == nil:
		return errors.New("the step's inputs do not configure Vault")
	}
	client, err := netpolicy.Proxy(p.Proxy).Apply(d.HTTP)
	if err != nil {
		return err
	}
	c, err := newVaultClient(p.Vault, client, out)
	if err != nil {
		return err
	}
	c.UseToken(token)
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	return c.RevokeSelf(ctx)
}
