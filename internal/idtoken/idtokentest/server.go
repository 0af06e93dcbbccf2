// Package idtokentest is a stand-in for GitHub's Actions ID token service
// (token endpoint, OIDC discovery and JWKS) for end-to-end tests and demos.
package idtokentest

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// Default values for a zero Config. They match the examples in GitHub's
// OIDC documentation, so messages and trust policies read like real ones.
const (
	defaultOwner    = "octo-org"
	defaultRepo     = "octo-repo"
	defaultLifetime = 5 * time.Minute // GitHub's tokens expire 5 minutes after iat.
)

// Paths served. They are GitHub's: the runner contract gives the token
// endpoint's path and api-version, and OIDC clients derive the other two
// from the issuer.
const (
	tokenPath     = "/_apis/distributedtask/idtoken"
	tokenQuery    = "api-version=2.0"
	discoveryPath = "/.well-known/openid-configuration"
	jwksPath      = "/.well-known/jwks"
)

// Config describes the repository and workflow run whose tokens the server
// issues. Its zero value is usable: every empty field takes a default.
type Config struct {
	// TLS serves HTTPS: Vault's jwt auth only accepts an HTTPS issuer.
	TLS bool
	// Owner is the repository owner, "octo-org" when empty.
	Owner string
	// Repo is the repository name without its owner, "octo-repo" when empty.
	Repo string
	// Claims are merged over the default claims of every token; a nil value
	// deletes the claim.
	Claims map[string]any
	// Lifetime is how long a token is valid after iat, 5 minutes when zero.
	Lifetime time.Duration
	// Now is the clock for iat, nbf and exp, time.Now when nil, so tests can
	// issue tokens that are already expired or not yet valid.
	Now func() time.Time
	// Platform is the CI whose tokens Mint issues: "" or "github",
	// "gitlab", "circleci", "circleci-v2" or "buildkite". It sets the claim
	// set and sub format, and for CircleCI the issuer's /org/ORG_ID path.
	Platform string
}

// Server is a running token service. Point the code under test at it with
// Env, and its OIDC verifier at Issuer.
type Server struct {
	// URL is the value for ACTIONS_ID_TOKEN_REQUEST_URL. It already carries
	// "?api-version=2.0", as the runner's does, so clients must merge the
	// audience into the query.
	URL string
	// RequestToken is the value for ACTIONS_ID_TOKEN_REQUEST_TOKEN, random
	// per server.
	RequestToken string
	// Issuer is the tokens' iss and the base URL of the OIDC discovery
	// document and JWKS.
	Issuer string

	srv      *httptest.Server
	signer   *signer
	owner    string
	repo     string
	lifetime time.Duration
	now      func() time.Time
	platform string

	mu       sync.Mutex
	claims   map[string]any
	faults   []fault
	requests []Request
}

// fault is one queued answer from FailNext.
type fault struct {
	status int
	body   string
}

// New generates a signing key and starts a server on a loopback port. Call
// Close when done.
func New(cfg Config) (*Server, error) {
	sg, err := newSigner()
	if err != nil {
		return nil, err
	}
	reqToken, err := randomToken()
	if err != nil {
		return nil, err
	}
	s := &Server{
		RequestToken: reqToken,
		signer:       sg,
		owner:        orDefault(cfg.Owner, defaultOwner),
		repo:         orDefault(cfg.Repo, defaultRepo),
		lifetime:     cfg.Lifetime,
		now:          cfg.Now,
		claims:       maps.Clone(cfg.Claims),
		platform:     cfg.Platform,
	}
	if s.lifetime <= 0 {
		s.lifetime = defaultLifetime
	}
	if s.now == nil {
		s.now = time.Now
	}

	issuerPath := s.issuerPath()
	mux := http.NewServeMux()
	mux.HandleFunc(tokenPath, s.serveToken)
	mux.HandleFunc("GET "+issuerPath+discoveryPath, s.serveDiscovery)
	mux.HandleFunc("GET "+issuerPath+jwksPath, s.serveJWKS)
	// The addresses are set before the server starts: a handler reads
	// them, and a request may arrive as soon as it listens.
	s.srv = httptest.NewUnstartedServer(mux)
	scheme := "http://"
	if cfg.TLS {
		scheme = "https://"
	}
	base := scheme + s.srv.Listener.Addr().String()
	s.Issuer = base + issuerPath
	s.URL = base + tokenPath + "?" + tokenQuery
	if cfg.TLS {
		s.srv.StartTLS()
	} else {
		s.srv.Start()
	}
	return s, nil
}

// Close shuts the server down and waits for outstanding requests.
func (s *Server) Close() { s.srv.Close() }

// CAPEM returns the PEM of the TLS server certificate, for Vault's
// oidc_discovery_ca_pem, or "" when the server speaks plain HTTP.
func (s *Server) CAPEM() string {
	cert := s.srv.Certificate()
	if cert == nil {
		return ""
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw}))
}

// Owner is the repository owner the tokens name (sub: repo:<owner>/...).
func (s *Server) Owner() string { return s.owner }

// Client returns an HTTP client that trusts the server's certificate.
func (s *Server) Client() *http.Client { return s.srv.Client() }

// Env returns the two variables the runner sets for a job with
// "permissions: id-token: write".
func (s *Server) Env() map[string]string {
	return map[string]string{
		"ACTIONS_ID_TOKEN_REQUEST_URL":   s.URL,
		"ACTIONS_ID_TOKEN_REQUEST_TOKEN": s.RequestToken,
	}
}

// TrustingEnv is Env plus SSL_CERT_FILE naming the server's CA, written
// into dir: a step run with it trusts this HTTPS token service as the
// action trusts GitHub's, through the system's roots. (Vault verifies the
// tokens against the issuer over HTTPS, so tests with Vault need it.)
func (s *Server) TrustingEnv(dir string) (map[string]string, error) {
	ca := filepath.Join(dir, "token-service-ca.pem")
	if err := os.WriteFile(ca, []byte(s.CAPEM()), 0o600); err != nil {
		return nil, err
	}
	env := s.Env()
	env["SSL_CERT_FILE"] = ca
	return env, nil
}

// SetClaims replaces the override claims for tokens issued from now on, so
// one server can play several jobs (another branch, an environment).
func (s *Server) SetClaims(m map[string]any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.claims = maps.Clone(m)
}

// FailNext makes the next n token requests answer status with body, before
// any other check, to play the endpoint's transient failures under load.
// Calls queue up; discovery and JWKS requests are never failed.
func (s *Server) FailNext(n int, status int, body string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.faults = append(s.faults, fault{status: status, body: body})
	}
}

// Requests returns every token request seen so far, in arrival order,
// including failed ones.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// randomToken returns 32 random bytes, URL-safe encoded.
func randomToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("generating request token: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}
