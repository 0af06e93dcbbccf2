// Command federate is a GitHub Action that exchanges the workflow's OIDC ID
// token for short-lived cloud credentials. main only wires the process to
// app.Run.
package main

import (
	"context"
	"crypto/rand"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/federate-action/federate/internal/app"
	"github.com/federate-action/federate/internal/netpolicy"
	"github.com/federate-action/federate/internal/runner"
)

// version is stamped at build time (-ldflags "-X main.version=v1.2.3").
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	deps := app.Deps{
		Getenv:  os.Getenv,
		Stdout:  os.Stdout,
		HTTP:    netpolicy.NewClient(),
		Now:     time.Now,
		Rand:    rand.Reader,
		Version: version,
	}
	step := app.Run
	// action.yml's post-entrypoint is /federate-post, a link to this binary:
	// the runner gives a post step no other sign of what it is.
	if filepath.Base(os.Args[0]) == "federate-post" {
		step = app.Post
	}
	err := step(ctx, deps)
	stop()
	if err != nil {
		runner.New(os.Getenv, os.Stdout, rand.Reader).Fail(err)
		os.Exit(1)
	}
}
