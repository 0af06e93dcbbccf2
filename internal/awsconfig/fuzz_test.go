package awsconfig_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/federate-action/federate/internal/awsconfig"
)

// iniSection is one section as read by readINI.
type iniSection struct {
	name string
	keys map[string]string
}

// readINI reads a file by the rules of aws-sdk-go-v2's internal/ini
// (tokenize.go, strings.go), and fails the test where Python's
// configparser would read the same line differently: a line break other
// than \n, a continuation line, an inline comment, enclosing quotes.
func readINI(t *testing.T, text string) []iniSection {
	t.Helper()
	require.NotContains(t, text, "\r", "configparser splits lines at \\r too")
	var sections []iniSection
	for _, line := range strings.Split(text, "\n") {
		trimmed := strings.TrimSpace(line)
		if trimmed == "" {
			continue
		}
		require.NotContains(t, " \t", line[:1], "a line starting with a blank continues the previous value")
		require.NotContains(t, "#;", line[:1], "a comment line")
		if strings.HasPrefix(line, "[") {
			require.False(t, strings.ContainsAny(line, "#;"), "the Go SDK cuts a section line at # or ;: %q", line)
			require.True(t, strings.HasSuffix(line, "]"), line)
			require.Equal(t, 1, strings.Count(line, "[")+strings.Count(line, "]")-1, "one bracket pair: %q", line)
			sections = append(sections, iniSection{name: line[1 : len(line)-1], keys: map[string]string{}})
			continue
		}
		require.NotEmpty(t, sections, "a key before any section: %q", line)
		key, value, ok := strings.Cut(line, " = ")
		require.True(t, ok, line)
		require.False(t, strings.ContainsAny(key, "=:#; \t"), "key %q", key)
		for _, comment := range []string{" #", " ;", "\t#", "\t;"} {
			require.NotContains(t, value, comment, "the Go SDK cuts an inline comment, configparser does not")
		}
		require.Equal(t, strings.TrimSpace(value), value, "both trim a value")
		require.False(t, len(value) >= 2 && (value[0] == '"' || value[0] == '\'') && value[len(value)-1] == value[0],
			"the Go SDK strips enclosing quotes, configparser does not: %q", value)
		last := &sections[len(sections)-1]
		_, dup := last.keys[key]
		require.False(t, dup, "configparser refuses a key given twice: %q", key)
		last.keys[key] = value
	}
	return sections
}

// FuzzRender checks that whatever Render accepts is read back as exactly
// the profiles given: no value adds a key or a section, and the
// credential_process words split back to the argv.
func FuzzRender(f *testing.F) {
	f.Add("prod", "us-east-1", "/bin/f\x1fcredential-process\x1f--x", "AKIA", "se#cret", "ext")
	f.Add("a", "us-east-1\n[profile x]", "/a b\x1f#c", "k", "s", "e ;x")
	f.Add("default", "'x'", "/f\x1f'\x1f\"", "k\r", "s", "#e")
	f.Fuzz(func(t *testing.T, name, region, words, key, secretKey, external string) {
		argv := strings.Split(words, "\x1f")
		secretKey = "zzSECRET" + secretKey // recognisable in an error message
		entries := []awsconfig.Entry{
			{Profile: name, Region: region, Static: static(key, secretKey, "tok")},
			{Profile: "chained", RoleARN: "arn:aws:iam::1:role/r", SourceProfile: name, ExternalID: external},
			{Profile: "process", Process: argv},
		}
		cfg, creds, err := awsconfig.Render(entries)
		if err != nil {
			if !strings.Contains(name+region+words+external, "zzSECRET") {
				assert.NotContains(t, err.Error(), "zzSECRET")
			}
			return
		}
		header := "profile " + name
		if name == "default" {
			header = "default"
		}
		// An empty value is left out, not written as "key =".
		first := map[string]string{}
		if region != "" {
			first["region"] = region
		}
		chained := map[string]string{"role_arn": "arn:aws:iam::1:role/r", "source_profile": name}
		if external != "" {
			chained["external_id"] = external
		}
		assert.Equal(t, []iniSection{
			{name: header, keys: first},
			{name: "profile chained", keys: chained},
			{name: "profile process", keys: map[string]string{"credential_process": readINI(t, cfg)[2].keys["credential_process"]}},
		}, readINI(t, cfg))
		assert.Equal(t, argv, split(t, readINI(t, cfg)[2].keys["credential_process"]))
		assert.Equal(t, []iniSection{
			{name: name, keys: map[string]string{"aws_access_key_id": key, "aws_secret_access_key": secretKey, "aws_session_token": "tok"}},
		}, readINI(t, creds.Reveal()))
		cfgPath, credPath := writeFiles(t, entries)
		got := loadGo(t, cfgPath, credPath, name)
		assert.Equal(t, region, got.Region)
		assert.Equal(t, key, got.Credentials.AccessKeyID)
		assert.Equal(t, secretKey, got.Credentials.SecretAccessKey)
		got = loadGo(t, cfgPath, credPath, "chained")
		assert.Equal(t, external, got.ExternalID)
		assert.Equal(t, name, got.SourceProfileName)
	})
}
