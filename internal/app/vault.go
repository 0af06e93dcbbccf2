package app

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/federate-action/federate/internal/export"
	"github.com/federate-action/federate/internal/plan"
	"github.com/federate-action/federate/internal/retry"
	"github.com/federate-action/federate/internal/runner"
	"github.com/federate-action/federate/internal/secret"
	"github.com/federate-action/federate/internal/secretspec"
	"github.com/federate-action/federate/internal/vault"
)

// readWorkers bounds concurrent path reads (each is two requests at once:
// the mount lookup and the read): enough that 50 paths cost one round
// trip, bounded so a typo'd list of thousands cannot flood Vault.
const readWorkers = 64

// vaultResult is what the Vault side fetched.
type vaultResult struct {
	client  *vault.Client // nil until logged in
	token   secret.String
	secrets map[string]vault.Secret
}

// leasedPaths lists the paths that returned a lease (dynamic secrets):
// revoking the token would revoke their leases with it.
func (r vaultResult) leasedPaths() []string {
	var paths []string
	for path, s := range r.secrets {
		if s.LeaseID != "" {
			paths = append(paths, path)
		}
	}
	sort.Strings(paths)
	return paths
}

// postRevokes reports whether the token outlives the step only to be
// revoked by the post step: it is the parent of dynamic secrets' leases,
// which must last until the job ends, and the user did not keep it.
func postRevokes(p *plan.VaultPlan, r vaultResult) bool {
	return !p.KeepsToken() && len(r.leasedPaths()) > 0
}

// stateVaultToken names the GITHUB_STATE entry that hands the post step a
// token to revoke; the post step reads it as STATE_vault-token.
const stateVaultToken = "vault-token"

func readVault(ctx context.Context, p *plan.VaultPlan, tokens func(context.Context) (secret.String, error), out *runner.Runner, client *http.Client) (vaultResult, error) {
	var res vaultResult
	// The credentials the user gave, before any request can fail and print.
	out.Mask(p.Token)
	out.Mask(p.SecretID)
	if p.TLS.SkipVerify {
		out.Warningf("vault-tls-skip-verify is true: the Vault server's certificate is not checked, so anyone on the path can read the token and secrets")
	}
	c, err := newVaultClient(p, client, out)
	if err != nil {
		return res, err
	}
	out.Infof("Logging in to Vault at %s (auth/%s, method %s%s)", p.Address, p.Mount, p.Method, roleSuffix(p))
	token, err := c.Login(ctx, vault.Login{Method: p.Method, Mount: p.Mount, Role: p.Role,
		JWT: tokens, RoleID: p.RoleID, SecretID: p.SecretID, Token: p.Token})
	if err != nil {
		return res, err
	}
	out.Mask(token)
	res.client, res.token = c, token

	paths := distinctPaths(p.Specs)
	if len(paths) > 0 {
		out.Infof("Reading %d Vault path(s)", len(paths))
	}
	res.secrets, err = c.ReadAll(ctx, paths, readWorkers)
	return res, err
}

// newVaultClient builds the client for p. A stalled Vault request is not
// tried again (no per-attempt timeout): a login or a dynamic-secret read
// that stalled may still have created a token or a lease, and a second
// attempt would leave that one behind. The step's deadline bounds it.
func newVaultClient(p *plan.VaultPlan, client *http.Client, out *runner.Runner) (*vault.Client, error) {
	policy := retry.Default
	policy.MaxAttempts = p.MaxAttempts
	policy.AttemptTimeout = 0
	policy.OnRetry = func(attempt int, err error, wait time.Duration) {
		out.Infof("Vault attempt %d of %d failed: %v; retrying in %s", attempt, p.MaxAttempts, err, wait.Round(10*time.Millisecond))
	}
	opts := vault.Options{Address: p.Address, Namespace: p.Namespace, Headers: p.Headers,
		RootCAs: p.TLS.RootCAs, ClientCert: p.TLS.ClientCert, SkipVerify: p.TLS.SkipVerify, Retry: policy}
	if tr, ok := client.Transport.(*http.Transport); ok {
		opts.Transport = tr
	}
	return vault.New(opts)
}

// roleSuffix names the jwt role; approle's role is its role id.
func roleSuffix(p *plan.VaultPlan) string {
	if p.Role == "" || p.Method != "jwt" {
		return ""
	}
	return ", role " + p.Role
}

// distinctPaths lists each path once, in the order first named.
func distinctPaths(specs []secretspec.Spec) []string {
	seen := map[string]bool{}
	var paths []string
	for _, s := range specs {
		if !seen[s.Path] {
			seen[s.Path] = true
			paths = append(paths, s.Path)
		}
	}
	return paths
}

// KeyError is a selector that matches nothing in a secret that exists.
type KeyError struct {
	Spec secretspec.Spec
	Keys []string
}

func (e *KeyError) Error() string {
	return fmt.Sprintf("vault-secrets entry %d (%s): %s has no %s; its keys are: %s",
		e.Spec.Entry, e.Spec.Raw, e.Spec.Path, e.Spec.Selector.Text, strings.Join(e.Keys, ", "))
}

// Title is the annotation title.
func (e *KeyError) Title() string { return "Vault secret has no such key" }

// exportVault adds every selected value (env and output, as vault-action
// does) and, if asked, the token.
func exportVault(set *export.Set, p *plan.VaultPlan, r vaultResult, out *runner.Runner) error {
	var env, outputs []string
	add := func(envName, outName string, v export.Value, source string) error {
		if err := set.Output(outName, v, source); err != nil {
			return err
		}
		outputs = append(outputs, outName)
		if p.ExportEnv {
			env = append(env, envName)
			return set.Env(envName, v, source)
		}
		return nil
	}
	for _, s := range p.Specs {
		source := fmt.Sprintf("vault-secrets entry %d (%s)", s.Entry, s.Raw)
		sec := r.secrets[s.Path]
		if !sec.Found {
			if p.IgnoreNotFound {
				out.Infof("Skipping %s: not found (vault-ignore-not-found)", s.Path)
				continue
			}
			return &vault.ReadError{Path: s.Path, APIPath: sec.APIPath, NotFound: true}
		}
		if s.Selector.Wildcard != secretspec.None {
			for _, key := range sortedKeys(sec.Data) {
				text, err := vault.Text(sec.Data[key], p.Encoding)
				if err != nil {
					return err
				}
				envName, outName := s.WildcardNames(key)
				if !export.ValidOutputName(outName) || (p.ExportEnv && !export.ValidEnvName(envName)) {
					return &KeyNameError{Spec: s, Key: key, Name: envName}
				}
				keySource := fmt.Sprintf("%s, key %q", source, key)
				if err := add(envName, outName, export.Secret(secret.New(text)), keySource); err != nil {
					return err
				}
				maskLeaves(set, sec.Data[key])
			}
			continue
		}
		v, ok := s.Selector.Eval(sec.Data)
		if !ok {
			if p.IgnoreNotFound {
				out.Infof("Skipping %s %s: no such key (vault-ignore-not-found)", s.Path, s.Selector.Text)
				continue
			}
			return &KeyError{Spec: s, Keys: sortedKeys(sec.Data)}
		}
		text, err := vault.Text(v, p.Encoding)
		if err != nil {
			return err
		}
		if err := add(s.EnvName(), s.OutputName(), export.Secret(secret.New(text)), source); err != nil {
			return err
		}
		maskLeaves(set, v)
	}
	if p.ExportToken {
		if err := set.Env("VAULT_TOKEN", export.Secret(r.token), "vault-export-token"); err != nil {
			return err
		}
		if err := set.Env("VAULT_ADDR", export.Public(p.Address), "vault-export-token"); err != nil {
			return err
		}
		env = append(env, "VAULT_TOKEN", "VAULT_ADDR")
	}
	if p.OutputToken {
		if err := set.Output("vault-token", export.Secret(r.token), "vault-output-token"); err != nil {
			return err
		}
		outputs = append(outputs, "vault-token")
	}
	if postRevokes(p, r) {
		if err := set.State(stateVaultToken, export.Secret(r.token), "Vault leases"); err != nil {
			return err
		}
		out.Infof("Keeping the Vault token until the job ends: revoking it now would revoke the leases of %s; the post step revokes it",
			strings.Join(r.leasedPaths(), ", "))
	}
	summarizeVault(set, p, r, env, outputs)
	return nil
}

// KeyNameError is a key of a wildcard entry whose derived name later
// steps could not use.
type KeyNameError struct {
	Spec      secretspec.Spec
	Key, Name string
}

func (e *KeyNameError) Error() string {
	return fmt.Sprintf("vault-secrets entry %d (%s): key %q of %s would be exported as %q, which later steps cannot use; read it with its own entry and `| NAME`",
		e.Spec.Entry, e.Spec.Raw, e.Key, e.Spec.Path, e.Name)
}

// Title is the annotation title.
func (e *KeyNameError) Title() string { return "Invalid input vault-secrets" }

// maskLeaves masks every string inside an object or array value as well:
// the whole JSON text is masked, but a later step that prints one field
// of it would otherwise show that field (vault-action masks JSON only as a
// whole).
func maskLeaves(set *export.Set, v any) {
	switch x := v.(type) {
	case map[string]any:
		for _, item := range x {
			maskLeaves(set, item)
		}
	case []any:
		for _, item := range x {
			maskLeaves(set, item)
		}
	case string:
		set.Mask(secret.New(x))
	}
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func summarizeVault(set *export.Set, p *plan.VaultPlan, r vaultResult, env, outputs []string) {
	token := "revoked at the end of the step"
	switch {
	case p.Method == "token":
		token = "the given token (not revoked)"
	case p.ExportToken || p.OutputToken:
		token = "kept: exported for later steps"
	case postRevokes(p, r):
		token = "revoked at the end of the job (it holds the leases of dynamic secrets)"
	}
	set.Summary("### federate: Vault secrets")
	set.Summary("")
	set.Summary("| | |")
	set.Summary("|---|---|")
	set.Summary("| Vault | " + p.Address + " |")
	set.Summary(fmt.Sprintf("| Login | %s at `auth/%s`%s |", p.Method, p.Mount, roleSuffix(p)))
	set.Summary("| Paths read | " + codeList(distinctPaths(p.Specs)) + " |")
	set.Summary("| Env vars | " + codeList(env) + " |")
	set.Summary("| Outputs | " + codeList(outputs) + " |")
	set.Summary("| Token | " + token + " |")
	set.Summary("")
}

// finishVault revokes the Vault token unless the user keeps it or the post
// step will (dynamic secrets' leases): a token left valid after the step
// is a credential anyone reading a later step's environment could use. It
// runs even when the step has failed, on a context of its own since the
// step's may have expired. A token the user gave is never revoked.
func finishVault(ctx context.Context, p *plan.VaultPlan, r vaultResult, succeeded bool, out *runner.Runner) {
	if p == nil || r.client == nil || p.Method == "token" || (succeeded && (p.KeepsToken() || postRevokes(p, r))) {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := r.client.RevokeSelf(ctx); err != nil {
		out.Warningf("could not revoke the Vault token: %v; it expires at the end of its TTL", err)
		return
	}
	out.Infof("Vault token revoked")
}
