package app_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/federate-action/federate/internal/app"
)

// countingVault logs in anyone with AppRole, serves one KV v2 secret and
// counts revocations.
type countingVault struct {
	*httptest.Server
	revokes atomic.Int32
}

func newCountingVault(t *testing.T) *countingVault {
	t.Helper()
	v := &countingVault{}
	v.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/v1/auth/approle/login":
			_, _ = w.Write([]byte(`{"auth":{"client_token":"hvs.counted","accessor":"acc","renewable":true}}`))
		case "/v1/auth/token/revoke-self":
			v.revokes.Add(1)
			w.WriteHeader(http.StatusNoContent)
		case "/v1/sys/internal/ui/mounts/secret/data/x":
			_, _ = w.Write([]byte(`{"data":{"type":"kv","path":"secret/","options":{"version":"2"}}}`))
		case "/v1/secret/data/x":
			_, _ = w.Write([]byte(`{"data":{"data":{"key":"value-x"}}}`))
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(v.Close)
	return v
}

func TestCompute_LeavesTheSetUncommittedUntilFinish(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		finish  func(*app.Result)
		revokes int32
	}{
		{name: "finish_revokes_a_token_the_plan_does_not_keep", finish: func(r *app.Result) { r.Finish(context.Background(), true) }, revokes: 1},
		{name: "revoke_revokes", finish: func(r *app.Result) { r.Revoke(context.Background()) }, revokes: 1},
		{name: "only_the_first_call_counts", finish: func(r *app.Result) {
			r.Revoke(context.Background())
			r.Finish(context.Background(), false)
		}, revokes: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			v := newCountingVault(t)
			env := approleStep(t, v.URL, "30")
			var stdout bytes.Buffer
			res, err := app.Compute(context.Background(), app.Deps{Getenv: func(k string) string { return env[k] },
				Stdout: &stdout, HTTP: plainClient(), Now: time.Now, Rand: rand.Reader})
			require.NoError(t, err, stdout.String())

			vars := res.Set.EnvVars()
			require.Len(t, vars, 1)
			assert.Equal(t, "X", vars[0].Name)
			assert.Equal(t, "value-x", vars[0].Value.Reveal())
			assert.Empty(t, exported(t, env), "nothing is committed")
			assert.NotContains(t, stdout.String(), "value-x", "not even a mask is printed before a commit")
			assert.Zero(t, v.revokes.Load(), "the token lives until Finish or Revoke")

			tt.finish(res)
			assert.Equal(t, tt.revokes, v.revokes.Load())
		})
	}
}
