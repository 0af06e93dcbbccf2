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
	for _, p := range paths {
		wg.Add(1)
		go func() {
			defer wg.Done()
			slots <- struct{}{}
			defer func() { <-slots }()
			s, err := c.read(ctx, p)
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
// written without data/ costs a second.
func (c *Client) read(ctx context.Context, path string) (Secret, error) {
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
	m := c.mountOf(ctx, raw)

	apiPath := raw
	if m.kv2 && !strings.HasPrefix(strings.TrimPrefix(raw, m.path), "data/") {
		apiPath = m.path + "data/" + strings.TrimPrefix(raw, m.path)
		cancelLiteral()
	}
	var a answer
	if apiPath == raw {
		a = <-literal
	} else {
		a.s, a.err = c.get(ctx, apiPath, params)
	}
	return result(path, apiPath, m.kv2, a.s, a.err)
}

// result turns a read's answer into a Secret or a *ReadError.
func result(path, apiPath string, kv2 bool, s *api.Secret, err error) (Secret, error) {
	switch status := statusOf(err); {
	case status == 404 || (err == nil && s == nil):
		return Secret{Path: path, APIPath: apiPath}, nil
	case status == 403:
		return Secret{}, &ReadError{Path: path, APIPath: apiPath, Reason: reasons(err), Err: err}
	case err != nil:
		return Secret{}, &ReadError{Path: path, APIPath: apiPath, Reason: err.Error(), Err: err}
	}
	data := s.Data
	if kv2 {
		inner, ok := s.Data["data"].(map[string]any)
		if !ok { // a deleted or destroyed version
			return Secret{Path: path, APIPath: apiPath}, nil
		}
		data = inner
	}
	return Secret{Path: path, APIPath: apiPath, Data: data, Found: true}, nil
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
			return err
		}
		s, err = api.ParseSecret(resp.Body)
		return err
	})
	return s, err
}

// mount is what Vault says about the mount a path is under.
type mount struct {
	path string // with a trailing slash, e.g. "secret/"
	kv2  bool
}

// mountOf asks Vault which mount holds path. Any failure (an old Vault, a
// policy without access) means "unknown": the path is then read as written.
func (c *Client) mountOf(ctx context.Context, path string) mount {
	s, err := c.get(ctx, "sys/internal/ui/mounts/"+path, nil)
	if err != nil || s == nil {
		return mount{}
	}
	m := mount{path: stringAt(s.Data, "path")}
	typ := stringAt(s.Data, "type")
	opts, _ := s.Data["options"].(map[string]any)
	m.kv2 = (typ == "kv" || typ == "generic") && stringAt(opts, "version") == "2" && m.path != ""
	return m
}

func stringAt(m map[string]any, key string) string {
	s, _ := m[key].(string)
	return s
}
