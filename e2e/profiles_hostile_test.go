package e2e

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/federate-action/federate/internal/idtoken/idtokentest"
	"github.com/federate-action/federate/internal/runner/runnertest"
	"github.com/federate-action/federate/internal/testbed"
)

// hostileCredentialValues are secrets and session tokens shaped to add a
// key or a section to an INI file, or to be cut short by one of the SDKs'
// readers, plus the corpus entries XML can carry.
func hostileCredentialValues(t *testing.T) []hostileValue {
	t.Helper()
	own := []hostileValue{
		{Name: "newline_then_default_section", Value: "hv-secret\n[default]\naws_access_key_id = AKIAINJECTED0000000"},
		{Name: "crlf_then_key", Value: "hv-secret\r\naws_session_token = injected-token"},
		{Name: "lone_cr_then_key", Value: "hv-secret\rregion = injected-region"},
		{Name: "unicode_line_separator_then_key", Value: "hv-secret\u2028region = injected-region"},
		{Name: "a_section_header", Value: "[default]"},
		{Name: "profile_section_header", Value: "[profile injected]"},
		{Name: "space_hash_comment", Value: "hv-secret #comment-cut"},
		{Name: "space_semicolon_comment", Value: "hv-secret ;comment-cut"},
		{Name: "tab_hash_comment", Value: "hv-secret\t#comment-cut"},
		{Name: "leading_hash", Value: "#hv-secret-line-comment"},
		{Name: "leading_semicolon", Value: ";hv-secret-line-comment"},
		{Name: "single_quoted", Value: "'hv-secret-quoted'"},
		{Name: "double_quoted", Value: `"hv-secret-quoted"`},
		{Name: "leading_and_trailing_spaces", Value: "  hv-secret-spaced  "},
		{Name: "equals_and_colon", Value: "hv=secret: with = signs"},
		{Name: "percent_interpolation", Value: "hv-%(here)s-%%-secret"},
		{Name: "shell_expansion", Value: "hv-$HOME-${PATH}-`id`-$(id)"},
		{Name: "backslashes", Value: `hv\secret\`},
		{Name: "continuation_line", Value: "hv-secret\n  aws_access_key_id = AKIAINJECTED0000001"},
	}
	for _, hv := range loadHostileValues(t) {
		if xmlCarries(hv.Value) && len(hv.Value) < 4096 && strings.TrimSpace(hv.Value) != "" {
			own = append(own, hostileValue{Name: "corpus_" + hv.Name, Value: hv.Value})
		}
	}
	return own
}

// xmlCarries reports whether XML 1.0 text can hold v (STS answers in XML).
func xmlCarries(v string) bool {
	if !utf8.ValidString(v) {
		return false
	}
	for _, r := range v {
		if !(r == '\t' || r == '\n' || r == '\r' || (r >= 0x20 && r <= 0xD7FF) || (r >= 0xE000 && r <= 0xFFFD) || r >= 0x10000) {
			return false
		}
	}
	return true
}

// hostileAnswer is an AssumeRoleWithWebIdentity answer for role whose
// secret key and session token are the given values.
func hostileAnswer(role, keyID, secretKey, token string) string {
	esc := func(s string) string {
		var b strings.Builder
		_ = xml.EscapeText(&b, []byte(s))
		return b.String()
	}
	return fmt.Sprintf(`<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleWithWebIdentityResult>
    <AssumedRoleUser><Arn>%s</Arn><AssumedRoleId>AROAEXAMPLE:GitHubActions</AssumedRoleId></AssumedRoleUser>
    <Credentials>
      <AccessKeyId>%s</AccessKeyId>
      <SecretAccessKey>%s</SecretAccessKey>
      <SessionToken>%s</SessionToken>
      <Expiration>%s</Expiration>
    </Credentials>
  </AssumeRoleWithWebIdentityResult>
  <ResponseMetadata><RequestId>00000000-0000-0000-0000-000000000000</RequestId></ResponseMetadata>
</AssumeRoleWithWebIdentityResponse>`, assumedARN(role, "GitHubActions"), keyID, esc(secretKey), esc(token),
		time.Now().Add(time.Hour).UTC().Format(time.RFC3339))
}

// botocoreReads is what botocore makes of the files: every profile with
// its keys, and profile's credentials.
const botocoreReads = `
import json, sys, botocore.session
s = botocore.session.Session(profile=sys.argv[1])
c = s.get_credentials()
print(json.dumps({"profiles": s.full_config["profiles"],
                  "key": c.access_key, "secret": c.secret_key, "token": c.token}))
`

type botocoreView struct {
	Profiles map[string]map[string]any `json:"profiles"`
	Key      string                    `json:"key"`
	Secret   string                    `json:"secret"`
	Token    string                    `json:"token"`
}

// A credential that could add a key or a section to the profile files is
// either refused (the step fails, names no value, writes nothing) or
// written so that botocore and the Go SDK read back exactly the profile,
// the keys and the values that were meant.
func TestProfiles_HostileCredentialsNeverAddAKeyOrSection(t *testing.T) {
	t.Parallel()
	bin, moto := servers(t)
	python := boto3Python(t)
	roles := testRoles(t, 1)
	for i, hv := range hostileCredentialValues(t) {
		fields := []string{"secret", "token"}
		if strings.HasPrefix(hv.Name, "corpus_") {
			fields = fields[1:] // the corpus is large: one field is enough for it
		}
		for _, field := range fields {
			t.Run(hv.Name+"_as_"+field, func(t *testing.T) {
				t.Parallel()
				keyID := fmt.Sprintf("ASIAHOSTILE%09d", i)
				secret, token := fmt.Sprintf("plain-secret-%d", i), fmt.Sprintf("plain-token-%d", i)
				if field == "secret" {
					secret = hv.Value
				} else {
					token = hv.Value
				}
				tokens := tokenServer(t, idtokentest.Config{})
				sts := faultCase{faults: []testbed.Fault{{Status: 200, Body: hostileAnswer(roles[0], keyID, secret, token)}}}.proxy(t, moto.URL)
				dir := stepDir(t)
				res := run(t, testbed.Step{Binary: bin, Inputs: profilesInputs(sts.URL, "prod "+roles[0]), Env: tokens.Env(), Dir: dir})

				if res.ExitCode != 0 {
					t.Logf("refused: %s", strings.Join(errorAnnotations(res.Stdout), "\n"))
					assert.Equal(t, 1, res.ExitCode)
					assert.NotEmpty(t, errorAnnotations(res.Stdout), "a refusal says why")
					assert.Empty(t, res.EnvRaw, "no variable")
					assert.Empty(t, res.OutputRaw, "no output")
					noFilesDir(t, runnerTempOf(dir))
					shown := runnertest.Visible(res.Stdout, res.Stderr)
					for _, line := range valueLines(hv.Value) {
						if len(strings.TrimSpace(line)) >= 6 {
							assert.NotContains(t, shown, line, "the refused value is never shown")
						}
					}
					return
				}

				files := exportedFiles(t, res, runnerTempOf(dir))
				assertMaskedEverywhere(t, res, []string{secret, token})
				ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
				defer cancel()

				cmd := exec.CommandContext(ctx, python, "-c", botocoreReads, "prod")
				cmd.Env = []string{"HOME=" + t.TempDir(), "AWS_CONFIG_FILE=" + files.Config, "AWS_SHARED_CREDENTIALS_FILE=" + files.Credentials}
				out, err := cmd.Output()
				require.NoError(t, err, "botocore cannot read the files: %v", err)
				var view botocoreView
				require.NoError(t, json.Unmarshal(out, &view), string(out))
				assert.Equal(t, map[string]map[string]any{"prod": {
					"region": "us-east-1", "aws_access_key_id": keyID, "aws_secret_access_key": secret, "aws_session_token": token,
				}}, view.Profiles, "botocore: exactly one profile with exactly its keys")
				assert.Equal(t, []string{keyID, secret, token}, []string{view.Key, view.Secret, view.Token}, "botocore")

				files2 := func(o *config.LoadSharedConfigOptions) {
					o.ConfigFiles = []string{files.Config}
					o.CredentialsFiles = []string{files.Credentials}
				}
				sc, err := config.LoadSharedConfigProfile(ctx, "prod", files2)
				require.NoError(t, err, "Go SDK")
				assert.Equal(t, "us-east-1", sc.Region)
				assert.Equal(t, []string{keyID, secret, token},
					[]string{sc.Credentials.AccessKeyID, sc.Credentials.SecretAccessKey, sc.Credentials.SessionToken}, "Go SDK")
				for _, other := range []string{"default", "injected"} {
					_, err := config.LoadSharedConfigProfile(ctx, other, files2)
					var missing config.SharedConfigProfileNotExistError
					assert.True(t, errors.As(err, &missing), "Go SDK: no profile %s (%v)", other, err)
				}
			})
		}
	}
}
