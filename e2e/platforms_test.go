package e2e

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/federate-action/federate/internal/idtoken/idtokentest"
	"github.com/federate-action/federate/internal/runner/runnertest"
	"github.com/federate-action/federate/internal/testbed"
)

// noGitHub blanks the variables the step harness sets as GitHub's runner
// would, so the binary sees another CI's environment. (GITHUB_ENV and
// GITHUB_OUTPUT stay: they are where the harness reads the result.)
var noGitHub = map[string]string{"GITHUB_ACTIONS": "", "GITHUB_REPOSITORY": "", "ACTIONS_ID_TOKEN_REQUEST_URL": "", "ACTIONS_ID_TOKEN_REQUEST_TOKEN": ""}

// platformVault mounts jwt auth at mount on the shared Vault, trusting
// tokens' issuer through its discovery document as the platform's docs
// say to, with a role "ci" bound to aud and a sub glob.
func platformVault(t *testing.T, v *testbed.Vault, tokens *idtokentest.Server, mount, aud, subGlob string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for _, c := range []call{
		{"POST", "sys/auth/" + mount, map[string]any{"type": "jwt"}},
		{"POST", "auth/" + mount + "/config", map[string]any{"oidc_discovery_url": tokens.Issuer, "bound_issuer": tokens.Issuer, "oidc_discovery_ca_pem": tokens.CAPEM()}},
		{"POST", "auth/" + mount + "/role/ci", map[string]any{"role_type": "jwt", "user_claim": "sub",
			"bound_claims_type": "glob", "bound_claims": map[string]any{"sub": subGlob},
			"bound_audiences": []string{aud}, "policies": []string{tutorialRole}}},
	} {
		_, err := v.API(ctx, c.method, c.path, c.body)
		require.NoError(t, err, "%s %s", c.method, c.path)
	}
}

// ciPlatform is one CI's token contract as the step and the command line
// meet it: the job's environment, the extra inputs, and what Vault binds.
type ciPlatform struct {
	name     string
	platform string
	// vaultAud is the audience Vault's role is bound to, subGlob its
	// sub pattern in the platform's format.
	vaultAud, subGlob string
	// setup returns the step's env and extra inputs.
	setup func(t *testing.T, tokens *idtokentest.Server, dir string) (env, in map[string]string)
	check func(t *testing.T, dir string)
}

// ciPlatforms are the CIs besides GitHub Actions, with a Vault role bound
// to each one's issuer, audience and sub format.
func ciPlatforms() []ciPlatform {
	return []ciPlatform{
		{name: "gitlab_token_from_the_id_tokens_variable", platform: idtokentest.GitLab,
			vaultAud: "sts.amazonaws.com", subGlob: "project_path:octo-org/octo-repo:ref_type:branch:ref:main",
			setup: func(t *testing.T, tokens *idtokentest.Server, _ string) (map[string]string, map[string]string) {
				token, err := tokens.Mint("sts.amazonaws.com")
				require.NoError(t, err)
				return map[string]string{"GITLAB_CI": "true", "CI": "true", "AWS_ID_TOKEN": token},
					map[string]string{"id-token-env": "AWS_ID_TOKEN"}
			}},
		{name: "circleci_v1_token", platform: idtokentest.CircleCI,
			vaultAud: idtokentest.CircleOrgID, subGlob: "org/" + idtokentest.CircleOrgID + "/project/" + idtokentest.CircleProjectID + "/user/*",
			setup: func(t *testing.T, tokens *idtokentest.Server, _ string) (map[string]string, map[string]string) {
				token, err := tokens.Mint("")
				require.NoError(t, err)
				return map[string]string{"CIRCLECI": "true", "CI": "true", "CIRCLE_OIDC_TOKEN": token}, nil
			}},
		{name: "circleci_v2_token_is_preferred", platform: idtokentest.CircleCIV2,
			vaultAud: idtokentest.CircleOrgID, subGlob: "org/" + idtokentest.CircleOrgID + "/project/" + idtokentest.CircleProjectID + "/user/*/vcs-origin/github.com/octo-org/octo-repo/vcs-ref/refs/heads/main",
			setup: func(t *testing.T, tokens *idtokentest.Server, _ string) (map[string]string, map[string]string) {
				token, err := tokens.Mint("")
				require.NoError(t, err)
				// V1 would not match the role's sub glob.
				return map[string]string{"CIRCLECI": "true", "CIRCLE_OIDC_TOKEN_V2": token, "CIRCLE_OIDC_TOKEN": "x.y.z"}, nil
			}},
		{name: "buildkite_agent_asked_per_audience", platform: idtokentest.Buildkite,
			vaultAud: "vault.example", subGlob: "organization:acme-inc:pipeline:deploy-app:ref:refs/heads/main:commit:*:step:*",
			setup: func(t *testing.T, tokens *idtokentest.Server, dir string) (map[string]string, map[string]string) {
				_, _, err := tokens.BuildkiteAgent(dir, "sts.amazonaws.com", "vault.example")
				require.NoError(t, err)
				return map[string]string{"BUILDKITE": "true", "CI": "true", "PATH": dir + ":/usr/local/bin:/usr/bin:/bin"},
					map[string]string{"vault-audience": "vault.example"}
			},
			check: func(t *testing.T, dir string) {
				calls, err := os.ReadFile(filepath.Join(dir, "buildkite-agent.log"))
				require.NoError(t, err)
				lines := strings.Split(strings.TrimSpace(string(calls)), "\n")
				assert.ElementsMatch(t, []string{"oidc request-token --audience sts.amazonaws.com", "oidc request-token --audience vault.example"}, lines)
			}},
	}
}

func TestPlatforms_EachCITokenAssumesARoleAndLogsInToVault(t *testing.T) {
	t.Parallel()
	bin, moto := servers(t)
	_, v, _ := vaultServer(t)
	tests := ciPlatforms()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tokens := tokenServer(t, idtokentest.Config{TLS: true, Platform: tt.platform})
			mount := "jwt-" + strings.ReplaceAll(tt.platform, "-", "")
			platformVault(t, v, tokens, mount, tt.vaultAud, tt.subGlob)
			agentDir := t.TempDir()
			env, extra := tt.setup(t, tokens, agentDir)
			for k, val := range noGitHub {
				if _, set := env[k]; !set {
					env[k] = val
				}
			}
			in := tutorialInputs(moto.URL)
			for k, val := range vaultInputs(v, "secret/data/aws accessKey | VAULT_ACCESS_KEY ;") {
				in[k] = val
			}
			in["vault-path"] = mount
			in["vault-role"] = "ci"
			for k, val := range extra {
				in[k] = val
			}

			if _, named := in["id-token-env"]; named {
				// id-token-env exists only on the command line: the
				// step refuses it.
				res := runCLI(t, bin, cliDir(t), env, append([]string{"env", "--format", "json"}, inputFlags(in)...)...)
				require.Equal(t, 0, res.code, res.stderr)
				got := map[string]string{}
				require.NoError(t, json.Unmarshal([]byte(res.stdout), &got))
				assert.Regexp(t, `^ASIA[A-Z0-9]{16}$`, got["AWS_ACCESS_KEY_ID"])
				assert.Equal(t, "test", got["VAULT_ACCESS_KEY"])
				return
			}
			res := run(t, testbed.Step{Binary: bin, Inputs: in, Env: env})
			require.Equal(t, 0, res.ExitCode, "stdout:\n%s\nstderr:\n%s", res.Stdout, res.Stderr)
			got := runnertest.ToMap(res.Env)
			assert.Regexp(t, `^ASIA[A-Z0-9]{16}$`, got["AWS_ACCESS_KEY_ID"])
			assert.Equal(t, "test", got["VAULT_ACCESS_KEY"])
			masked := false
			for _, m := range runnertest.Masks(res.Stdout) {
				masked = masked || strings.Count(m, ".") == 2 && strings.HasPrefix(m, "eyJ")
			}
			assert.True(t, masked, "the platform's token is masked on arrival:\n%s", res.Stdout)
			if tt.check != nil {
				tt.check(t, agentDir)
			}
		})
	}
}

func TestPlatforms_VaultRefusalSpeaksGitLab(t *testing.T) {
	t.Parallel()
	bin, _ := servers(t)
	_, v, _ := vaultServer(t)
	tokens := tokenServer(t, idtokentest.Config{TLS: true, Platform: idtokentest.GitLab})
	platformVault(t, v, tokens, "jwt-gitlab-refusal", "https://vault.example", "project_path:octo-org/octo-repo:ref_type:branch:ref:main")
	token, err := tokens.Mint("https://other.example") // the job named another aud under id_tokens:
	require.NoError(t, err)
	env := map[string]string{"GITLAB_CI": "true", "GL_TOKEN": token}
	for k, val := range noGitHub {
		env[k] = val
	}
	in := vaultInputs(v, "secret/data/aws accessKey | VAULT_ACCESS_KEY ;")
	in["vault-path"], in["vault-role"], in["id-token-env"] = "jwt-gitlab-refusal", "ci", "GL_TOKEN"

	res := runCLI(t, bin, cliDir(t), env, append([]string{"env", "--format", "json"}, inputFlags(in)...)...)
	require.Equal(t, 1, res.code, res.stderr)
	assert.Empty(t, res.stdout)
	assert.Contains(t, res.stderr, "project_path: octo-org/octo-repo")
	assert.Contains(t, res.stderr, "bound_audiences=https://other.example bound_subject=project_path:octo-org/octo-repo:ref_type:branch:ref:main")
	assert.NotContains(t, res.stderr, token)
}

// inputFlags turns a step's inputs into the command line's flags, in a
// stable order.
func inputFlags(in map[string]string) []string {
	names := make([]string, 0, len(in))
	for name := range in {
		names = append(names, name)
	}
	sort.Strings(names)
	var args []string
	for _, name := range names {
		args = append(args, "--"+name+"="+in[name])
	}
	return args
}
