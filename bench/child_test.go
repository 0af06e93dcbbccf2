package main

import (
	"context"
	"os"
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRunChild_sets_the_runners_default_variables runs a shell as the
// step: configure-aws-credentials refuses to assume a role when any of
// these is missing, so the peer row would time its retries instead.
func TestRunChild_sets_the_runners_default_variables(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, variable string
	}{
		{"repository_is_set", "GITHUB_REPOSITORY"},
		{"workflow_is_set", "GITHUB_WORKFLOW"},
		{"action_is_set", "GITHUB_ACTION"},
		{"actor_is_set", "GITHUB_ACTOR"},
		{"sha_is_set", "GITHUB_SHA"},
		{"workspace_is_set", "GITHUB_WORKSPACE"},
		{"ref_is_set", "GITHUB_REF"},
		{"run_id_is_set", "GITHUB_RUN_ID"},
		{"event_payload_exists", "GITHUB_EVENT_PATH"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			script := `test -n "$` + tc.variable + `"`
			if tc.variable == "GITHUB_EVENT_PATH" {
				script = `test -s "$GITHUB_EVENT_PATH"`
			}
			_, err := runChild(context.Background(), t.TempDir(), []string{"/bin/sh", "-c", script}, nil, nil)
			require.NoError(t, err)
		})
	}
}

// TestRunChild_env_overrides_the_runners_variables keeps the step's env
// (the token service, the trust store) in charge of what it names.
func TestRunChild_env_overrides_the_runners_variables(t *testing.T) {
	t.Parallel()
	env := map[string]string{"GITHUB_SHA": "0123456789abcdef0123456789abcdef01234567"}
	_, err := runChild(context.Background(), t.TempDir(), []string{"/bin/sh", "-c", `test "$GITHUB_SHA" = 0123456789abcdef0123456789abcdef01234567`}, nil, env)
	require.NoError(t, err)
}

// TestPeakRSSRun_reports_the_childs_size_not_the_benchs holds 64 MB in
// the test process while a tiny child runs: the child's peak must not
// come out anywhere near that.
func TestPeakRSSRun_reports_the_childs_size_not_the_benchs(t *testing.T) {
	t.Parallel()
	if _, err := os.Stat("/usr/bin/time"); err != nil {
		t.Skip("no /usr/bin/time")
	}
	held := make([]byte, 64<<20)
	for i := range held {
		held[i] = 1
	}
	kb, err := peakRSSRun(context.Background(), t.TempDir(), []string{"/bin/true"}, nil, nil)
	require.NoError(t, err)
	runtime.KeepAlive(held)
	assert.Positive(t, kb)
	assert.Less(t, kb, int64(16<<10), "peak RSS of /bin/true, in KB")
}
