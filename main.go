// Command federate is a GitHub Action that exchanges the workflow's OIDC ID
// token for short-lived cloud credentials. main only wires the process to
// app.Run, to credprocess.Run for `federate credential-process`, or to
// cli.Main for the command line (`federate exec`, `env`, `explain`, `help`).
package main

import (
	"context"
	"crypto/rand"
	"crypto/x509"
	_ "embed"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/federate-action/federate/internal/app"
	"github.com/federate-action/federate/internal/cli"
	"github.com/federate-action/federate/internal/credprocess"
	"github.com/federate-action/federate/internal/netpolicy"
	"github.com/federate-action/federate/internal/runner"
)

// version is stamped at build time (-ldflags "-X main.version=v1.2.3").
var version = "dev"

// actionYAML is the action's input table, which the command line's flags
// and help are made from.
//
//go:embed action.yml
var actionYAML []byte

// credentialProcessTimeout bounds one run of the credential-process mode:
// an SDK waits on it, and retries fit well inside a minute.
const credentialProcessTimeout = 60 * time.Second

func main() {
	// Before any TLS connection loads the system roots. os.Setenv fails
	// only on a malformed name, and this one is fixed.
	_ = netpolicy.KeepImageRoots(os.Getenv, os.Setenv, func(path string) bool {
		_, err := os.Stat(path)
		return err == nil
	}, func() { _, _ = x509.SystemCertPool() })
	if len(os.Args) > 1 && os.Args[1] == "credential-process" {
		credentialProcess(os.Args[2:])
	}
	if cli.IsCommand(os.Args[1:]) {
		commandLine(os.Args[1:])
	}
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

// credentialProcess runs the mode a later step's AWS SDK starts through
// credential_process; it prints its own error line and exits.
func credentialProcess(args []string) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	ctx, cancel := context.WithTimeout(ctx, credentialProcessTimeout)
	err := credprocess.Run(ctx, args, credprocess.Deps{
		Getenv: os.Getenv,
		Stdout: os.Stdout,
		Stderr: os.Stderr,
		HTTP:   netpolicy.NewClient(),
		Now:    time.Now,
	})
	cancel()
	stop()
	if err != nil {
		os.Exit(1)
	}
	os.Exit(0)
}

// commandLine runs `federate exec|env|explain|help` and exits with its code.
func commandLine(args []string) {
	signals := make(chan os.Signal, 4)
	signal.Notify(signals, cli.Signals...)
	code := cli.Main(context.Background(), args, cli.Deps{
		ActionYAML: actionYAML,
		Getenv:     os.Getenv,
		Environ:    os.Environ,
		Stdin:      os.Stdin,
		Stdout:     os.Stdout,
		Stderr:     os.Stderr,
		ReadFile:   cli.ReadInputFile,
		HTTP:       netpolicy.NewClient(),
		Now:        time.Now,
		Rand:       rand.Reader,
		Version:    version,
		Signals:    signals,
	})
	signal.Stop(signals)
	os.Exit(code)
}
