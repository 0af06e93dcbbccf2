package awsconfig_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/federate-action/federate/internal/awsconfig"
	"github.com/federate-action/federate/internal/awssts"
	"github.com/federate-action/federate/internal/secret"
)

func static(id, key, token string) *awssts.Credentials {
	return &awssts.Credentials{AccessKeyID: secret.New(id), SecretAccessKey: secret.New(key), SessionToken: secret.New(token)}
}

func TestRender(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		in         []awsconfig.Entry
		wantConfig string
		wantCreds  string
		wantErr    string
	}{
		{
			name: "default_and_named_profiles_use_each_files_section_names",
			in: []awsconfig.Entry{
				{Profile: "default", Region: "us-east-1", Static: static("AKIA1", "sec/ret+1", "tok==")},
				{Profile: "prod", Region: "eu-west-1", Static: static("AKIA2", "s2", "")},
			},
			wantConfig: "[default]\nregion = us-east-1\n\n[profile prod]\nregion = eu-west-1\n",
			wantCreds: "[default]\naws_access_key_id = AKIA1\naws_secret_access_key = sec/ret+1\naws_session_token = tok==\n" +
				"\n[prod]\naws_access_key_id = AKIA2\naws_secret_access_key = s2\n",
		},
		{
			name: "chained_profile_names_its_source",
			in: []awsconfig.Entry{
				{Profile: "prod", Process: []string{"/tmp/federate-1/federate", "credential-process", "--role-arn", "arn:aws:iam::1:role/a"}},
				{Profile: "audit", Region: "us-east-1", RoleARN: "arn:aws:iam::4:role/read", SourceProfile: "prod",
					ExternalID: "ci-audit", RoleSessionName: "gh-1", DurationSeconds: 900},
			},
			wantConfig: "[profile prod]\ncredential_process = /tmp/federate-1/federate credential-process --role-arn arn:aws:iam::1:role/a\n" +
				"\n[profile audit]\nregion = us-east-1\nrole_arn = arn:aws:iam::4:role/read\nsource_profile = prod\n" +
				"external_id = ci-audit\nrole_session_name = gh-1\nduration_seconds = 900\n",
		},
		{
			name:       "process_argv_is_backslash_escaped_never_quoted",
			in:         []awsconfig.Entry{{Profile: "p", Process: []string{"/a b/x", "#c", ";d", "'q'", `"$HOME"`, "e=f", "~"}}},
			wantConfig: "[profile p]\ncredential_process = /a\\ b/x \\#c \\;d \\'q\\' \\\"\\$HOME\\\" e\\=f \\~\n",
		},
		{name: "newline_in_value_is_refused", in: []awsconfig.Entry{{Profile: "p", Region: "us-east-1\n[profile x]"}}, wantErr: `"p" cannot be written: region: the value holds a space, a line break`},
		{name: "nul_in_value_is_refused", in: []awsconfig.Entry{{Profile: "p", Region: "a\x00b"}}, wantErr: "control"},
		{name: "leading_space_is_refused", in: []awsconfig.Entry{{Profile: "p", Region: " us-east-1"}}, wantErr: "space"},
		{name: "comment_start_is_refused", in: []awsconfig.Entry{{Profile: "p", Region: "#x"}}, wantErr: "comment"},
		{name: "semicolon_start_is_refused", in: []awsconfig.Entry{{Profile: "p", Region: ";x"}}, wantErr: "comment"},
		{name: "enclosing_quotes_are_refused", in: []awsconfig.Entry{{Profile: "p", Region: `"x"`}}, wantErr: "quote"},
		{name: "trailing_quote_is_refused", in: []awsconfig.Entry{{Profile: "p", Region: `x'`}}, wantErr: "quote"},
		{name: "non_ascii_is_refused", in: []awsconfig.Entry{{Profile: "p", Region: "é"}}, wantErr: "non-ASCII"},
		{name: "bracket_in_name_is_refused", in: []awsconfig.Entry{{Profile: "a]b"}}, wantErr: "letters, digits"},
		{name: "space_in_name_is_refused", in: []awsconfig.Entry{{Profile: "a b"}}, wantErr: "letters, digits"},
		{name: "hash_in_name_is_refused", in: []awsconfig.Entry{{Profile: "a#b"}}, wantErr: "letters, digits"},
		{name: "empty_name_is_refused", in: []awsconfig.Entry{{Profile: ""}}, wantErr: "empty"},
		{name: "uppercase_default_is_refused", in: []awsconfig.Entry{{Profile: "DEFAULT"}}, wantErr: "lowercase"},
		{name: "duplicate_profile_is_refused", in: []awsconfig.Entry{{Profile: "a"}, {Profile: "a"}}, wantErr: "twice"},
		{name: "relative_command_is_refused", in: []awsconfig.Entry{{Profile: "p", Process: []string{"federate"}}}, wantErr: "absolute path"},
		{name: "empty_argument_is_refused", in: []awsconfig.Entry{{Profile: "p", Process: []string{"/f", ""}}}, wantErr: "empty"},
		{name: "newline_argument_is_refused", in: []awsconfig.Entry{{Profile: "p", Process: []string{"/f", "a\nb"}}}, wantErr: "line break"},
		{name: "argument_ending_in_space_is_refused", in: []awsconfig.Entry{{Profile: "p", Process: []string{"/f", "a "}}}, wantErr: "starts or ends with a space"},
		{name: "tab_argument_is_refused", in: []awsconfig.Entry{{Profile: "p", Process: []string{"/f", "a\tb"}}}, wantErr: "control"},
		{name: "unknown_source_is_refused", in: []awsconfig.Entry{{Profile: "p", RoleARN: "arn", SourceProfile: "q"}}, wantErr: `source_profile "q" is not a profile`},
		{name: "self_source_is_refused", in: []awsconfig.Entry{{Profile: "p", RoleARN: "arn", SourceProfile: "p"}}, wantErr: "its own"},
		{name: "role_without_source_is_refused", in: []awsconfig.Entry{{Profile: "p", RoleARN: "arn"}}, wantErr: "needs a source_profile"},
		{name: "external_id_without_role_is_refused", in: []awsconfig.Entry{{Profile: "p", ExternalID: "x"}}, wantErr: "need a role_arn"},
		{name: "two_credential_sources_are_refused", in: []awsconfig.Entry{{Profile: "p", Static: static("a", "b", ""), Process: []string{"/f"}}}, wantErr: "more than one source"},
		{name: "half_static_credentials_are_refused", in: []awsconfig.Entry{{Profile: "p", Static: static("a", "", "")}}, wantErr: "both"},
		{name: "secret_with_newline_is_refused_without_showing_it", in: []awsconfig.Entry{{Profile: "p", Static: static("AKIA", "hunter2\n[x]", "")}}, wantErr: "aws_secret_access_key: the value holds"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg, creds, err := awsconfig.Render(tt.in)
			if tt.wantErr != "" {
				require.ErrorContains(t, err, tt.wantErr)
				assert.NotContains(t, err.Error(), "hunter2")
				var typed *awsconfig.Error
				require.ErrorAs(t, err, &typed)
				assert.Equal(t, "Cannot write the AWS config files", typed.Title())
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.wantConfig, cfg)
			assert.Equal(t, tt.wantCreds, creds.Reveal())
		})
	}
}

// TestRender_GoSDKReadsWhatWasMeant loads the rendered files with
// aws-sdk-go-v2's own loader.
func TestRender_GoSDKReadsWhatWasMeant(t *testing.T) {
	t.Parallel()
	entries := []awsconfig.Entry{
		{Profile: "default", Region: "us-east-1", Static: static("AKIA1", "s1", "t1")},
		{Profile: "prod", Region: "eu-west-1", Process: []string{"/opt/my dir/federate", "credential-process", "--session-name", "a#b;c"}},
		{Profile: "audit", RoleARN: "arn:aws:iam::4:role/read", SourceProfile: "prod", ExternalID: "ci=audit:1", RoleSessionName: "s@1", DurationSeconds: 1800},
	}
	cfgPath, credPath := writeFiles(t, entries)
	got := loadGo(t, cfgPath, credPath, "default")
	assert.Equal(t, "us-east-1", got.Region)
	assert.Equal(t, "AKIA1", got.Credentials.AccessKeyID)
	assert.Equal(t, "s1", got.Credentials.SecretAccessKey)
	assert.Equal(t, "t1", got.Credentials.SessionToken)
	got = loadGo(t, cfgPath, credPath, "prod")
	assert.Equal(t, `/opt/my\ dir/federate credential-process --session-name a\#b\;c`, got.CredentialProcess)
	got = loadGo(t, cfgPath, credPath, "audit")
	assert.Equal(t, "arn:aws:iam::4:role/read", got.RoleARN)
	assert.Equal(t, "prod", got.SourceProfileName)
	assert.Equal(t, "ci=audit:1", got.ExternalID)
	assert.Equal(t, "s@1", got.RoleSessionName)
	assert.Equal(t, 1800*time.Second, got.RoleDurationSeconds.Round(time.Second))
}

func writeFiles(t *testing.T, entries []awsconfig.Entry) (string, string) {
	t.Helper()
	cfg, creds, err := awsconfig.Render(entries)
	require.NoError(t, err)
	dir := t.TempDir()
	cfgPath, credPath := filepath.Join(dir, "config"), filepath.Join(dir, "credentials")
	require.NoError(t, os.WriteFile(cfgPath, []byte(cfg), 0o600))
	require.NoError(t, os.WriteFile(credPath, []byte(creds.Reveal()), 0o600))
	return cfgPath, credPath
}

func loadGo(t *testing.T, cfgPath, credPath, profile string) config.SharedConfig {
	t.Helper()
	got, err := config.LoadSharedConfigProfile(context.Background(), profile, func(o *config.LoadSharedConfigOptions) {
		o.ConfigFiles = []string{cfgPath}
		o.CredentialsFiles = []string{credPath}
	})
	require.NoError(t, err, "profile %s", profile)
	if got.RoleDurationSeconds == nil {
		zero := time.Duration(0)
		got.RoleDurationSeconds = &zero
	}
	return got
}

// argvCases are command lines whose words are special to sh, shlex or the
// ini layer.
var argvCases = [][]string{
	{"/usr/bin/federate", "credential-process", "--role-arn", "arn:aws:iam::1:role/a"},
	{"/a b/c", "in side", "#x", ";y", "a #b", "a ;b", "'", `"`, `\`, `\\n`},
	{"/x", "$HOME", "`id`", "$(id)", "*", "?", "[a]", "{a,b}", "~", "~root", "a=b", "!x", "&", "|", "<", ">", "(", ")", "%1"},
	{"/if", "then", "fi", "--", "-"},
}

func split(t *testing.T, line string) []string {
	t.Helper()
	var argv []string
	var w strings.Builder
	in, esc := false, false
	for _, r := range line {
		switch {
		case esc:
			w.WriteRune(r)
			esc, in = false, true
		case r == '\\':
			esc = true
		case r == ' ':
			if in {
				argv = append(argv, w.String())
				w.Reset()
				in = false
			}
		default:
			require.NotContains(t, `'"`, string(r), "an unescaped quote in %q", line)
			w.WriteRune(r)
			in = true
		}
	}
	if in {
		argv = append(argv, w.String())
	}
	return argv
}

// TestRender_ShSplitsTheCommandBack runs the command line the way the Go
// SDK does (sh -c; sh is dash on Ubuntu runners, bash on macOS ones) and
// checks the words the program gets.
func TestRender_ShSplitsTheCommandBack(t *testing.T) {
	t.Parallel()
	for _, argv := range argvCases {
		cfg, _, err := awsconfig.Render([]awsconfig.Entry{{Profile: "p", Process: argv}})
		require.NoError(t, err)
		line := strings.TrimPrefix(strings.Split(cfg, "\n")[1], "credential_process = ")
		assert.Equal(t, argv, split(t, line))
		// sh -c runs argv[0]; swap it for printf to see the words.
		printing := "printf '%s\\0'" + line[len(commandWord(line)):]
		for _, shell := range shells(t) {
			out, err := execOutput(shell, "-c", printing)
			require.NoError(t, err)
			assert.Equal(t, argv[1:], nulWords(out), "%s -c %q", shell, printing)
		}
	}
}

// TestRender_BotocoreSplitsTheCommandBack runs botocore's own parser and
// splitter (configparser + compat_shell_split) on the rendered file.
func TestRender_BotocoreSplitsTheCommandBack(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("runs python")
	}
	python := botocorePython(t)
	for _, argv := range argvCases {
		entries := []awsconfig.Entry{
			{Profile: "p", Process: argv, Region: "us-east-1"},
			{Profile: "c", RoleARN: "arn:aws:iam::4:role/r", SourceProfile: "p", ExternalID: "e=1:2@x"},
			{Profile: "default", Static: static("AKIA1", "s/1+x=", "t0k")},
		}
		cfgPath, credPath := writeFiles(t, entries)
		script := `
import sys, json, botocore.session
from botocore.compat import compat_shell_split
out = {}
for name in ["p", "c", "default"]:
    s = botocore.session.Session(profile=name)
    out[name] = s.get_scoped_config()
out["argv"] = compat_shell_split(out["p"]["credential_process"])
print(json.dumps(out))
`
		cmd := newCmd(python, "-c", script)
		cmd.Env = append(os.Environ(), "AWS_CONFIG_FILE="+cfgPath, "AWS_SHARED_CREDENTIALS_FILE="+credPath)
		out, err := cmd.Output()
		require.NoError(t, err, "%s", exitStderr(err))
		got := decode(t, out)
		assert.Equal(t, argv, got.Argv)
		assert.Equal(t, map[string]string{"credential_process": got.P["credential_process"], "region": "us-east-1"}, got.P)
		assert.Equal(t, map[string]string{"role_arn": "arn:aws:iam::4:role/r", "source_profile": "p", "external_id": "e=1:2@x"}, got.C)
		assert.Equal(t, map[string]string{"aws_access_key_id": "AKIA1", "aws_secret_access_key": "s/1+x=", "aws_session_token": "t0k"}, got.Default)
	}
}
