package cli

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// actionTable is the repository's action.yml, as main embeds it.
func actionTable(t *testing.T) []Flag {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "..", "action.yml"))
	require.NoError(t, err)
	table, err := ParseTable(raw)
	require.NoError(t, err)
	return table
}

func noFiles(string) ([]byte, error) { return nil, errors.New("no files here") }

func TestParseFlags(t *testing.T) {
	t.Parallel()
	flags := commandFlags("env", actionTable(t))
	tests := []struct {
		name   string
		args   []string
		values map[string]string
		rest   []string
		usage  string
	}{
		{name: "space_separated_value", args: []string{"--role-to-assume", "arn:x", "--aws-region", "us-east-1"},
			values: map[string]string{"role-to-assume": "arn:x", "aws-region": "us-east-1"}},
		{name: "equals_value", args: []string{"--aws-region=eu-west-1", "--role-session-name=a=b"},
			values: map[string]string{"aws-region": "eu-west-1", "role-session-name": "a=b"}},
		{name: "boolean_alone_is_true", args: []string{"--output-credentials", "--aws-region", "x"},
			values: map[string]string{"output-credentials": "true", "aws-region": "x"}},
		{name: "boolean_takes_a_following_boolean_word", args: []string{"--vault-export-env", "false"},
			values: map[string]string{"vault-export-env": "false"}},
		{name: "boolean_leaves_a_command_alone", args: []string{"--output-credentials", "aws", "s3", "ls"},
			values: map[string]string{"output-credentials": "true"}, rest: []string{"aws", "s3", "ls"}},
		{name: "double_dash_ends_the_flags", args: []string{"--aws-region", "x", "--", "--aws-region", "y"},
			values: map[string]string{"aws-region": "x"}, rest: []string{"--aws-region", "y"}},
		{name: "value_may_start_with_dashes", args: []string{"--role-session-name", "--x"},
			values: map[string]string{"role-session-name": "--x"}},
		{name: "cli_only_inputs", args: []string{"--id-token-env", "CI_JOB_JWT", "--id-token-file=/t"},
			values: map[string]string{"id-token-env": "CI_JOB_JWT", "id-token-file": "/t"}},
		{name: "double_at_is_a_literal_at", args: []string{"--role-session-name", "@@ci"},
			values: map[string]string{"role-session-name": "@ci"}},
		{name: "unknown_flag_is_a_usage_error", args: []string{"--role-to-asume", "x"}, usage: "unknown flag --role-to-asume"},
		{name: "single_dash_flag_is_a_usage_error", args: []string{"-r", "x"}, usage: "unknown flag -r"},
		{name: "missing_value_is_a_usage_error", args: []string{"--aws-region"}, usage: "flag --aws-region needs a value"},
		{name: "repeated_flag_is_a_usage_error", args: []string{"--aws-region", "a", "--aws-region=b"}, usage: "given twice"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p, err := parseFlags(tt.args, flags, noFiles)
			if tt.usage != "" {
				var u *UsageError
				require.ErrorAs(t, err, &u)
				assert.Contains(t, u.Msg, tt.usage)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.values, p.values)
			assert.Equal(t, tt.rest, p.rest)
		})
	}
}

func TestParseFlags_AtPathReadsTheFileExactly(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "secrets.txt")
	content := "secret/data/app key | NAME ;\n  secret/data/db pw | PW\n"
	require.NoError(t, os.WriteFile(path, []byte(content), 0o600))

	p, err := parseFlags([]string{"--vault-secrets", "@" + path}, actionTable(t), os.ReadFile)
	require.NoError(t, err)
	assert.Equal(t, content, p.values["vault-secrets"])

	_, err = parseFlags([]string{"--vault-secrets=@" + filepath.Join(dir, "missing")}, actionTable(t), os.ReadFile)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "input vault-secrets")
	assert.Contains(t, err.Error(), "write @@")
}

func TestParseTable_FlagsFollowActionYAML(t *testing.T) {
	t.Parallel()
	table := actionTable(t)
	byName := map[string]Flag{}
	for _, f := range table {
		byName[f.Name] = f
	}
	assert.Equal(t, "role-to-assume", table[0].Name, "action.yml's order")
	assert.True(t, byName["output-credentials"].Bool)
	assert.False(t, byName["aws-region"].Bool)
	assert.Equal(t, "GitHubActions", byName["role-session-name"].Default)
	assert.Greater(t, len(table), 50)
}

func TestStepEnv_InputsFromFlagsOnly(t *testing.T) {
	t.Parallel()
	real := map[string]string{"INPUT_AWS-REGION": "from-env", "AWS_ACCESS_KEY_ID": "AKIA", "GITHUB_ENV": ""}
	getenv := stepEnv(map[string]string{"role-to-assume": "arn:x", "id-token-env": "TOK", "verbose": "true"},
		commandFlags("exec", actionTable(t)), func(k string) string { return real[k] })
	assert.Equal(t, "arn:x", getenv("INPUT_ROLE-TO-ASSUME"))
	assert.Equal(t, "TOK", getenv("INPUT_ID-TOKEN-ENV"))
	assert.Empty(t, getenv("INPUT_AWS-REGION"), "an input comes from a flag, never the environment")
	assert.Empty(t, getenv("INPUT_VERBOSE"), "the command line's own options are no inputs")
	assert.Equal(t, "AKIA", getenv("AWS_ACCESS_KEY_ID"))
	assert.Equal(t, os.DevNull, getenv("GITHUB_ENV"))
}

func TestRefuseFiles(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		flags map[string]string
		input string
	}{
		{name: "aws_profiles", flags: map[string]string{"aws-profiles": "[dev]\nrole-arn = arn"}, input: "aws-profiles"},
		{name: "aws_profile", flags: map[string]string{"aws-profile": "dev"}, input: "aws-profile"},
		{name: "refresh_credentials", flags: map[string]string{"refresh-credentials": "true"}, input: "refresh-credentials"},
		{name: "vault_secret_to_a_file", flags: map[string]string{"vault-secrets": "secret/data/a k | A; secret/data/b cert > CERT"}, input: "vault-secrets"},
		{name: "env_only_is_fine", flags: map[string]string{"vault-secrets": "secret/data/a k | A", "refresh-credentials": "false"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := refuseFiles(stepEnv(tt.flags, actionTable(t), func(string) string { return "" }))
			if tt.input == "" {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), "input "+tt.input)
			assert.Contains(t, err.Error(), "write no files")
		})
	}
}
