package vault

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/vault/api"

	"github.com/federate-action/federate/internal/netpolicy"
	"github.com/federate-action/federate/internal/retry"
)

// IssueRequest is one certificate to issue: Params (a JSON object) posted
// to Path, a PKI issue endpoint such as pki/issue/web.
type IssueRequest struct {
	Path   string
	Params json.RawMessage
}

// Certificate is what a PKI issue endpoint answered.
type Certificate struct {
	Path        string
	Certificate string   // PEM
	PrivateKey  string   // PEM
	IssuingCA   string   // PEM
	CAChain     []string // PEM each, issuing CA first
	Serial      string   // colon-separated hex, as Vault writes it
	Expiration  time.Time
	LeaseID     string // set when the role has generate_lease: revoking the token revokes the certificate
}

// IssueAll issues every certificate, at most workers at a time, in one
// wave; the result is in the order of reqs. Every failure is reported.
func (c *Client) IssueAll(ctx context.Context, reqs []IssueRequest, workers int) ([]Certificate, error) {
	out := make([]Certificate, len(reqs))
	var mu sync.Mutex
	var errs []error
	var wg sync.WaitGroup
	slots := make(chan struct{}, max(workers, 1))
	for i, r := range reqs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			slots <- struct{}{}
			defer func() { <-slots }()
			cert, err := c.issue(ctx, r)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, err)
				return
			}
			out[i] = cert
		}()
	}
	wg.Wait()
	sort.Slice(errs, func(i, j int) bool { return errs[i].Error() < errs[j].Error() })
	return out, errors.Join(errs...)
}

// issue posts one request. Issuing creates a certificate (and, with
// generate_lease, a lease), so it is retried as a login is: an attempt
// whose answer was lost may have issued one already, and only Vault's own
// "not yet" answers and failures to connect are tried again (issueTransient).
func (c *Client) issue(ctx context.Context, r IssueRequest) (Certificate, error) {
	body := map[string]any{}
	dec := json.NewDecoder(bytes.NewReader(r.Params))
	dec.UseNumber() // numbers reach Vault as written
	if err := dec.Decode(&body); err != nil {
		return Certificate{}, &IssueError{Path: r.Path, Reason: "the parameters are not a JSON object: " + err.Error(), Err: err}
	}
	var s *api.Secret
	err := retry.Do(ctx, c.retry, issueTransient, func(ctx context.Context) error {
		var err error
		s, err = c.api.Logical().WriteWithContext(ctx, r.Path, body)
		return vet(err)
	})
	if err != nil {
		return Certificate{}, &IssueError{Path: r.Path, Status: statusOf(err), Reason: reasons(err), Err: err}
	}
	return certificateFrom(r.Path, s)
}

// certificateFrom reads an issue answer's data.
func certificateFrom(path string, s *api.Secret) (Certificate, error) {
	if s == nil || s.Data == nil {
		return Certificate{}, &IssueError{Path: path, Reason: "the answer holds no data; check that the path is a PKI issue endpoint (MOUNT/issue/ROLE)"}
	}
	c := Certificate{Path: path, Certificate: stringAt(s.Data, "certificate"), PrivateKey: stringAt(s.Data, "private_key"),
		IssuingCA: stringAt(s.Data, "issuing_ca"), Serial: stringAt(s.Data, "serial_number"), LeaseID: s.LeaseID}
	if c.Certificate == "" || c.PrivateKey == "" {
		return Certificate{}, &IssueError{Path: path, Reason: "the answer holds no certificate and private key; check that the path is a PKI issue endpoint (MOUNT/issue/ROLE)"}
	}
	chain, _ := s.Data["ca_chain"].([]any)
	for _, pem := range chain {
		if p, ok := pem.(string); ok {
			c.CAChain = append(c.CAChain, p)
		}
	}
	if n, ok := s.Data["expiration"].(json.Number); ok {
		if unix, err := n.Int64(); err == nil {
			c.Expiration = time.Unix(unix, 0).UTC()
		}
	}
	return c, nil
}

// IssueError is a certificate Vault did not issue.
type IssueError struct {
	Path   string
	Status int // HTTP status; 0 for a network failure or a bad answer
	Reason string
	Err    error
}

func (e *IssueError) Unwrap() error { return e.Err }

// Title is the annotation title.
func (e *IssueError) Title() string {
	var redirect *netpolicy.RedirectError
	switch {
	case errors.As(e.Err, &redirect):
		return redirect.Title()
	case e.Status == 403:
		return "Vault denied a certificate"
	}
	return "Vault could not issue a certificate"
}

func (e *IssueError) Error() string {
	switch e.Status {
	case 403:
		return fmt.Sprintf("permission denied issuing a certificate at %s: the token's policies need the \"update\" capability on path %q (%s)", e.Path, e.Path, e.Reason)
	case 400:
		return fmt.Sprintf("Vault refused to issue a certificate at %s: %s (check the role name, and that the vault-pki parameters fit the role's allowed_domains and max_ttl)", e.Path, e.Reason)
	case 404:
		return fmt.Sprintf("issuing a certificate at %s: %s (check the PKI mount's path)", e.Path, e.Reason)
	}
	return fmt.Sprintf("issuing a certificate at %s: %s", e.Path, strings.TrimSpace(e.Reason))
}
