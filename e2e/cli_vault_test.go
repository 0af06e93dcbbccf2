package e2e

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// cliVaultArgs are the tutorial's Vault flags against the test server.
func cliVaultArgs(url string) []string {
	return []string{"--vault-url", url, "--vault-role", tutorialRole, "--vault-secrets", "secret/data/app npmToken | NPM_TOKEN"}
}

func TestCLI_ExecRevokesTheVaultTokenWhenTheCommandEnds(t *testing.T) {
	t.Parallel()
	bin, v, tokens := vaultServer(t)
	dir := cliDir(t)
	before := listing(t, dir)
	// The token is exported to the command, and still revoked after it:
	// nothing else holds it.
	args := append(append([]string{"exec", "--vault-export-token"}, cliVaultArgs(v.URL)...), "--",
		"sh", "-c", `printf '%s\n%s\n' "$NPM_TOKEN" "$VAULT_TOKEN"`)
	res := runCLI(t, bin, dir, tlsEnv(t, tokens), args...)
	require.Equal(t, 0, res.code, res.stderr)
	lines := strings.Split(strings.TrimSuffix(res.stdout, "\n"), "\n")
	require.Len(t, lines, 2, res.stdout)
	assert.Equal(t, "npm-123", lines[0])
	require.True(t, strings.HasPrefix(lines[1], "hvs."), lines[1])
	assert.False(t, tokenWorks(t, v, lines[1]), "the token is revoked once the command has ended")
	assert.Equal(t, before, listing(t, dir))
}

func TestCLI_EnvKeepsTheVaultTokenOnlyWhenExported(t *testing.T) {
	t.Parallel()
	bin, v, tokens := vaultServer(t)
	t.Run("exported_token_outlives_env", func(t *testing.T) {
		args := append([]string{"env", "--format", "json", "--vault-export-token"}, cliVaultArgs(v.URL)...)
		res := runCLI(t, bin, cliDir(t), tlsEnv(t, tokens), args...)
		require.Equal(t, 0, res.code, res.stderr)
		var got map[string]string
		require.NoError(t, json.Unmarshal([]byte(res.stdout), &got))
		assert.Equal(t, "npm-123", got["NPM_TOKEN"])
		assert.Equal(t, v.URL, got["VAULT_ADDR"])
		assert.True(t, tokenWorks(t, v, got["VAULT_TOKEN"]), "VAULT_TOKEN is printed to be used")
	})
	t.Run("token_not_exported_is_revoked", func(t *testing.T) {
		args := append([]string{"env", "--format", "json", "--verbose"}, cliVaultArgs(v.URL)...)
		res := runCLI(t, bin, cliDir(t), tlsEnv(t, tokens), args...)
		require.Equal(t, 0, res.code, res.stderr)
		var got map[string]string
		require.NoError(t, json.Unmarshal([]byte(res.stdout), &got))
		assert.Equal(t, map[string]string{"NPM_TOKEN": "npm-123"}, got)
		assert.Contains(t, res.stderr, "federate: Vault token revoked")
		assert.NotContains(t, res.stderr, "hvs.", "--verbose shows no token")
	})
}
