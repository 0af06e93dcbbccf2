package export_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/federate-action/federate/internal/export"
	"github.com/federate-action/federate/internal/secret"
)

func TestSet_SecretValuesAreMaskedAndRedacted(t *testing.T) {
	t.Parallel()
	var s export.Set
	require.NoError(t, s.Env("AWS_SECRET_ACCESS_KEY", export.Secret(secret.New("s3cr3t")), "role-to-assume"))
	require.NoError(t, s.Env("AWS_REGION", export.Public("us-east-1"), "role-to-assume"))

	require.Len(t, s.Masks(), 1)
	assert.Equal(t, "s3cr3t", s.Masks()[0].Reveal())
	assert.Equal(t, "***", fmt.Sprint(s.EnvVars()[0].Value))
	assert.Equal(t, "us-east-1", fmt.Sprint(s.EnvVars()[1].Value))
	assert.Equal(t, "s3cr3t", s.EnvVars()[0].Value.Reveal())
}

func TestSet_RefusesATakenName(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		add  func(s *export.Set, source string) error
		want string
	}{
		{"env_var", func(s *export.Set, src string) error { return s.Env("TOKEN", export.Public("x"), src) },
			"env var TOKEN is set twice: by first and by second"},
		{"output", func(s *export.Set, src string) error { return s.Output("token", export.Public("x"), src) },
			"output token is set twice: by first and by second"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var s export.Set
			require.NoError(t, tt.add(&s, "first"))
			err := tt.add(&s, "second")
			var c *export.CollisionError
			require.ErrorAs(t, err, &c)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestSet_EnvAndOutputMayShareAName(t *testing.T) {
	t.Parallel()
	var s export.Set
	require.NoError(t, s.Env("NPM_TOKEN", export.Public("x"), "a"))
	require.NoError(t, s.Output("NPM_TOKEN", export.Public("x"), "a"))
}

func TestSet_RefusesNamesLaterStepsCannotUse(t *testing.T) {
	t.Parallel()
	env := func(name string) func(s *export.Set) error {
		return func(s *export.Set) error { return s.Env(name, export.Public("x"), "entry 3") }
	}
	output := func(name string) func(s *export.Set) error {
		return func(s *export.Set) error { return s.Output(name, export.Public("x"), "entry 3") }
	}
	state := func(name string) func(s *export.Set) error {
		return func(s *export.Set) error { return s.State(name, export.Public("x"), "entry 3") }
	}
	tests := []struct {
		name        string
		add         func(s *export.Set) error
		wantKind    string
		wantRefused bool
		wantReason  string
	}{
		{"env_node_options", env("NODE_OPTIONS"), "env var", true, "the runner refuses to set NODE_OPTIONS"},
		{"env_node_options_lower_case", env("node_options"), "env var", true, "whatever its letter case"},
		{"env_node_options_mixed_case", env("Node_Options"), "env var", true, "the runner refuses"},
		{"env_with_a_dash", env("MY-VAR"), "env var", false, "use only letters, digits and '_'"},
		{"env_with_a_digit_first", env("1VAR"), "env var", false, "it starts with a digit"},
		{"env_with_equals", env("A=B"), "env var", false, "use only letters"},
		{"env_with_heredoc_marker", env("A<<B"), "env var", false, "use only letters"},
		{"env_with_a_nul", env("A\x00B"), "env var", false, "use only letters"},
		{"env_outside_ascii", env("ПАРОЛЬ"), "env var", false, "letters other than A-Z and a-z"},
		{"env_empty", env(""), "env var", false, "it is empty"},
		{"output_with_newline", output("a\nb"), "output", false, "use only letters, digits, '_' and '-'"},
		{"output_empty", output(""), "output", false, "it is empty"},
		{"state_with_a_space", state("a b"), "state", false, "use only letters"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var s export.Set
			err := tt.add(&s)
			var bad *export.NameError
			require.ErrorAs(t, err, &bad)
			assert.Equal(t, tt.wantKind, bad.Kind)
			assert.Equal(t, tt.wantRefused, bad.Refused)
			assert.Equal(t, "entry 3", bad.Source)
			assert.Contains(t, bad.Reason, tt.wantReason)
			assert.Contains(t, err.Error(), "(from entry 3)")
			assert.Empty(t, s.EnvVars())
			assert.Empty(t, s.Outputs())
			assert.Empty(t, s.StateVars())
		})
	}
}

func TestSet_AcceptsWhatTheRunnerAccepts(t *testing.T) {
	t.Parallel()
	var s export.Set
	require.NoError(t, s.Env("NODE_OPTIONS_EXTRA", export.Public("x"), "a"), "only the exact name is refused")
	require.NoError(t, s.Env("_node", export.Public("x"), "a"))
	require.NoError(t, s.Output("node_options", export.Public("x"), "a"), "outputs are not refused")
	require.NoError(t, s.Output("aws-account-id", export.Public("x"), "a"))
	require.NoError(t, s.State("vault-token", export.Public("x"), "a"))
}

func TestRunnerRefuses_FoldsASCIICaseOnly(t *testing.T) {
	t.Parallel()
	assert.True(t, export.RunnerRefuses("nOdE_oPtIoNs"))
	// OrdinalIgnoreCase does not fold the Kelvin sign to k; strings.EqualFold does.
	assert.False(t, export.RunnerRefuses("NODE_OPTIONS\u212a"))
	assert.False(t, export.RunnerRefuses("NODE_OPTION"))
}

// A NUL ends a value in every process environment (execve), so a later
// step would get, and could print unmasked, only the part before it.
func TestSet_RefusesAValueWithANul(t *testing.T) {
	t.Parallel()
	const value = "s3cr3t-head\x00s3cr3t-tail"
	tests := []struct {
		name string
		add  func(s *export.Set, v export.Value) error
		kind string
	}{
		{"env", func(s *export.Set, v export.Value) error { return s.Env("TOKEN", v, "vault-secrets entry 1") }, "env var"},
		{"output", func(s *export.Set, v export.Value) error { return s.Output("token", v, "vault-secrets entry 1") }, "output"},
		{"state", func(s *export.Set, v export.Value) error { return s.State("token", v, "vault-secrets entry 1") }, "state"},
	}
	for _, tt := range tests {
		for _, v := range []export.Value{export.Secret(secret.New(value)), export.Public(value)} {
			t.Run(fmt.Sprintf("%s_secret_%t", tt.name, v.IsSecret()), func(t *testing.T) {
				t.Parallel()
				var s export.Set
				err := tt.add(&s, v)
				var bad *export.ValueError
				require.ErrorAs(t, err, &bad)
				assert.Equal(t, tt.kind, bad.Kind)
				assert.Contains(t, err.Error(), "vault-secrets entry 1")
				assert.Contains(t, err.Error(), "NUL byte")
				assert.NotContains(t, err.Error(), "s3cr3t", "the value is never shown")
				assert.Empty(t, s.EnvVars())
				assert.Empty(t, s.Outputs())
				assert.Empty(t, s.StateVars())
			})
		}
	}
}
