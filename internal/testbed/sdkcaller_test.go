package testbed

import (
	"context"
	"debug/buildinfo"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// startMotoForTest starts a real moto_server for one test and stops it after.
func startMotoForTest(t *testing.T, ctx context.Context) *Moto {
	t.Helper()
	var log syncBuffer
	m, err := StartMoto(ctx, &log)
	require.NoError(t, err, "moto_server output:\n%s", log.String())
	t.Cleanup(func() { assert.NoError(t, m.Stop()) })
	return m
}

// sdkCallersForTest returns both SDK callers or fails: a missing SDK is a
// failure, never a skip, as for moto_server.
func sdkCallersForTest(t *testing.T, ctx context.Context) []*SDKCaller {
	t.Helper()
	callers, err := SDKCallers(ctx)
	require.NoError(t, err)
	return callers
}

// accountOf returns the account field of an IAM or STS ARN.
func accountOf(arn string) string {
	parts := strings.Split(arn, ":")
	if len(parts) < 5 {
		return ""
	}
	return parts[4]
}

// writeFile writes a file the SDKs read, 0600 like the action's.
func writeFile(t *testing.T, path, text string) string {
	t.Helper()
	require.NoError(t, os.WriteFile(path, []byte(text), 0o600))
	return path
}

func TestSDKCallers_against_moto(t *testing.T) {
	if testing.Short() {
		t.Skip("runs real SDKs against a real moto_server; skipped with -short")
	}
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	m := startMotoForTest(t, ctx)
	callers := sdkCallersForTest(t, ctx)
	roles, err := m.Roles(ctx, 3)
	require.NoError(t, err)
	more, err := m.Roles(ctx, 1)
	require.NoError(t, err)

	accounts := map[string]bool{}
	for _, arn := range append(roles, more...) {
		account := accountOf(arn)
		assert.Regexp(t, `^\d{12}$`, account)
		assert.False(t, accounts[account], "account %s handed out twice", account)
		accounts[account] = true
	}

	// region is set both ways: botocore reads only AWS_DEFAULT_REGION.
	region := map[string]string{"AWS_REGION": "us-east-1", "AWS_DEFAULT_REGION": "us-east-1"}
	withRegion := func(env map[string]string) map[string]string {
		for k, v := range region {
			env[k] = v
		}
		return env
	}

	t.Run("env_credentials_answer_the_role_account", func(t *testing.T) {
		for i, role := range roles {
			session := "web-" + string(rune('a'+i))
			creds, assumedARN, err := m.AssumeRoleWithWebIdentity(ctx, role, session)
			require.NoError(t, err)
			assert.Equal(t, "arn:aws:sts::"+accountOf(role)+":assumed-role/deploy/"+session, assumedARN)
			for _, c := range callers {
				start := time.Now()
				got, err := c.Call(ctx, m.URL, SDKCall{Env: withRegion(creds.Env()), Calls: 2})
				require.NoError(t, err, c.Name)
				t.Logf("%s: one process, two calls: %v", c.Name, time.Since(start).Round(time.Millisecond))
				require.Empty(t, got.Error, c.Name)
				require.Len(t, got.Calls, 2, c.Name)
				for _, id := range got.Calls {
					assert.Equal(t, accountOf(role), id.Account, c.Name)
					assert.Equal(t, assumedARN, id.Arn, c.Name)
					assert.True(t, strings.HasSuffix(id.UserId, ":"+session), "%s: %s", c.Name, id.UserId)
					assert.Equal(t, creds.AccessKeyID, id.AccessKeyID, c.Name)
				}
				assert.Equal(t, got.Calls[0].UserId, got.Calls[1].UserId, "%s: the role exists, so UserId is stable", c.Name)
				assert.Zero(t, got.KeyChanges(), c.Name)
			}
		}
	})

	t.Run("source_profile_chain_answers_the_target_account", func(t *testing.T) {
		source, target := roles[0], more[0]
		creds, _, err := m.AssumeRoleWithWebIdentity(ctx, source, "web")
		require.NoError(t, err)
		dir := t.TempDir()
		config := writeFile(t, filepath.Join(dir, "config"), strings.Join([]string{
			"[profile base]",
			"region = us-east-1",
			"",
			"[profile chained]",
			"source_profile = base",
			"role_arn = " + target,
			"role_session_name = chained",
			"region = us-east-1",
			"",
		}, "\n"))
		credentials := writeFile(t, filepath.Join(dir, "credentials"), strings.Join([]string{
			"[base]",
			"aws_access_key_id = " + creds.AccessKeyID,
			"aws_secret_access_key = " + creds.SecretAccessKey,
			"aws_session_token = " + creds.SessionToken,
			"",
		}, "\n"))
		for _, c := range callers {
			for profile, want := range map[string]string{
				"base":    "arn:aws:sts::" + accountOf(source) + ":assumed-role/deploy/web",
				"chained": "arn:aws:sts::" + accountOf(target) + ":assumed-role/deploy/chained",
			} {
				got, err := c.Call(ctx, m.URL, SDKCall{Env: map[string]string{
					"AWS_CONFIG_FILE":             config,
					"AWS_SHARED_CREDENTIALS_FILE": credentials,
					"AWS_PROFILE":                 profile,
				}})
				require.NoError(t, err, c.Name)
				require.Empty(t, got.Error, "%s %s", c.Name, profile)
				require.Len(t, got.Calls, 1)
				assert.Equal(t, accountOf(want), got.Calls[0].Account, "%s %s", c.Name, profile)
				assert.Equal(t, want, got.Calls[0].Arn, "%s %s", c.Name, profile)
			}
		}
	})

	t.Run("credential_process_runs_as_each_sdk_decides", func(t *testing.T) {
		creds, assumedARN, err := m.AssumeRoleWithWebIdentity(ctx, roles[1], "process")
		require.NoError(t, err)
		for name, tc := range map[string]struct {
			expiresIn time.Duration
			runs      map[string]int // per SDK, for 3 calls
		}{
			"far_from_expiry_runs_once": {time.Hour, map[string]int{"boto3": 1, "aws-sdk-go-v2": 1}},
			// botocore refreshes on every call inside its 15-minute advisory
			// window (once on load, then once per call); the Go SDK only once
			// the credentials have expired.
			"boto3_reruns_inside_15_minutes_of_expiry": {12 * time.Minute, map[string]int{"boto3": 4, "aws-sdk-go-v2": 1}},
		} {
			t.Run(name, func(t *testing.T) {
				for _, c := range callers {
					dir := t.TempDir()
					runs := filepath.Join(dir, "runs")
					process := writeCredentialProcess(t, dir, runs, creds, time.Now().Add(tc.expiresIn))
					config := writeFile(t, filepath.Join(dir, "config"),
						"[profile p]\nregion = us-east-1\ncredential_process = "+process+"\n")
					got, err := c.Call(ctx, m.URL, SDKCall{Calls: 3, Env: map[string]string{
						"AWS_CONFIG_FILE": config, "AWS_PROFILE": "p",
					}})
					require.NoError(t, err, c.Name)
					require.Empty(t, got.Error, c.Name)
					require.Len(t, got.Calls, 3, c.Name)
					assert.Equal(t, assumedARN, got.Calls[2].Arn, c.Name)
					assert.Zero(t, got.KeyChanges(), "%s: the process hands out the same key", c.Name)
					text, err := os.ReadFile(runs)
					require.NoError(t, err)
					assert.Equal(t, tc.runs[c.Name], strings.Count(string(text), "\n"), "%s: credential_process runs", c.Name)
				}
			})
		}
	})

	// botocore splits credential_process with shlex and runs it without a
	// shell; the Go SDK hands the whole line to `sh -c`, after its ini reader
	// has cut the value at " #" / " ;" and removed one pair of quotes around
	// the whole value. sdkQuote's words survive all three.
	t.Run("credential_process_quoting_both_sdks_accept", func(t *testing.T) {
		creds, assumedARN, err := m.AssumeRoleWithWebIdentity(ctx, roles[2], "quoted")
		require.NoError(t, err)
		hostile := `it's a "$HOME" #dir ;x	#y \n`
		for _, c := range callers {
			dir := t.TempDir()
			process := writeCredentialProcess(t, dir, filepath.Join(dir, "runs"), creds, time.Now().Add(time.Hour))
			checked := writeArgCheck(t, dir, process, hostile)
			config := writeFile(t, filepath.Join(dir, "config"),
				"[profile p]\nregion = us-east-1\ncredential_process = "+sdkQuote(checked)+" "+sdkQuote(hostile)+"\n")
			got, err := c.Call(ctx, m.URL, SDKCall{Env: map[string]string{"AWS_CONFIG_FILE": config, "AWS_PROFILE": "p"}})
			require.NoError(t, err, c.Name)
			require.Empty(t, got.Error, c.Name)
			require.Len(t, got.Calls, 1, c.Name)
			assert.Equal(t, assumedARN, got.Calls[0].Arn, c.Name)
		}
	})

	t.Run("go_sdk_strips_quotes_around_the_whole_credential_process", func(t *testing.T) {
		creds, _, err := m.AssumeRoleWithWebIdentity(ctx, roles[2], "quoted")
		require.NoError(t, err)
		dir := filepath.Join(t.TempDir(), "a dir")
		require.NoError(t, os.Mkdir(dir, 0o700))
		process := writeCredentialProcess(t, dir, filepath.Join(dir, "runs"), creds, time.Now().Add(time.Hour))
		config := writeFile(t, filepath.Join(dir, "config"),
			"[profile p]\nregion = us-east-1\ncredential_process = "+shellQuote(process)+"\n")
		for _, c := range callers {
			got, err := c.Call(ctx, m.URL, SDKCall{Env: map[string]string{"AWS_CONFIG_FILE": config, "AWS_PROFILE": "p"}})
			require.NoError(t, err, c.Name)
			if c.Name == "boto3" {
				assert.Empty(t, got.Error, "boto3 keeps the quotes for shlex")
			} else {
				assert.Contains(t, got.Error, "credential_process", "sh -c gets the path unquoted and splits it at the space")
				t.Logf("%s: %s", c.Name, got.Error)
			}
		}
	})

	t.Run("sdk_errors_come_back_as_text", func(t *testing.T) {
		dir := t.TempDir()
		config := writeFile(t, filepath.Join(dir, "config"), "[profile other]\nregion = us-east-1\n")
		for _, c := range callers {
			for name, env := range map[string]map[string]string{
				"no_credentials":  withRegion(map[string]string{}),
				"unknown_profile": {"AWS_CONFIG_FILE": config, "AWS_PROFILE": "missing"},
			} {
				got, err := c.Call(ctx, m.URL, SDKCall{Env: env})
				require.NoError(t, err, "%s %s: an SDK error is an answer, not a harness failure", c.Name, name)
				assert.NotEmpty(t, got.Error, "%s %s", c.Name, name)
				t.Logf("%s %s: %s", c.Name, name, got.Error)
				assert.Empty(t, got.Calls, "%s %s", c.Name, name)
			}
		}
	})
}

// writeCredentialProcess writes an executable credential_process that appends
// a line to runs each time it runs and prints creds as the SDKs' JSON.
func writeCredentialProcess(t *testing.T, dir, runs string, creds MotoCredentials, expires time.Time) string {
	t.Helper()
	body, err := json.Marshal(map[string]any{
		"Version":         1,
		"AccessKeyId":     creds.AccessKeyID,
		"SecretAccessKey": creds.SecretAccessKey,
		"SessionToken":    creds.SessionToken,
		"Expiration":      expires.UTC().Format(time.RFC3339),
	})
	require.NoError(t, err)
	jsonPath := writeFile(t, filepath.Join(dir, "creds.json"), string(body))
	script := filepath.Join(dir, "process")
	require.NoError(t, os.WriteFile(script, []byte("#!/bin/sh\necho run >> "+shellQuote(runs)+"\ncat "+shellQuote(jsonPath)+"\n"), 0o700))
	return script
}

// writeArgCheck writes a script that runs process only when its one argument
// is exactly want, so a wrongly split credential_process line fails.
func writeArgCheck(t *testing.T, dir, process, want string) string {
	t.Helper()
	script := filepath.Join(dir, "check-arg")
	text := "#!/bin/sh\n[ \"$#\" = 1 ] && [ \"$1\" = " + shellQuote(want) + " ] || { echo \"bad args: $*\" >&2; exit 1; }\nexec " + shellQuote(process) + "\n"
	require.NoError(t, os.WriteFile(script, []byte(text), 0o700))
	return script
}

// sdkQuote makes s one word of a credential_process line that botocore
// (shlex, no shell) and the Go SDK (ini reader, then sh -c) read alike:
// plain words stay bare, so the line never starts with a quote the Go ini
// reader would strip; others are single-quoted (a quote inside becomes
// close-quote, backslash-quote, open-quote), and the quote is closed and
// reopened between a space or tab and a following # or ;, which the Go ini
// reader would take for the start of a comment.
func sdkQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_@%+=:,./-") == "" {
		return s
	}
	q := strings.ReplaceAll(s, "'", `'\''`)
	for _, pair := range []string{" #", " ;", "\t#", "\t;"} {
		q = strings.ReplaceAll(q, pair, pair[:1]+"''"+pair[1:])
	}
	return "'" + q + "'"
}

// shellQuote makes s one POSIX shell word.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// TestBuild_action_does_not_link_sdk_config keeps the SDK's config loader a
// test-only dependency: the action resolves nothing from shared files itself.
func TestBuild_action_does_not_link_sdk_config(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the action; skipped with -short")
	}
	t.Parallel()
	bin, err := Build(context.Background(), t.TempDir())
	require.NoError(t, err)
	info, err := buildinfo.ReadFile(bin)
	require.NoError(t, err)
	var mods []string
	for _, d := range info.Deps {
		mods = append(mods, d.Path)
	}
	assert.Contains(t, mods, "github.com/aws/aws-sdk-go-v2/service/sts", "sanity: the action links STS")
	assert.NotContains(t, mods, "github.com/aws/aws-sdk-go-v2/config")
}

func TestSDKAnswer_KeyChanges(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		keys []string
		want int
	}{
		"no_calls":          {nil, 0},
		"one_call":          {[]string{"A"}, 0},
		"same_key":          {[]string{"A", "A", "A"}, 0},
		"refreshed_once":    {[]string{"A", "A", "B"}, 1},
		"refreshed_each":    {[]string{"A", "B", "C"}, 2},
		"back_to_first_key": {[]string{"A", "B", "A"}, 2},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var a SDKAnswer
			for _, k := range tc.keys {
				a.Calls = append(a.Calls, Identity{AccessKeyID: k})
			}
			assert.Equal(t, tc.want, a.KeyChanges())
		})
	}
}

func TestShebang(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for name, tc := range map[string]struct {
		text, want string
	}{
		"absolute_interpreter": {"#!/root/.pyenv/versions/3.11.7/bin/python\nimport x\n", "/root/.pyenv/versions/3.11.7/bin/python"},
		"env_interpreter":      {"#!/usr/bin/env python3\n", "python3"},
		"no_shebang":           {"import x\n", ""},
		"empty_shebang":        {"#!\n", ""},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			path := writeFile(t, filepath.Join(dir, name), tc.text)
			assert.Equal(t, tc.want, shebang(path))
		})
	}
	assert.Empty(t, shebang(filepath.Join(dir, "does-not-exist")))
}
