// Package credprocess is the binary's credential-process mode: a later
// step's AWS SDK runs it (credential_process in the AWS config file) to get
// credentials for a role from a fresh ID token, served from a cache file
// until a few minutes before they expire.
package credprocess

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/federate-action/federate/internal/awssts"
	"github.com/federate-action/federate/internal/idtoken"
	"github.com/federate-action/federate/internal/netpolicy"
	"github.com/federate-action/federate/internal/secret"
)

// Deps is what Run needs from the process; main fills in every field.
type Deps struct {
	Getenv func(string) string
	Stdout io.Writer
	Stderr io.Writer
	HTTP   *http.Client
	Now    func() time.Time
}

// Run prints the credential_process JSON for the role args name: from the
// cache while it is fresh, else from a new AssumeRoleWithWebIdentity call.
// On failure it writes one line to Stderr (never a secret) and returns
// the error; the caller exits 1.
func Run(ctx context.Context, args []string, d Deps) error {
	err := run(ctx, args, d)
	if err != nil {
		fmt.Fprintln(d.Stderr, "federate credential-process: "+oneLine(err.Error()))
	}
	return err
}

func run(ctx context.Context, args []string, d Deps) error {
	if err := supported(); err != nil {
		return err
	}
	cfg, err := parseFlags(args)
	if err != nil {
		return err
	}
	if out, ok := readCache(cfg.Cache, d.Now()); ok {
		return write(d.Stdout, out)
	}
	// The step creates the directory; a user running the mode by hand
	// may name one that does not exist yet.
	if err := os.MkdirAll(filepath.Dir(cfg.Cache), 0o700); err != nil {
		return fmt.Errorf("creating the directory of --cache: %w", err)
	}
	unlock, err := lock(ctx, cfg.Cache+".lock")
	if err != nil {
		return err
	}
	defer unlock()
	// Another process may have refreshed while this one waited for the
	// lock: its answer is as good as ours and costs no STS call.
	if out, ok := readCache(cfg.Cache, d.Now()); ok {
		return write(d.Stdout, out)
	}
	out, err := assume(ctx, cfg, d)
	if err != nil {
		return err
	}
	if err := writeCache(cfg.Cache, out); err != nil {
		return err
	}
	return write(d.Stdout, out)
}

// EnvError is a step without the runner's token service.
type EnvError struct{}

func (*EnvError) Error() string {
	return "ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN are not set: the job needs " +
		"`permissions: id-token: write`, and the runner sets these variables only in the steps of such a job " +
		"(run the AWS command in a step of the same job)"
}

// Title is the annotation title.
func (*EnvError) Title() string { return "Missing id-token permission" }

// assume fetches a fresh ID token and exchanges it for credentials.
func assume(ctx context.Context, cfg config, d Deps) (Output, error) {
	url, token := d.Getenv("ACTIONS_ID_TOKEN_REQUEST_URL"), d.Getenv("ACTIONS_ID_TOKEN_REQUEST_TOKEN")
	if url == "" || token == "" {
		return Output{}, &EnvError{}
	}
	src := &idtoken.HTTP{URL: url, RequestToken: secret.New(token), Client: netpolicy.TokenService.Client(d.HTTP)}
	// STS's connection opens while the ID token is fetched.
	opts := awssts.Options{Region: cfg.Role.Region, Endpoint: cfg.Role.Endpoint}
	var release func()
	opts.HTTP, release = netpolicy.STS.PreconnectedClient(ctx, d.HTTP, opts.URL(ctx))
	defer release()
	sts := awssts.New(opts)
	policy := netpolicy.STS.Retry(cfg.Role.MaxAttempts, "--retry-max-attempts")
	creds, err := sts.Assume(ctx, awssts.Request{
		RoleARN:     cfg.Role.RoleARN,
		SessionName: cfg.Role.SessionName,
		Duration:    cfg.Role.Duration,
	}, func(ctx context.Context) (secret.String, error) {
		return src.Token(ctx, cfg.Role.Audience)
	}, policy)
	if err != nil {
		return Output{}, err
	}
	return outputOf(creds), nil
}

// write prints out as the SDKs read it: one JSON document on stdout.
func write(w io.Writer, out Output) error {
	b, err := json.Marshal(out)
	if err != nil {
		return err
	}
	if _, err := w.Write(append(b, '\n')); err != nil {
		return fmt.Errorf("writing the credentials to stdout: %w", err)
	}
	return nil
}

// oneLine folds a multi-line message (STS's denial explains itself over
// several lines) into the one line an SDK shows of stderr.
func oneLine(s string) string {
	var parts []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			parts = append(parts, l)
		}
	}
	return strings.Join(parts, " ")
}

var _ error = (*EnvError)(nil)
