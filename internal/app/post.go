package app

import (
	"context"

	"github.com/federate-action/federate/internal/runner"
)

// Post is the post step (action.yml post-entrypoint), which the runner runs
// at the end of the job, even after a failure. The main step leaves nothing
// behind but what the user asked to export (the Vault token is revoked in
// the step itself), so today it only says so. It is the place for cleanup
// that must wait for the job's end: revoking an exported Vault token,
// leases, credential files. Whatever the main step wants cleaned up it
// will pass here through GITHUB_STATE (STATE_* variables).
func Post(_ context.Context, d Deps) error {
	out := runner.New(d.Getenv, d.Stdout, d.Rand)
	out.Debugf("federate %s: post step", d.Version)
	out.Infof("federate: nothing to clean up; credentials expire on their own")
	return nil
}
