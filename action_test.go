package main

import (
	"maps"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"

	"github.com/federate-action/federate/internal/inputs"
	"github.com/federate-action/federate/internal/plan"
	"github.com/federate-action/federate/internal/testbed"
)

// metadata is the part of action.yml the runner reads for inputs.
type metadata struct {
	Inputs map[string]struct {
		Default *string `yaml:"default"`
	} `yaml:"inputs"`
	Outputs map[string]any `yaml:"outputs"`
}

func readMetadata(t *testing.T) metadata {
	t.Helper()
	b, err := os.ReadFile("action.yml")
	require.NoError(t, err)
	var m metadata
	require.NoError(t, yaml.Unmarshal(b, &m))
	return m
}

// The runner passes action.yml's defaults as inputs, and local runs and
// tests do not: both must give the same plan.
func TestActionDefaults_MatchTheCode(t *testing.T) {
	t.Parallel()
	base := map[string]string{
		"INPUT_ROLE-TO-ASSUME":           "arn:aws:iam::111122223333:role/r",
		"INPUT_AWS-REGION":               "us-east-1",
		"INPUT_VAULT-URL":                "https://vault.example.com",
		"INPUT_VAULT-SECRETS":            "secret/data/ci token | CI_TOKEN",
		"ACTIONS_ID_TOKEN_REQUEST_URL":   "https://token.example/x?api-version=2.0",
		"ACTIONS_ID_TOKEN_REQUEST_TOKEN": "t",
		"GITHUB_ENV":                     "/env",
		"GITHUB_OUTPUT":                  "/out",
	}
	withDefaults := maps.Clone(base)
	for name, in := range readMetadata(t).Inputs {
		if in.Default != nil {
			key := testbed.InputEnvName(name)
			if _, set := withDefaults[key]; !set {
				withDefaults[key] = *in.Default
			}
		}
	}
	bare, err := plan.Build(inputs.New(func(k string) string { return base[k] }))
	require.NoError(t, err)
	defaulted, err := plan.Build(inputs.New(func(k string) string { return withDefaults[k] }))
	require.NoError(t, err)
	assert.Equal(t, bare, defaulted)
}

func TestReadme_DocumentsEveryInputAndOutput(t *testing.T) {
	t.Parallel()
	readme, err := os.ReadFile("README.md")
	require.NoError(t, err)
	m := readMetadata(t)
	for name := range m.Inputs {
		assert.True(t, strings.Contains(string(readme), "`"+name+"`"), "README documents input %s", name)
	}
	for name := range m.Outputs {
		assert.True(t, strings.Contains(string(readme), "`"+name+"`"), "README documents output %s", name)
	}
}

// withActionDefaults adds action.yml's defaults, as the runner passes them,
// for every input base does not set.
func withActionDefaults(t *testing.T, base map[string]string) map[string]string {
	t.Helper()
	env := maps.Clone(base)
	for name, in := range readMetadata(t).Inputs {
		key := testbed.InputEnvName(name)
		if _, set := env[key]; !set && in.Default != nil {
			env[key] = *in.Default
		}
	}
	return env
}

// An input of the side that is off is refused (it would do nothing), but
// action.yml's defaults, which the runner passes for every step, are not
// "given": a Vault-only or an AWS-only step with every default still runs.
// Every input of action.yml belongs to a side, so a new input cannot be
// left out of the check.
func TestActionInputs_OfASideThatIsOffAreRefused(t *testing.T) {
	t.Parallel()
	runner := map[string]string{
		"ACTIONS_ID_TOKEN_REQUEST_URL":   "https://token.example/x?api-version=2.0",
		"ACTIONS_ID_TOKEN_REQUEST_TOKEN": "t",
		"GITHUB_ENV":                     "/env",
		"GITHUB_OUTPUT":                  "/out",
	}
	awsOnly := with(runner, map[string]string{
		"INPUT_ROLE-TO-ASSUME": "arn:aws:iam::111122223333:role/r",
		"INPUT_AWS-REGION":     "us-east-1",
	})
	vaultOnly := with(runner, map[string]string{
		"INPUT_VAULT-URL":     "https://vault.example.com",
		"INPUT_VAULT-SECRETS": "secret/data/ci token | CI_TOKEN",
	})
	build := func(env map[string]string) error {
		_, err := plan.Build(inputs.New(func(k string) string { return env[k] }))
		return err
	}
	require.NoError(t, build(withActionDefaults(t, awsOnly)), "an AWS-only step with every default")
	require.NoError(t, build(withActionDefaults(t, vaultOnly)), "a Vault-only step with every default")

	shared := map[string]bool{"role-to-assume": true, "vault-url": true, "action-timeout-s": true, "web-identity-token-file": true,
		"aws-profiles": true, "http-proxy": true, "no-proxy": true, "runner-temp": true}
	for name := range readMetadata(t).Inputs {
		if shared[name] {
			continue
		}
		base, off := vaultOnly, "role-to-assume"
		if strings.HasPrefix(name, "vault-") {
			base, off = awsOnly, "vault-url"
		}
		env := withActionDefaults(t, with(base, map[string]string{testbed.InputEnvName(name): "not-the-default"}))
		err := build(env)
		var inErr *inputs.Error
		if assert.ErrorAs(t, err, &inErr, "input %s without %s", name, off) {
			assert.Equal(t, off, inErr.Input, name)
			assert.Contains(t, inErr.Hint, name)
		}
	}
}

func with(base, changes map[string]string) map[string]string {
	out := maps.Clone(base)
	maps.Copy(out, changes)
	return out
}
