// Package vault logs in to HashiCorp Vault (jwt, approle or a given token)
// and reads secrets, through hashicorp/vault/api with an explicit
// configuration: nothing is taken from VAULT_* variables of the job.
package vault

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net/http"
	"time"

	"github.com/hashicorp/vault/api"

	"github.com/federate-action/federate/internal/bodylimit"
	"github.com/federate-action/federate/internal/netpolicy"
	"github.com/federate-action/federate/internal/retry"
	"github.com/federate-action/federate/internal/secret"
)

// Options say how to reach Vault.
type Options struct {
	Address    string
	Namespace  string
	Headers    http.Header
	RootCAs    *x509.CertPool // nil: the system's roots
	ClientCert *tls.Certificate
	SkipVerify bool
	Transport  *http.Transport // cloned, then given the TLS settings above; nil for a default
	Retry      retry.Policy
}

// Client talks to one Vault server.
type Client struct {
	api   *api.Client
	retry retry.Policy
	batch bool // the token Login got is a batch token

	transport *http.Transport // under the api client's guard and body limit
	address   string
}

// New returns a client with no token, configured by o alone: no VAULT_*
// variable of the job reaches it (see newAPIClient).
func New(o Options) (*Client, error) {
	tr := o.Transport
	if tr == nil {
		tr = &http.Transport{Proxy: http.ProxyFromEnvironment, TLSHandshakeTimeout: 10 * time.Second}
	}
	tr = tr.Clone()
	tr.TLSClientConfig = &tls.Config{
		MinVersion:         tls.VersionTLS12,
		RootCAs:            o.RootCAs,
		InsecureSkipVerify: o.SkipVerify, //nolint:gosec // only with vault-tls-skip-verify: true, warned about in the log
	}
	if o.ClientCert != nil {
		tr.TLSClientConfig.Certificates = []tls.Certificate{*o.ClientCert}
	}
	cfg := &api.Config{
		Address: o.Address,
		// No redirect is followed, by net/http or by vault/api (which
		// follows one 301, 302 or 307 to any host unless told not to): it
		// would carry the login body (a secret id, an ID token) or the
		// token wherever the Location header pointed. The guard turns the
		// answer into a *netpolicy.RedirectError that names vault-url.
		HttpClient:       &http.Client{Transport: netpolicy.Vault.Guard(tr), CheckRedirect: netpolicy.Vault.CheckRedirect},
		DisableRedirects: true,
		MaxRetries:       0, // Client retries, so that a login attempt can use a fresh ID token
	}
	cfg.HttpClient.Transport = &bodylimit.Transport{Base: cfg.HttpClient.Transport, Limit: answerLimit}
	c, err := newAPIClient(cfg)
	if err != nil {
		return nil, fmt.Errorf("configuring the Vault client: %w", err)
	}
	// Only the request marker NewClient sets, and what the inputs say.
	c.ClearToken()
	headers := http.Header{api.RequestHeaderName: {"true"}}
	for name, values := range o.Headers {
		headers[name] = append([]string(nil), values...)
	}
	c.SetHeaders(headers)
	// vault/api asks VAULT_WRAP_TTL on every request, long after NewClient:
	// the job's value would have Vault wrap each answer, which then holds
	// neither a token nor a secret. Nothing of ours is ever wrapped.
	c.SetWrappingLookupFunc(func(operation, path string) string { return "" })
	c.ClearNamespace()
	if o.Namespace != "" {
		c.SetNamespace(o.Namespace)
	}
	return &Client{api: c, retry: o.Retry, transport: tr, address: o.Address}, nil
}

// Preconnect opens the connection the first request will use now, in the
// background (see netpolicy.Service.Preconnect), with the TLS settings above: call
// it before that request, and release once the client is done.
func (c *Client) Preconnect(ctx context.Context) (release func()) {
	return netpolicy.Vault.Preconnect(ctx, c.transport, c.address)
}

// UseToken makes later calls authenticate with token.
func (c *Client) UseToken(token secret.String) { c.api.SetToken(token.Reveal()) }
