package testbed

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/federate-action/federate/internal/idtoken/idtokentest"
)

// ErrVaultMissing is returned (wrapped) when no Vault binary is built yet.
var ErrVaultMissing = errors.New("no Vault binary: run tools/vault/build.sh (or set FEDERATE_VAULT)")

// VaultVersion is the Vault release tools/vault builds.
const VaultVersion = "1.21.4"

// FindVault returns the Vault binary: $FEDERATE_VAULT, else the one
// tools/vault/build.sh caches under ${FEDERATE_CACHE:-$HOME/.cache/federate}.
func FindVault() (string, error) {
	if p := os.Getenv("FEDERATE_VAULT"); p != "" {
		return p, nil
	}
	cache := os.Getenv("FEDERATE_CACHE")
	if cache == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("%w: %v", ErrVaultMissing, err)
		}
		cache = filepath.Join(home, ".cache", "federate")
	}
	p := filepath.Join(cache, "vault-"+VaultVersion, "vault")
	if _, err := os.Stat(p); err != nil {
		return "", fmt.Errorf("%w: %v", ErrVaultMissing, err)
	}
	return p, nil
}

// EnsureVault returns the Vault binary, building it with
// tools/vault/build.sh first if it is missing (10-20 minutes once; then
// cached). Build progress goes to log.
func EnsureVault(ctx context.Context, log io.Writer) (string, error) {
	if bin, err := FindVault(); err == nil {
		return bin, nil
	}
	root, err := moduleRoot(ctx)
	if err != nil {
		return "", err
	}
	cmd := exec.CommandContext(ctx, "bash", filepath.Join(root, "tools", "vault", "build.sh"))
	cmd.Stderr = log
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("building Vault with tools/vault/build.sh: %w", err)
	}
	return strings.TrimSpace(string(out)), nil
}

// Vault is a real `vault server -dev` on loopback. URL is its plain-HTTP
// dev listener; TLSURL and MTLSURL are extra listeners with a test CA
// (PKI), the second requiring a client certificate.
type Vault struct {
	URL, TLSURL, MTLSURL string
	RootToken            string
	PKI                  *PKI

	cmd      *exec.Cmd
	exited   chan struct{}
	waitErr  error
	stopOnce sync.Once
}

// StartVault starts a dev server from bin with its state in dir.
func StartVault(ctx context.Context, bin, dir string, log io.Writer) (*Vault, error) {
	if log == nil {
		log = io.Discard
	}
	pki, err := NewPKI(dir)
	if err != nil {
		return nil, fmt.Errorf("start vault: %w", err)
	}
	ports := make([]int, 3)
	for i := range ports {
		if ports[i], err = freePort(); err != nil {
			return nil, fmt.Errorf("start vault: pick a port: %w", err)
		}
	}
	config := fmt.Sprintf(`
listener "tcp" {
  address       = "127.0.0.1:%d"
  tls_cert_file = %q
  tls_key_file  = %q
}
listener "tcp" {
  address                            = "127.0.0.1:%d"
  tls_cert_file                      = %q
  tls_key_file                       = %q
  tls_client_ca_file                 = %q
  tls_require_and_verify_client_cert = true
}
`, ports[1], pki.ServerCertFile, pki.ServerKeyFile, ports[2], pki.ServerCertFile, pki.ServerKeyFile, pki.CAFile)
	configFile := filepath.Join(dir, "listeners.hcl")
	if err := os.WriteFile(configFile, []byte(config), 0o600); err != nil {
		return nil, err
	}
	v := &Vault{
		URL:       "http://127.0.0.1:" + strconv.Itoa(ports[0]),
		TLSURL:    "https://127.0.0.1:" + strconv.Itoa(ports[1]),
		MTLSURL:   "https://127.0.0.1:" + strconv.Itoa(ports[2]),
		RootToken: "root-" + newUUID(),
		PKI:       pki,
		exited:    make(chan struct{}),
	}
	v.cmd = exec.Command(bin, "server", "-dev",
		"-dev-listen-address=127.0.0.1:"+strconv.Itoa(ports[0]),
		"-dev-root-token-id="+v.RootToken, "-dev-no-store-token", "-config="+configFile)
	v.cmd.Env = append(os.Environ(), "HOME="+dir, "VAULT_ADDR=", "VAULT_TOKEN=")
	v.cmd.Stdout, v.cmd.Stderr = log, log
	v.cmd.WaitDelay = 5 * time.Second
	setProcessGroup(v.cmd)
	if err := v.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start vault: %w", err)
	}
	go func() {
		v.waitErr = v.cmd.Wait()
		close(v.exited)
	}()
	if err := v.waitReady(ctx); err != nil {
		_ = v.Stop()
		return nil, err
	}
	return v, nil
}

func (v *Vault) waitReady(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	for {
		if _, err := v.API(ctx, http.MethodGet, "sys/health", nil); err == nil {
			return nil
		}
		select {
		case <-v.exited:
			return fmt.Errorf("vault exited before answering: %v", v.waitErr)
		case <-ctx.Done():
			return fmt.Errorf("vault not answering: %w", ctx.Err())
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// API calls Vault's HTTP API with the root token and decodes the JSON
// answer; a status of 400 or more is an error holding Vault's errors.
func (v *Vault) API(ctx context.Context, method, path string, body any) (map[string]any, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, v.URL+"/v1/"+strings.TrimPrefix(path, "/"), rd)
	if err != nil {
		return nil, err
	}
	req.Header.Set("X-Vault-Token", v.RootToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode >= 400 {
		return nil, fmt.Errorf("vault %s %s: HTTP %d: %s", method, path, resp.StatusCode, strings.TrimSpace(string(raw)))
	}
	out := map[string]any{}
	if len(bytes.TrimSpace(raw)) > 0 {
		if err := json.Unmarshal(raw, &out); err != nil {
			return nil, fmt.Errorf("vault %s %s: %w", method, path, err)
		}
	}
	return out, nil
}

// Stop kills the server and waits for it.
func (v *Vault) Stop() error {
	v.stopOnce.Do(func() {
		_ = killProcessGroup(v.cmd)
		<-v.exited
	})
	return nil
}

// Tutorial names: the role and policy of HashiCorp's GitHub Actions
// tutorial, which ConfigureTutorial sets up.
const (
	TutorialRole   = "myproject-production"
	TutorialPolicy = `path "secret/*" { capabilities = ["read"] }`
)

// StartTutorialVault starts a dev server from bin with its state in dir
// (created if need be) and configures it with ConfigureTutorial.
func StartTutorialVault(ctx context.Context, bin, dir string, tokens *idtokentest.Server) (*Vault, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("start vault: %w", err)
	}
	v, err := StartVault(ctx, bin, dir, nil)
	if err != nil {
		return nil, err
	}
	if err := v.ConfigureTutorial(ctx, tokens); err != nil {
		_ = v.Stop()
		return nil, err
	}
	return v, nil
}

// ConfigureTutorial configures Vault exactly as the tutorial does for the
// jobs of tokens' server: jwt auth trusting its issuer (over HTTPS, with its
// CA), the tutorial's policy, a role bound by glob to repo:<owner>/* with
// user_claim repository and GitHub's default audience,
// https://github.com/<owner>, and secret/aws accessKey=test.
func (v *Vault) ConfigureTutorial(ctx context.Context, tokens *idtokentest.Server) error {
	issuer, owner := tokens.Issuer, tokens.Owner()
	calls := []struct {
		method, path string
		body         any
	}{
		{"POST", "sys/auth/jwt", map[string]any{"type": "jwt"}},
		{"POST", "auth/jwt/config", map[string]any{"oidc_discovery_url": issuer, "bound_issuer": issuer, "oidc_discovery_ca_pem": tokens.CAPEM()}},
		{"PUT", "sys/policies/acl/" + TutorialRole, map[string]any{"policy": TutorialPolicy}},
		{"POST", "auth/jwt/role/" + TutorialRole, map[string]any{"role_type": "jwt", "user_claim": "repository",
			"bound_claims_type": "glob", "bound_claims": map[string]any{"sub": "repo:" + owner + "/*"},
			"bound_audiences": []string{"https://github.com/" + owner}, "policies": []string{TutorialRole}}},
		{"POST", "secret/data/aws", map[string]any{"data": map[string]any{"accessKey": "test"}}},
	}
	for _, c := range calls {
		if _, err := v.API(ctx, c.method, c.path, c.body); err != nil {
			return err
		}
	}
	return nil
}
