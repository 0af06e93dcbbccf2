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
