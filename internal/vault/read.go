package vault

import (
	"context"
	"errors"
	"net/url"
	"sort"
	"strings"
	"sync"

	"github.com/hashicorp/vault/api"

	"github.com/federate-action/federate/internal/retry"
)

// Secret is what one path held.
type Secret struct {
	Path    string         // as the user wrote it
	APIPath string         // what was read: KV v2 paths gain data/
	Data    map[string]any // for KV v2, the secret's own data (never its metadata)
	Found   bool
	LeaseID string // set for dynamic secrets, which die with the token
}

// ReadAll reads every path once, at most workers at a time, in one wave.
// Reading a path once matters for dynamic secrets: aws/creds/x's
// access_key and secret_key must come from one lease. Every failure is
// reported, not just the first.
func (c *Client) ReadAll(ctx context.Context, paths []string, workers int) (map[string]Secret, error) {
	out := make(map[string]Secret, len(paths))
	var mu sync.Mutex
	var errs []error
	var wg sync.WaitGroup
	slots := make(chan struct{}, max(workers, 1))
	mounts := newMountLookups(c)
	for _, p := range paths {
		wg.Add(1)
		go func() {
			defer wg.Done()
			slots <- struct{}{}
			defer func() { <-slots }()
			s, err := c.read(ctx, p, mounts)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, err)
				return
			}
			out[p] = s
		}()
	}
	wg.Wait()
	sort.Slice(errs, func(i, j int) bool { return errs[i].Error() < errs[j].Error() })
	return out, errors.Join(errs...)
}

// read resolves the KV version of path's mount the way the vault CLI does
// (sys/internal/ui/mounts), never from the answer's shape: a KV v1 secret
// with a field named "data" is not KV v2. The path is read as written at
// the same time, so in the common cases (KV v2 written as mount/data/...,
// KV v1, other engines) reading costs one round trip; only a KV v2 path
// written without data/ costs a second (the first read, of a path KV v2
// does not serve, is thrown away). The paths of one directory share the
// lookup (mounts).
func (c *Client) read(ctx context.Context, path string, mounts *mountLookups) (Secret, error) {
	raw, query, _ := strings.Cut(strings.TrimPrefix(path, "/"), "?")
	params, _ := url.ParseQuery(query)

	litCtx, cancelLiteral := context.WithCancel(ctx)
	defer cancelLiteral()
	type answer struct {
		s   *api.Secret
		err error
	}
	literal := make(chan answer, 1)
	go func() {
		s, err := c.get(litCtx, raw, params)
		literal <- answer{s, err}
	}()
	m, asked, err := mounts.mountOf(ctx, raw)
	if err != nil {
		return Secret{}, &ReadError{Path: path, APIPath: "sys/internal/ui/mounts/" + asked, Status: statusOf(err), Reason: reasons(err), Err: err}
	}
	apiPath, unwrap := m.resolve(raw)
	var a answer
	if apiPath == raw {
		a = <-literal
	} else {
		cancelLiteral()
		a.s, a.err = c.get(ctx, apiPath, params)
	}
	return result(path, apiPath, unwrap, a.s, a.err)
}

// kv2Endpoints are the first segments of a KV v2 mount's own API paths.
// A path that names one is read as written; any other gains data/, as the
// vault CLI's `kv get secret/x` reads secret/data/x.
var kv2Endpoints = map[string]bool{
	"data": true, "metadata": true, "subkeys": true, "config": true,
	"delete": true, "undelete": true, "destroy": true,
}

// resolve returns the API path to read for raw and whether the answer's
// data is KV v2's envelope ({"data": ..., "metadata": ...}) to unwrap.
func (m mount) resolve(raw string) (apiPath string, unwrap bool) {
	if !m.kv2 {
		return raw, false
	}
	rel := strings.TrimPrefix(raw, m.path)
	first, _, _ := strings.Cut(rel, "/")
	if kv2Endpoints[first] {
		return raw, first == "data"
	}
	return m.path + "data/" + rel, true
}

// result turns a read's answer into a Secret or a *ReadError.
func result(path, apiPath string, unwrap bool, s *api.Secret, err error) (Secret, error) {
	switch status := statusOf(err); {
	case status == 404 || (err == nil && s == nil):
		return Secret{Path: path, APIPath: apiPath}, nil
	case err != nil:
		return Secret{}, &ReadError{Path: path, APIPath: apiPath, Status: status, Reason: reasons(err), Err: err}
	}
	data := s.Data
	if unwrap {
		inner, ok := s.Data["data"].(map[string]any)
		if !ok { // a deleted or destroyed version
			return Secret{Path: path, APIPath: apiPath}, nil
		}
		data = inner
	}
	return Secret{Path: path, APIPath: apiPath, Data: data, Found: true, LeaseID: s.LeaseID}, nil
}

// get reads one API path, retrying transient faults. It reads the raw
// response: Logical().Read turns some 404s into a secret holding only
// warnings, and "not found" must stay distinct from "found".
func (c *Client) get(ctx context.Context, path string, params url.Values) (*api.Secret, error) {
	var s *api.Secret
	err := retry.Do(ctx, c.retry, transient, func(ctx context.Context) error {
		resp, err := c.api.Logical().ReadRawWithDataWithContext(ctx, path, params)
		if resp != nil {
			defer resp.Body.Close()
		}
		if err != nil {
			return vet(err)
		}
		s, err = api.ParseSecret(resp.Body)
		return vet(err)
	})
	return s, err
}

// mount is what Vault says about the mount a path is under.
type mount struct {
	path string // with a trailing slash, e.g. "secret/"
	kv2  bool
}

// mountOf asks Vault which mount holds path, as the vault CLI does before
// a kv command. A 404 (a Vault too old to answer) or a 403 (no capability
// on the path at all; the read itself will say so) leaves the mount
// unknown, and the path is read as written. Any other failure is an error:
// guessing would read the wrong path.
func (c *Client) mountOf(ctx context.Context, path string) (mount, error) {
	s, err := c.get(ctx, "sys/internal/ui/mounts/"+path, nil)
	if status := statusOf(err); status == 404 || status == 403 {
		return mount{}, nil
	}
	if err != nil || s == nil {
		return mount{}, err
	}
	m := mount{path: relativeMountPath(stringAt(s.Data, "path"), path)}
	typ := stringAt(s.Data, "type")
	opts, _ := s.Data["options"].(map[string]any)
	m.kv2 = (typ == "kv" || typ == "generic") && stringAt(opts, "version") == "2" && m.path != ""
	return m, nil
}

// relativeMountPath is the mount path as the start of path. Vault names a
// mount in a child namespace with the namespace's whole path: asked with
// the namespace ns1 about ns2/secret/data/x, it answers ns1/ns2/secret/.
// The longest tail of that answer, cut between segments, that path starts
// with is the mount as the request named it (ns2/secret/), as the vault
// CLI reads it. An answer that no tail of fits holds no mount of path's:
// "" (unknown), so the path is read as written.
func relativeMountPath(answer, path string) string {
	for tail := answer; tail != ""; {
		if strings.HasPrefix(path, tail) {
			return tail
		}
		_, rest, ok := strings.Cut(tail, "/")
		if !ok {
			break
		}
		tail = rest
	}
	return ""
}

func stringAt(m map[string]any, key string) string {
	s, _ := m[key].(string)
	return s
}
