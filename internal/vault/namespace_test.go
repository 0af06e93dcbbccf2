package vault_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/federate-action/federate/internal/vault"
)

// childNamespaceKV is Vault Enterprise seen from the namespace ns1: KV v2
// mounted at secret/ in its child namespace ns2. As Vault does, the mount
// lookup names the mount with the namespace's whole path (ns1/ns2/secret/),
// while reads take the path relative to the request's namespace.
func childNamespaceKV(t *testing.T) *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		assert.Equal(t, "ns1", r.Header.Get("X-Vault-Namespace"))
		path := strings.TrimPrefix(r.URL.Path, "/v1/")
		if asked, ok := strings.CutPrefix(path, "sys/internal/ui/mounts/"); ok {
			if !strings.HasPrefix(asked, "ns2/secret/") {
				w.WriteHeader(http.StatusNotFound)
				return
			}
			writeJSON(w, map[string]any{"data": map[string]any{"path": "ns1/ns2/secret/", "type": "kv", "options": map[string]any{"version": "2"}}})
			return
		}
		if name, ok := strings.CutPrefix(path, "ns2/secret/data/"); ok {
			writeJSON(w, map[string]any{"data": map[string]any{"data": map[string]any{"value": name}, "metadata": map[string]any{"version": 1}}})
			return
		}
		w.WriteHeader(http.StatusNotFound)
	}))
}

func TestReadAll_ReadsAMountOfAChildNamespaceNamedInThePath(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, path, wantAPIPath string
	}{
		{"kv2_path_written_with_data", "ns2/secret/data/ci/a", "ns2/secret/data/ci/a"},
		{"kv2_path_written_without_data", "ns2/secret/ci/b", "ns2/secret/data/ci/b"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			server := childNamespaceKV(t)
			defer server.Close()
			c, err := vault.New(vault.Options{Address: server.URL, Namespace: "ns1"})
			require.NoError(t, err)
			got, err := c.ReadAll(context.Background(), []string{tt.path}, 64)
			require.NoError(t, err)
			s := got[tt.path]
			assert.True(t, s.Found, "%s read as %s", tt.path, s.APIPath)
			assert.Equal(t, tt.wantAPIPath, s.APIPath)
			assert.Equal(t, strings.TrimPrefix(tt.wantAPIPath, "ns2/secret/data/"), s.Data["value"])
		})
	}
}
