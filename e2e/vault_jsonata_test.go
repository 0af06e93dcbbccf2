package e2e

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/federate-action/federate/internal/runner/runnertest"
	"github.com/federate-action/federate/internal/testbed"
)

// TestVault_JSONataSelectors reads a nested secret with JSONata selectors,
// as vault-action users write them: a function, a filter yielding an
// array (exported as JSON text), a concatenation, and a key path mapped
// over an array. Every value and every leaf of the array is masked.
func TestVault_JSONataSelectors(t *testing.T) {
	t.Parallel()
	bin, v, tokens := vaultServer(t)
	putSecret(t, v, "secret/data/jsonata", map[string]any{
		"servers": []any{
			map[string]any{"host": "db1.internal", "role": "db", "pass": "pw-one-1234"},
			map[string]any{"host": "db2.internal", "role": "db", "pass": "pw-two-5678"},
			map[string]any{"host": "web.internal", "role": "web", "pass": "pw-web-9012"},
		},
		"creds": map[string]any{"user": "admin", "pass": "s3cr3t-pass"},
	})
	secrets := strings.Join([]string{
		`secret/data/jsonata $join(servers[role="db"].host, ",") | DB_HOSTS`,
		`secret/data/jsonata servers[role="db"] | DB_SERVERS;`,
		`secret/data/jsonata creds.user & ":" & creds.pass | BASIC_AUTH`,
		`secret/data/jsonata servers.host | ALL_HOSTS`,
		`secret/data/jsonata $count(servers) | SERVER_COUNT`,
	}, "\n")
	res := run(t, testbed.Step{Binary: bin, Inputs: vaultInputs(v, secrets), Env: tlsEnv(t, tokens)})
	require.Equal(t, 0, res.ExitCode, res.Stdout)

	dbServers := `[{"host":"db1.internal","pass":"pw-one-1234","role":"db"},{"host":"db2.internal","pass":"pw-two-5678","role":"db"}]`
	want := map[string]string{
		"DB_HOSTS": "db1.internal,db2.internal", "DB_SERVERS": dbServers, "BASIC_AUTH": "admin:s3cr3t-pass",
		"ALL_HOSTS": `["db1.internal","db2.internal","web.internal"]`, "SERVER_COUNT": "3",
	}
	assert.Equal(t, want, runnertest.ToMap(res.Env))
	assert.Equal(t, want, runnertest.ToMap(res.Outputs))
	assert.Subset(t, runnertest.Masks(res.Stdout), []string{
		"db1.internal,db2.internal", dbServers, "admin:s3cr3t-pass", "pw-one-1234", "pw-two-5678", "db1.internal", "web.internal",
	})
	assert.NotContains(t, runnertest.Masks(res.Stdout), "pw-web-9012", "a leaf the selector did not pick is not masked")
}

// A JSONata selector is compiled when the input is parsed: a syntax error,
// or an expression without "| NAME", fails the step before any request,
// with the line and column of the entry.
func TestVault_JSONataSelectorErrorsBeforeAnyRequest(t *testing.T) {
	t.Parallel()
	bin, v, tokens := vaultServer(t)
	tests := []struct {
		name, secrets, want string
	}{
		{"syntax_error", "secret/data/app npmToken;\nsecret/data/jsonata $count(servers | N",
			"vault-secrets entry 2 (line 2, column 34): invalid JSONata selector: expected token ')' before end of expression"},
		{"expression_without_a_name", "secret/data/jsonata $count(servers)",
			"vault-secrets entry 1 (line 1, column 21): You must provide a name for the output key when using json selectors"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			res := run(t, testbed.Step{Binary: bin, Inputs: vaultInputs(v, tt.secrets), Env: tlsEnv(t, tokens)})
			assert.NotEqual(t, 0, res.ExitCode)
			assert.Contains(t, strings.Join(errorAnnotations(res.Stdout), "\n"), tt.want)
			assert.Empty(t, res.Env)
		})
	}
}
