package app

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"time"

	"github.com/federate-action/federate/internal/netpolicy"
	"github.com/federate-action/federate/internal/plan"
	"github.com/federate-action/federate/internal/retry"
	"github.com/federate-action/federate/internal/runner"
	"github.com/federate-action/federate/internal/secret"
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
	certs   []vault.Certificate // in the order of the plan's PKI entries
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
	for _, c := range r.certs {
		if c.LeaseID != "" {
			paths = append(paths, c.Path)
		}
	}
	sort.Strings(paths)
	return paths
}

// postRevokes reports whether the token outlives the step only to be
// revoked by the post step: it is the parent of dynamic secrets' leases,
// which must last until the job ends, and the user did not keep it.
func postRevokes(p *plan.VaultPlan, r vaultResult) bool {
	return !p.KeepsToken() && r.revocable() && len(r.leasedPaths()) > 0
}

// revocable reports whether the login's token can be revoked: not a batch
// token, which Vault keeps no record of.
func (r vaultResult) revocable() bool { return r.client != nil && r.client.Revocable() }

// loginFetchesFirst reports whether a login by method must first fetch
// something over the network: an ID token (jwt), and for aws the role's
// credentials too. Only then does opening Vault's connection early save
// round trips, and only then is it opened: other logins leave at once, and
// the token method may send Vault nothing at all.
func loginFetchesFirst(method string) bool { return method == "jwt" || method == "aws" }

func readVault(ctx context.Context, p *plan.VaultPlan, tokens func(context.Context) (secret.String, error), awsLogin *vault.AWSLogin, out *runner.Runner, client *http.Client) (vaultResult, error) {
	var res vaultResult
	// The credentials the user gave, before any request can fail and print.
	for _, s := range p.LoginSecrets() {
		out.Mask(s)
	}
	if p.TLS.SkipVerify {
		out.Warningf("vault-tls-skip-verify is true: the Vault server's certificate is not checked, so anyone on the path can read the token and secrets")
	}
	c, err := newVaultClient(p, client, out)
	if err != nil {
		return res, err
	}
	// Vault's connection opens while the login's ID token (or AWS
	// credentials) are fetched: the login then finds it ready.
	if loginFetchesFirst(p.Method) {
		defer c.Preconnect(ctx)()
	}
	out.Infof("Logging in to Vault at %s (auth/%s, method %s%s)", p.Address, p.Mount, p.Method, roleSuffix(p))
	if awsLogin != nil {
		out.Infof("Signing sts:GetCallerIdentity for %s (%s) with %s", p.AWSLogin.STSURL, p.AWSLogin.Region, awsLoginSource(p))
	}
	if p.Method == "kubernetes" {
		tokens = serviceAccountToken(p.KubernetesTokenPath, out)
	}
	token, err := c.Login(ctx, vault.Login{Method: p.Method, Mount: p.Mount, Role: p.Role,
		JWT: tokens, RoleID: p.RoleID, SecretID: p.SecretID, Token: p.Token, AWS: awsLogin,
		Username: p.Username, Password: p.Password, GitHubToken: p.GitHubToken, Payload: p.AuthBody})
	if err != nil {
		return res, err
	}
	out.Mask(token)
	res.client, res.token = c, token

	paths := p.Paths()
	if len(paths) > 0 {
		out.Infof("Reading %d Vault path(s)", len(paths))
	}
	if len(p.PKI) > 0 {
		out.Infof("Issuing %d certificate(s)", len(p.PKI))
	}
	// The certificates are issued while the secrets are read: one round
	// trip for both.
	var issueErr error
	issued := make(chan struct{})
	go func() {
		defer close(issued)
		res.certs, issueErr = c.IssueAll(ctx, issueRequests(p), readWorkers)
	}()
	res.secrets, err = c.ReadAll(ctx, paths, readWorkers)
	<-issued
	for _, cert := range res.certs {
		if cert.Serial != "" { // an entry that failed has none
			out.Infof("Issued a certificate at %s (serial number %s)", cert.Path, cert.Serial)
		}
	}
	return res, errors.Join(err, issueErr)
}

// issueRequests lists the plan's certificates to issue.
func issueRequests(p *plan.VaultPlan) []vault.IssueRequest {
	reqs := make([]vault.IssueRequest, 0, len(p.PKI))
	for _, s := range p.PKI {
		reqs = append(reqs, vault.IssueRequest{Path: s.Path, Params: s.Params})
	}
	return reqs
}

// newVaultClient builds the client for p, with netpolicy.Vault's retry
// policy and transport: a Vault request may create a token or a lease, so
// a stalled one is not abandoned and tried again; the step's deadline
// bounds it.
func newVaultClient(p *plan.VaultPlan, client *http.Client, out *runner.Runner) (*vault.Client, error) {
	policy := netpolicy.Vault.Retry(p.MaxAttempts, "vault-retry-max-attempts")
	policy.OnRetry = func(attempt int, err error, wait time.Duration) {
		out.Infof("Vault attempt %d of %d failed: %s; retrying in %s", attempt, p.MaxAttempts, retry.Brief(err), wait.Round(10*time.Millisecond))
	}
	opts := vault.Options{Address: p.Address, Namespace: p.Namespace, Headers: p.Headers,
		RootCAs: p.TLS.RootCAs, ClientCert: p.TLS.ClientCert, SkipVerify: p.TLS.SkipVerify, Retry: policy,
		Transport: netpolicy.Vault.Transport(client)}
	return vault.New(opts)
}

// roleSuffix names the jwt role, if any.
func roleSuffix(p *plan.VaultPlan) string {
	if p.LoginRole() == "" {
		return ""
	}
	return ", role " + p.LoginRole()
}

// finishVault revokes the Vault token unless the user keeps it or the post
// step will (dynamic secrets' leases): a token left valid after the step
// is a credential anyone reading a later step's environment could use. It
// runs even when the step has failed, on a context of its own since the
// step's may have expired (see revokeContext). A token the user gave is
// never revoked.
func finishVault(ctx context.Context, p *plan.VaultPlan, r vaultResult, succeeded bool, out *runner.Runner) {
	if succeeded && p != nil && (p.KeepsToken() || postRevokes(p, r)) {
		return
	}
	revokeVault(ctx, p, r, out)
}

// revokeVault revokes the login's token, if there is one and it is ours
// to revoke (not a token the user gave, not a batch token).
func revokeVault(ctx context.Context, p *plan.VaultPlan, r vaultResult, out *runner.Runner) {
	if p == nil || r.client == nil || p.Method == "token" {
		return
	}
	if !r.revocable() {
		out.Debugf("The Vault token is a batch token, which Vault cannot revoke: it expires at the end of its TTL")
		return
	}
	ctx, cancel := revokeContext(ctx)
	defer cancel()
	if err := r.client.RevokeSelf(ctx); err != nil {
		out.Warningf("could not revoke the Vault token: %v; it expires at the end of its TTL", err)
		return
	}
	out.Infof("Vault token revoked")
}

// revokeGrace is how long the revocation may run after the step's context
// has ended, by action-timeout-s or by a cancellation: the step as a whole
// ends within action-timeout-s plus this. Revoking is one request to a
// Vault that answered the login moments ago, well under a second even far
// away; a Vault that is hanging will not answer in 10 s either, and the
// token then expires at the end of its TTL. A cancelled job's runner
// stops the step soon after its SIGTERM, so the revocation must fit in
// that short time too.
const revokeGrace = 2 * time.Second

// revokeTimeout bounds a revocation that starts well inside the step's time.
const revokeTimeout = 10 * time.Second

// The causes that end a revocation, which its warning shows.
var (
	errRevokeGrace   = fmt.Errorf("the step had ended and revoking got %s more", revokeGrace)
	errRevokeTimeout = fmt.Errorf("revoking got %s", revokeTimeout)
)

// revokeContext is step's values without its end: the revocation must run
// even after the step's deadline or a cancellation, but for revokeGrace
// at most after either, and for revokeTimeout at most in all.
func revokeContext(step context.Context) (context.Context, context.CancelFunc) {
	ctx, cancelTimeout := context.WithTimeoutCause(context.WithoutCancel(step), revokeTimeout, errRevokeTimeout)
	ctx, cancel := context.WithCancelCause(ctx)
	stop := context.AfterFunc(step, func() {
		time.AfterFunc(revokeGrace, func() { cancel(errRevokeGrace) })
	})
	return ctx, func() {
		stop()
		cancel(nil)
		cancelTimeout()
	}
}

// stepSecrets are the secrets the step masks without exporting them: the
// runner's request token and the environment's AWS keys. No vault-unmasked
// value may hold one (nor one of the Vault login's credentials, which
// mapping.Vault takes from the plan).
func stepSecrets(p plan.Plan, getenv func(string) string) []secret.String {
	env := envCredentials(getenv)
	return []secret.String{p.Token.RequestToken, env.AccessKeyID, env.SecretAccessKey, env.SessionToken}
}
