// Package vault logs in to HashiCorp Vault (jwt, approle or a given token)
// and reads secrets, through hashicorp/vault/api with an explicit
// configuration: nothing is taken from VAULT_* variables of the job.
package vault

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net/http"
	"time"

	"github.com/hashicorp/vault/api"

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
}

// New returns a client with no token. api.NewClient picks up VAULT_TOKEN
// and VAULT_NAMESPACE from the environment: both are cleared so only what
// the step's inputs say is used.
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
		// net/http must not follow redirects itself: vault/api follows one,
		// refusing a downgrade to http, and sends the token only then. A
		// followed redirect would carry the login body (a secret id, an ID
		// token) wherever the Location header pointed.
		HttpClient: &http.Client{Transport: tr, CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		}},
		MaxRetries: 0, // Client retries, so that a login attempt can use a fresh ID token
	}
	c, err := api.NewClient(cfg)
	if err != nil {
		return nil, fmt.Errorf("configuring the Vault client (check the job's VAULT_* environment variables): %w", err)
	}
	// NewClient also took VAULT_TOKEN, VAULT_NAMESPACE and VAULT_HEADERS
	// from the job's environment; keep only the request marker it sets and
	// what the inputs say.
	c.ClearToken()
	headers := http.Header{api.RequestHeaderName: {"true"}}
	for name, values := range o.Headers {
		headers[name] = append([]string(nil), values...)
	}
	c.SetHeaders(headers)
	c.ClearNamespace()
	if o.Namespace != "" {
		c.SetNamespace(o.Namespace)
	}
	return &Client{api: c, retry: o.Retry}, nil
}

// UseToken makes later calls authenticate with token.
func (c *Client) UseToken(token secret.String) { c.api.SetToken(token.Reveal()) }
