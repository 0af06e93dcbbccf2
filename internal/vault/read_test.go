package vault

import (
	"errors"
	"fmt"
	"testing"

	"github.com/hashicorp/vault/api"
	"github.com/stretchr/testify/assert"

	"github.com/federate-action/federate/internal/retry"
)

func TestMount_Resolve(t *testing.T) {
	t.Parallel()
	kv2 := mount{path: "secret/", kv2: true}
	tests := []struct {
		name       string
		m          mount
		raw        string
		wantPath   string
		wantUnwrap bool
	}{
		{"kv2_data_path_as_written", kv2, "secret/data/app", "secret/data/app", true},
		{"kv2_path_without_data_gains_it", kv2, "secret/app", "secret/data/app", true},
		{"kv2_nested_path_without_data", kv2, "secret/team/app", "secret/data/team/app", true},
		{"kv2_metadata_read_as_written", kv2, "secret/metadata/app", "secret/metadata/app", false},
		{"kv2_subkeys_read_as_written", kv2, "secret/subkeys/app", "secret/subkeys/app", false},
		{"kv2_under_a_nested_mount", mount{path: "team/kv/", kv2: true}, "team/kv/app", "team/kv/data/app", true},
		{"kv1_as_written", mount{path: "kv1/"}, "kv1/data/app", "kv1/data/app", false},
		{"unknown_mount_as_written", mount{}, "aws/creds/deploy", "aws/creds/deploy", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			path, unwrap := tt.m.resolve(tt.raw)
			assert.Equal(t, tt.wantPath, path)
			assert.Equal(t, tt.wantUnwrap, unwrap)
		})
	}
}

func TestTransient(t *testing.T) {
	t.Parallel()
	status := func(code int) error { return fmt.Errorf("x: %w", &api.ResponseError{StatusCode: code}) }
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"server_error", status(500), true},
		{"unavailable", status(503), true},
		{"rate_limited", status(429), true},
		{"performance_standby_behind", status(412), true},
		{"forbidden", status(403), false},
		{"not_found", status(404), false},
		{"bad_request", status(400), false},
		{"plain_error", errors.New("boom"), false},
		{"exhausted_wraps_its_cause", &retry.ExhaustedError{Err: status(403)}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, transient(tt.err))
		})
	}
}

func TestReasons_NeverRepeatAnAnswerThatIsNotVaults(t *testing.T) {
	t.Parallel()
	raw := &api.ResponseError{StatusCode: 400, RawError: true, Errors: []string{"<html>you sent secret_id=hunter2</html>"}}
	assert.NotContains(t, reasons(raw), "hunter2")
	assert.Contains(t, reasons(raw), "HTTP 400")
	vaults := &api.ResponseError{StatusCode: 400, Errors: []string{`error validating claims: claim "sub" does not match`}}
	assert.Equal(t, `error validating claims: claim "sub" does not match`, reasons(vaults))
}
