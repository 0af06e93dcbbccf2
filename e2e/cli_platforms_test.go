package e2e

import (
	"context"
	"encoding/json"
	"os/exec"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/federate-action/federate/internal/idtoken/idtokentest"
	"github.com/federate-action/federate/internal/testbed"
)

// cliPlatform is one CI's job as the command line meets it: a Vault
// mount bound to the CI's issuer, and a fresh job environment per run.
type cliPlatform struct {
	ciPlatform
	tokens *idtokentest.Server
	mount  string
}

// cliPlatforms mounts, on the shared Vault, one jwt auth per CI at
// jwt-PREFIX-PLATFORM. CircleCI's V1 token is left to the step's test.
func cliPlatforms(t *testing.T, v *testbed.Vault, prefix string) []cliPlatform {
	t.Helper()
	var out []cliPlatform
	for _, p := range ciPlatforms() {
		if p.platform == idtokentest.CircleCI {
			continue
		}
		tokens := tokenServer(t, idtokentest.Config{TLS: true, Platform: p.platform})
		mount := "jwt-" + prefix + "-" + strings.ReplaceAll(p.platform, "-", "")
		platformVault(t, v, tokens, mount, p.vaultAud, p.subGlob)
		out = append(out, cliPlatform{ciPlatform: p, tokens: tokens, mount: mount})
	}
	return out
}

// job returns the CI job's environment (no GitHub variable in it) and the
// flags for the role on moto and the secret on Vault. The buildkite-agent
// stand-in, if any, lives in agentDir, outside the run's directories.
func (p cliPlatform) job(t *testing.T, moto *testbed.Moto, v *testbed.Vault, agentDir string) (map[string]string, []string) {
	t.Helper()
	env, in := p.setup(t, p.tokens, agentDir)
	args := append(cliRoleArgs(moto.URL), "--vault-url", v.URL, "--vault-path", p.mount, "--vault-role", "ci",
		"--vault-secrets", "secret/data/aws accessKey | VAULT_ACCESS_KEY ;")
	names := make([]string, 0, len(in))
	for name := range in {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		args = append(args, "--"+name, in[name])
	}
	return env, args
}

// revoked reports whether Vault, asked with the root token, no longer
// knows token.
func revoked(t *testing.T, v *testbed.Vault, token string) bool {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, err := v.API(ctx, "POST", "auth/token/lookup", map[string]any{"token": token})
	return err != nil && strings.Contains(err.Error(), "bad token")
}

func TestCLIPlatforms_ExecGivesOnlyTheCommandTheCredentials(t *testing.T) {
	t.Parallel()
	bin, moto := servers(t)
	_, v, _ := vaultServer(t)
	for _, p := range cliPlatforms(t, v, "exec") {
		t.Run(p.name, func(t *testing.T) {
			t.Parallel()
			agentDir := t.TempDir()
			env, args := p.job(t, moto, v, agentDir)
			dir := cliDir(t)
			before := listing(t, dir)
			// $PPID is federate itself: its environment must hold none of
			// what it hands the command.
			script := `printf '%s\n%s\n%s\n' "$AWS_ACCESS_KEY_ID" "$VAULT_ACCESS_KEY" "$VAULT_TOKEN"
own=$(tr '\0' '\n' < /proc/$PPID/environ)
if ! printf '%s\n' "$own" | grep -q '^HOME='; then echo parent-unreadable
elif printf '%s\n' "$own" | grep -q -E '^(AWS_(ACCESS_KEY_ID|SECRET_ACCESS_KEY|SESSION_TOKEN|REGION|DEFAULT_REGION)|VAULT_(ACCESS_KEY|TOKEN|ADDR))='; then echo parent-has-them; else echo parent-clean; fi
exit 7`
			args = append(append([]string{"exec", "--vault-export-token"}, args...), "--", "sh", "-c", script)
			res := runCLI(t, bin, dir, env, args...)

			assert.Equal(t, 7, res.code, "the command's exit code: %s", res.stderr)
			lines := strings.Split(strings.TrimSuffix(res.stdout, "\n"), "\n")
			require.Len(t, lines, 4, "stdout is the command's only: %q\nstderr: %s", res.stdout, res.stderr)
			assert.Regexp(t, `^ASIA[A-Z0-9]{16}$`, lines[0])
			assert.Equal(t, "test", lines[1])
			require.True(t, strings.HasPrefix(lines[2], "hvs."), lines[2])
			assert.Equal(t, "parent-clean", lines[3])
			for _, secret := range lines[:3] {
				assert.NotContains(t, res.stderr, secret, "nothing secret is printed")
			}
			assert.True(t, revoked(t, v, lines[2]), "the Vault token is revoked once the command has ended")
			assert.Equal(t, before, listing(t, dir), "nothing is written to the working, home or temp directory")
			if p.check != nil {
				p.check(t, agentDir)
			}
		})
	}
}

func TestCLIPlatforms_EnvFormats(t *testing.T) {
	t.Parallel()
	bin, moto := servers(t)
	_, v, _ := vaultServer(t)
	for _, p := range cliPlatforms(t, v, "env") {
		for _, format := range []string{"shell", "dotenv", "json"} {
			t.Run(p.name+"/"+format, func(t *testing.T) {
				t.Parallel()
				env, args := p.job(t, moto, v, t.TempDir())
				dir := cliDir(t)
				before := listing(t, dir)
				res := runCLI(t, bin, dir, env, append([]string{"env", "--format", format}, args...)...)
				require.Equal(t, 0, res.code, res.stderr)
				assert.Contains(t, res.stderr, "the output holds secrets")
				assert.Equal(t, before, listing(t, dir))

				got := parseEnvOutput(t, format, res.stdout)
				assert.Regexp(t, `^ASIA[A-Z0-9]{16}$`, got["AWS_ACCESS_KEY_ID"])
				assert.NotEmpty(t, got["AWS_SESSION_TOKEN"])
				assert.Equal(t, "us-west-1", got["AWS_REGION"])
				assert.Equal(t, "test", got["VAULT_ACCESS_KEY"])
				assert.NotContains(t, got, "VAULT_TOKEN", "the token is not printed unless exported")
			})
		}
	}
}

// parseEnvOutput reads env's output back as a shell, a dotenv reader or
// a JSON decoder would.
func parseEnvOutput(t *testing.T, format, out string) map[string]string {
	t.Helper()
	got := map[string]string{}
	switch format {
	case "json":
		require.NoError(t, json.Unmarshal([]byte(out), &got))
	case "shell":
		// The shell's own view: every exported variable after eval.
		cmd := exec.Command("sh", "-c", `eval "$(cat)"; env -0`)
		cmd.Env = []string{}
		cmd.Stdin = strings.NewReader(out)
		raw, err := cmd.Output()
		require.NoError(t, err)
		for _, kv := range strings.Split(strings.TrimSuffix(string(raw), "\x00"), "\x00") {
			if name, val, ok := strings.Cut(kv, "="); ok && (strings.HasPrefix(name, "AWS_") || strings.HasPrefix(name, "VAULT_")) {
				got[name] = val
			}
		}
	case "dotenv":
		for _, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
			// The values here (keys, a region) need no escapes: single
			// quotes, or double quotes for the rest.
			name, quoted, _ := strings.Cut(line, "=")
			if strings.HasPrefix(quoted, "'") {
				got[name] = strings.Trim(quoted, "'")
			} else {
				got[name] = strings.Trim(quoted, `"`)
			}
		}
	}
	return got
}
