package vault_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/federate-action/federate/internal/retry"
	"github.com/federate-action/federate/internal/vault"
)

// fakeKV serves mount lookups and reads for a few mounts: "secret/" and
// "team/a/" are KV v2, "team/b/" is KV v1; any other path is not found.
// It counts the mount lookups by the path they asked about.
type fakeKV struct {
	mu      sync.Mutex
	lookups []string
	// lookupStatus, when set, answers every mount lookup with it.
	lookupStatus int
}

func (f *fakeKV) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	path := strings.TrimPrefix(r.URL.Path, "/v1/")
	if asked, ok := strings.CutPrefix(path, "sys/internal/ui/mounts/"); ok {
		f.mu.Lock()
		f.lookups = append(f.lookups, asked)
		f.mu.Unlock()
		if f.lookupStatus != 0 {
			w.WriteHeader(f.lookupStatus)
			return
		}
		for _, m := range []struct{ path, version string }{{"secret/", "2"}, {"team/a/", "2"}, {"team/b/", "1"}} {
			if strings.HasPrefix(asked, m.path) {
				writeJSON(w, map[string]any{"data": map[string]any{"path": m.path, "type": "kv", "options": map[string]any{"version": m.version}}})
				return
			}
		}
		w.WriteHeader(http.StatusNotFound)
		return
	}
	name := path[strings.LastIndexByte(path, '/')+1:]
	switch {
	case strings.HasPrefix(path, "secret/data/"), strings.HasPrefix(path, "team/a/data/"):
		writeJSON(w, map[string]any{"data": map[string]any{"data": map[string]any{"value": name}, "metadata": map[string]any{"version": 1}}})
	case strings.HasPrefix(path, "team/b/"):
		writeJSON(w, map[string]any{"data": map[string]any{"value": name}})
	default:
		w.WriteHeader(http.StatusNotFound)
	}
}

// newFakeKVClient starts a fakeKV that answers every mount lookup with
// lookupStatus (0: as its mounts say) and a client of it that makes
// attempts tries per request.
func newFakeKVClient(t *testing.T, lookupStatus, attempts int) (*fakeKV, *vault.Client) {
	t.Helper()
	fake := &fakeKV{lookupStatus: lookupStatus}
	server := httptest.NewServer(fake)
	t.Cleanup(server.Close)
	c, err := vault.New(vault.Options{Address: server.URL, Retry: retry.Policy{MaxAttempts: attempts}})
	require.NoError(t, err)
	return fake, c
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

func TestReadAll_PathsOfOneDirectoryShareOneMountLookup(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name         string
		paths        []string
		lookupStatus int
		wantLookups  int
		wantValues   map[string]string // path -> the value read; "" for not found
		wantAPIPaths map[string]string
	}{
		{
			name:         "five_paths_under_one_directory_ask_once",
			paths:        []string{"secret/data/ci/a", "secret/data/ci/b", "secret/data/ci/c", "secret/data/ci/d", "secret/data/ci/e"},
			wantLookups:  1,
			wantValues:   map[string]string{"secret/data/ci/a": "a", "secret/data/ci/b": "b", "secret/data/ci/c": "c", "secret/data/ci/d": "d", "secret/data/ci/e": "e"},
			wantAPIPaths: map[string]string{"secret/data/ci/a": "secret/data/ci/a", "secret/data/ci/e": "secret/data/ci/e"},
		},
		{
			name:         "kv2_paths_without_data_still_gain_it",
			paths:        []string{"secret/x", "secret/y"},
			wantLookups:  1,
			wantValues:   map[string]string{"secret/x": "x", "secret/y": "y"},
			wantAPIPaths: map[string]string{"secret/x": "secret/data/x", "secret/y": "secret/data/y"},
		},
		{
			name:        "sibling_mounts_under_one_prefix_each_get_their_own",
			paths:       []string{"team/a/data/app", "team/b/data/app", "team/a/data/db", "team/b/data/db"},
			wantLookups: 2,
			// team/b/ is KV v1: data/ is part of the secret's name, nothing unwrapped.
			wantValues:   map[string]string{"team/a/data/app": "app", "team/b/data/app": "app", "team/a/data/db": "db", "team/b/data/db": "db"},
			wantAPIPaths: map[string]string{"team/a/data/app": "team/a/data/app", "team/b/data/db": "team/b/data/db"},
		},
		{
			name:         "paths_in_no_known_mount_are_each_looked_up",
			paths:        []string{"team/x", "team/y"},
			wantLookups:  2,
			wantValues:   map[string]string{"team/x": "", "team/y": ""},
			wantAPIPaths: map[string]string{"team/x": "team/x", "team/y": "team/y"},
		},
		{
			name:         "a_refused_lookup_is_asked_again_for_each_path",
			paths:        []string{"secret/data/ci/a", "secret/data/ci/b", "secret/data/ci/c"},
			lookupStatus: http.StatusForbidden,
			wantLookups:  3,
			// No mount known: read as written, the KV v2 envelope kept.
			wantAPIPaths: map[string]string{"secret/data/ci/a": "secret/data/ci/a", "secret/data/ci/c": "secret/data/ci/c"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fake, c := newFakeKVClient(t, tt.lookupStatus, 1)
			got, err := c.ReadAll(context.Background(), tt.paths, 64)
			require.NoError(t, err)
			assert.Len(t, fake.lookups, tt.wantLookups, "mount lookups: %v", fake.lookups)
			for path, want := range tt.wantValues {
				s := got[path]
				if want == "" {
					assert.False(t, s.Found, path)
					continue
				}
				assert.True(t, s.Found, path)
				assert.Equal(t, want, s.Data["value"], path)
			}
			for path, want := range tt.wantAPIPaths {
				assert.Equal(t, want, got[path].APIPath, path)
			}
		})
	}
}

// A lookup that failed after its retries fails the directory's other
// paths with its error at once, naming the request that failed; asking
// again would only run a second round of retries after the first. A lookup
// Vault answered with a refusal that may be the path's own is no answer
// for the others: each asks on its own, as when nothing was shared.
func TestReadAll_AFailedSharedLookup(t *testing.T) {
	t.Parallel()
	paths := []string{"secret/data/ci/a", "secret/data/ci/b", "secret/data/ci/c"}
	tests := []struct {
		name        string
		status      int
		wantLookups int
		ownRequest  bool // each path's error names its own lookup
	}{
		{"unavailable_fails_the_others_after_one_round_of_retries", http.StatusServiceUnavailable, 2, false},
		{"throttled_fails_the_others_after_one_round_of_retries", http.StatusTooManyRequests, 2, false},
		{"refused_as_a_bad_request_lets_each_path_ask", http.StatusBadRequest, len(paths), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fake, c := newFakeKVClient(t, tt.status, 2)
			got, err := c.ReadAll(context.Background(), paths, 64)
			require.Error(t, err)
			assert.Empty(t, got)
			assert.Len(t, fake.lookups, tt.wantLookups)
			for _, p := range paths {
				asked := fake.lookups[0]
				if tt.ownRequest {
					asked = p
				}
				assert.Contains(t, err.Error(), "reading "+p+" (sys/internal/ui/mounts/"+asked+")")
			}
		})
	}
}
