// Command demo runs the whole flow on this machine: it builds the action,
// starts a GitHub-style token service, a real moto_server (STS) and, when
// tools/vault/build.sh has built one, a real Vault configured as in
// HashiCorp's tutorial; runs the action the way the runner runs a step,
// AWS and Vault in one step; and prints what later steps would get.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"time"

	"github.com/federate-action/federate/internal/idtoken/idtokentest"
	"github.com/federate-action/federate/internal/runner/runnertest"
	"github.com/federate-action/federate/internal/testbed"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "demo:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, w io.Writer) error {
	ctx, cancel := context.WithTimeout(ctx, 3*time.Minute)
	defer cancel()
	dir, err := os.MkdirTemp("", "federate-demo-*")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)

	fmt.Fprintln(w, "== building the action")
	bin, err := testbed.Build(ctx, dir)
	if err != nil {
		return err
	}
	fmt.Fprintln(w, "== starting moto_server (STS), Vault and a token service that signs RS256 JWTs")
	moto, err := testbed.StartMoto(ctx, io.Discard)
	if err != nil {
		return err
	}
	defer func() { _ = moto.Stop() }()
	// HTTPS, since Vault fetches the issuer's keys over HTTPS; the action
	// trusts its test CA through SSL_CERT_FILE.
	tokens, err := idtokentest.New(idtokentest.Config{TLS: true})
	if err != nil {
		return err
	}
	defer tokens.Close()
	env, err := tokens.TrustingEnv(dir)
	if err != nil {
		return err
	}

	inputs := map[string]string{
		"role-to-assume":    "arn:aws:iam::737236345234:role/gha-oidc-role",
		"role-session-name": "samplerolesession",
		"aws-region":        "us-west-1",
		"sts-endpoint":      moto.URL,
	}
	shown := []string{"role-to-assume", "role-session-name", "aws-region", "sts-endpoint"}
	vault, err := startVault(ctx, dir, tokens)
	switch {
	case err != nil:
		fmt.Fprintf(w, "== no Vault (%v): showing AWS only\n", err)
	default:
		defer func() { _ = vault.Stop() }()
		inputs["vault-url"] = vault.URL
		inputs["vault-role"] = testbed.TutorialRole
		inputs["vault-secrets"] = "secret/data/aws accessKey | VAULT_ACCESS_KEY ;"
		shown = append(shown, "vault-url", "vault-role", "vault-secrets")
	}
	fmt.Fprintln(w, "== running the step with:")
	for _, k := range shown {
		fmt.Fprintf(w, "     %s: %s\n", k, inputs[k])
	}
	res, err := testbed.Step{Binary: bin, Inputs: inputs, Env: env, Dir: dir + "/step"}.Run(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "== the step's log (exit %d, %s); the runner hides every ::add-mask:: value in later lines\n", res.ExitCode, res.Wall.Round(time.Millisecond))
	fmt.Fprint(w, indent(shortenMasks(res.Stdout)+res.Stderr))
	fmt.Fprintln(w, "== GITHUB_ENV, as later steps see it (secret values shortened here)")
	show(w, res.Env)
	fmt.Fprintln(w, "== step outputs")
	show(w, res.Outputs)
	fmt.Fprintln(w, "== job summary")
	fmt.Fprint(w, indent(res.Summary))
	if res.ExitCode != 0 {
		return fmt.Errorf("the step failed with exit code %d", res.ExitCode)
	}
	return nil
}

// startVault starts a Vault dev server configured as in the tutorial.
func startVault(ctx context.Context, dir string, tokens *idtokentest.Server) (*testbed.Vault, error) {
	bin, err := testbed.FindVault()
	if err != nil {
		return nil, err
	}
	return testbed.StartTutorialVault(ctx, bin, filepath.Join(dir, "vault"), tokens)
}

func show(w io.Writer, entries []runnertest.Entry) {
	for _, e := range entries {
		v := e.Value
		if strings.Contains(e.Name, "KEY") || strings.Contains(e.Name, "TOKEN") || strings.HasPrefix(e.Name, "aws-access") || strings.HasPrefix(e.Name, "aws-secret") {
			v = v[:min(4, len(v))] + "… (" + fmt.Sprint(len(e.Value)) + " characters)"
		}
		fmt.Fprintf(w, "     %s=%s\n", e.Name, v)
	}
}

func indent(s string) string {
	s = strings.TrimRight(s, "\n")
	if s == "" {
		return ""
	}
	return "     " + strings.ReplaceAll(s, "\n", "\n     ") + "\n"
}

// shortenMasks keeps the log readable: a masked JWT is a screenful.
func shortenMasks(log string) string {
	lines := strings.Split(log, "\n")
	for i, l := range lines {
		if v, ok := strings.CutPrefix(l, "::add-mask::"); ok && len(v) > 16 {
			lines[i] = "::add-mask::" + v[:12] + "… (" + fmt.Sprint(len(v)) + " characters)"
		}
	}
	return strings.Join(lines, "\n")
}
