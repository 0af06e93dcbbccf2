package e2e

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/federate-action/federate/internal/runner/runnertest"
	"github.com/federate-action/federate/internal/testbed"
)

// newOptionDefaults are action.yml's defaults of the AWS options added with
// the profiles, which the runner passes like any input.
var newOptionDefaults = map[string]string{
	"role-chaining":             "false",
	"overwrite-aws-profile":     "false",
	"unset-current-credentials": "false",
	"use-existing-credentials":  "false",
	"refresh-credentials":       "false",
}

// profilesInputs is a step with aws-profiles and no role-to-assume: the
// profiles, moto, and action.yml's defaults (output-env-credentials has
// none, so the runner passes nothing for it).
func profilesInputs(endpoint, profiles string) map[string]string {
	in := with(tutorialInputs(endpoint), newOptionDefaults)
	delete(in, "role-to-assume")
	delete(in, "output-env-credentials")
	in["role-session-name"] = "GitHubActions"
	in["aws-region"] = "us-east-1"
	in["aws-profiles"] = profiles
	return in
}

// roleInputs is the tutorial's role-to-assume step with the new options'
// defaults, and without output-env-credentials (no default any more).
func roleInputs(endpoint string) map[string]string {
	in := with(tutorialInputs(endpoint), newOptionDefaults)
	delete(in, "output-env-credentials")
	return in
}

// stepDir is a step directory that outlives the step, so later steps (and
// the post step) of the same "job" share its RUNNER_TEMP.
func stepDir(t *testing.T) string {
	t.Helper()
	return filepath.Join(t.TempDir(), "step")
}

// filesDirName is the shape of the directory the step writes its files to.
var filesDirName = regexp.MustCompile(`^federate-[0-9a-f]{8}$`)

// profileFiles are the AWS files a step exported, as later steps see them.
type profileFiles struct {
	Config, Credentials, Dir string
}

// Env is what a later step needs to use profile (empty: no AWS_PROFILE).
func (f profileFiles) Env(profile string) map[string]string {
	env := map[string]string{"AWS_CONFIG_FILE": f.Config, "AWS_SHARED_CREDENTIALS_FILE": f.Credentials}
	if profile != "" {
		env["AWS_PROFILE"] = profile
	}
	return env
}

// exportedFiles checks the exported AWS_CONFIG_FILE and
// AWS_SHARED_CREDENTIALS_FILE: both in one new 0700 directory
// federate-XXXXXXXX under runnerTemp, both 0600.
func exportedFiles(t *testing.T, res testbed.Result, runnerTemp string) profileFiles {
	t.Helper()
	env := runnertest.ToMap(res.Env)
	f := profileFiles{Config: env["AWS_CONFIG_FILE"], Credentials: env["AWS_SHARED_CREDENTIALS_FILE"]}
	require.NotEmpty(t, f.Config, "AWS_CONFIG_FILE is exported")
	require.NotEmpty(t, f.Credentials, "AWS_SHARED_CREDENTIALS_FILE is exported")
	f.Dir = filepath.Dir(f.Config)
	assert.Equal(t, "config", filepath.Base(f.Config))
	assert.Equal(t, filepath.Join(f.Dir, "credentials"), f.Credentials)
	assert.Equal(t, runnerTemp, filepath.Dir(f.Dir), "the files are in the runner's temp directory")
	assert.Regexp(t, filesDirName, filepath.Base(f.Dir))
	assertMode(t, f.Dir, os.ModeDir|0o700)
	assertMode(t, f.Config, 0o600)
	assertMode(t, f.Credentials, 0o600)
	return f
}

func assertMode(t *testing.T, path string, want os.FileMode) {
	t.Helper()
	fi, err := os.Lstat(path)
	if assert.NoError(t, err) {
		assert.Equal(t, want.String(), (fi.Mode() & (os.ModeType | os.ModePerm)).String(), path)
	}
}

// noFilesDir asserts that nothing was left in runnerTemp.
func noFilesDir(t *testing.T, runnerTemp string) {
	t.Helper()
	entries, err := os.ReadDir(runnerTemp)
	require.NoError(t, err)
	for _, e := range entries {
		assert.NotRegexp(t, `^federate-`, e.Name(), "a failed step leaves no files directory")
	}
}

// stsKeyID is the shape of the access key ids moto's STS hands out.
var stsKeyID = regexp.MustCompile(`ASIA[A-Z0-9]{16}`)

// noKeyIDShown asserts that no temporary access key id shows in the log:
// on a failed step the keys it did get were never written, so their values
// are unknown to the test, but their shape is not.
func noKeyIDShown(t *testing.T, res testbed.Result) {
	t.Helper()
	assert.Empty(t, stsKeyID.FindAllString(runnertest.Visible(res.Stdout, res.Stderr), -1), "no access key id in the log")
	assert.Empty(t, stsKeyID.FindAllString(res.Summary, -1), "no access key id in the summary")
}

// runnerTempOf is the RUNNER_TEMP of a step run in dir (testbed's layout).
func runnerTempOf(dir string) string { return filepath.Join(dir, "runner_temp") }

// iniSections reads an AWS config or credentials file the simple way (one
// `key = value` per line; the files the step writes need no more): section
// name -> key -> value. A key given twice fails the test.
func iniSections(t *testing.T, path string) map[string]map[string]string {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	out := map[string]map[string]string{}
	var cur map[string]string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "" || strings.HasPrefix(line, "#") || strings.HasPrefix(line, ";"):
		case strings.HasPrefix(line, "[") && strings.HasSuffix(line, "]"):
			name := strings.TrimSpace(line[1 : len(line)-1])
			require.NotContains(t, out, name, "%s: section [%s] twice", path, name)
			cur = map[string]string{}
			out[name] = cur
		default:
			k, v, ok := strings.Cut(line, "=")
			require.True(t, ok, "%s: line %q", path, line)
			require.NotNil(t, cur, "%s: key outside a section", path)
			k = strings.TrimSpace(k)
			require.NotContains(t, cur, k, "%s: key %s twice", path, k)
			cur[k] = strings.TrimSpace(v)
		}
	}
	require.NoError(t, sc.Err())
	return out
}

// fileSecrets are the credentials written to the credentials file.
func fileSecrets(t *testing.T, path string) []string {
	t.Helper()
	var out []string
	for _, sec := range iniSections(t, path) {
		for _, k := range []string{"aws_access_key_id", "aws_secret_access_key", "aws_session_token"} {
			if v := sec[k]; v != "" {
				out = append(out, v)
			}
		}
	}
	return out
}

// assertMaskedEverywhere checks that every secret is masked and shows
// nowhere: not in the log once masks apply, not in the summary, not in
// the outputs.
func assertMaskedEverywhere(t *testing.T, res testbed.Result, secrets []string) {
	t.Helper()
	require.NotEmpty(t, secrets)
	masks := runnertest.Masks(res.Stdout)
	shown := runnertest.Visible(res.Stdout, res.Stderr)
	for _, s := range secrets {
		assert.Contains(t, masks, s, "every credential is masked")
		assert.NotContains(t, shown, s, "no credential in the log")
		assert.NotContains(t, res.Summary, s, "no credential in the job summary")
		assert.NotContains(t, res.OutputRaw, s, "no credential in the outputs")
	}
}

// profileOutput is one entry of the aws-profiles output.
type profileOutput struct {
	Name, Role, Account, Arn, Region, Source string
	Expiration                               time.Time
}

// profilesOutput decodes the aws-profiles output, refusing unknown fields
// (a secret would be one).
func profilesOutput(t *testing.T, res testbed.Result) []profileOutput {
	t.Helper()
	raw := runnertest.ToMap(res.Outputs)["aws-profiles"]
	require.NotEmpty(t, raw, "the aws-profiles output")
	var objs []map[string]any
	require.NoError(t, json.Unmarshal([]byte(raw), &objs), raw)
	var out []profileOutput
	for _, o := range objs {
		keys := make([]string, 0, len(o))
		for k := range o {
			keys = append(keys, k)
		}
		want := []string{"name", "role", "account", "arn", "region", "expiration"}
		if _, ok := o["source"]; ok {
			want = append(want, "source")
		}
		assert.ElementsMatch(t, want, keys, "fields of %v", o["name"])
		p := profileOutput{}
		p.Name, _ = o["name"].(string)
		p.Role, _ = o["role"].(string)
		p.Account, _ = o["account"].(string)
		p.Arn, _ = o["arn"].(string)
		p.Region, _ = o["region"].(string)
		p.Source, _ = o["source"].(string)
		exp, _ := o["expiration"].(string)
		var err error
		p.Expiration, err = time.Parse(time.RFC3339, exp)
		assert.NoError(t, err, "expiration of %s", p.Name)
		out = append(out, p)
	}
	return out
}

// sdkCallers are boto3 and the Go SDK, as later steps.
func sdkCallers(t *testing.T) []*testbed.SDKCaller {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	callers, err := testbed.SDKCallers(ctx)
	require.NoError(t, err, "SDK callers")
	return callers
}

// sdkCall runs one later step with c against sts and returns the one answer.
func sdkCall(t *testing.T, c *testbed.SDKCaller, sts string, env map[string]string) testbed.Identity {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	got, err := c.Call(ctx, sts, testbed.SDKCall{Env: env})
	require.NoError(t, err, c.Name)
	require.Empty(t, got.Error, "%s: the SDK's error", c.Name)
	require.Len(t, got.Calls, 1, c.Name)
	return got.Calls[0]
}

// assertIdentity checks what GetCallerIdentity answered.
func assertIdentity(t *testing.T, who string, got testbed.Identity, account, arn string) {
	t.Helper()
	assert.Equal(t, account, got.Account, who)
	assert.Equal(t, arn, got.Arn, who)
}

// accountOf is the account of a role ARN arn:aws:iam::ACCOUNT:role/NAME.
func accountOf(roleARN string) string {
	parts := strings.Split(roleARN, ":")
	if len(parts) < 5 {
		return ""
	}
	return parts[4]
}

// assumedARN is the session ARN of a role ARN assumed as session.
func assumedARN(roleARN, session string) string {
	name := roleARN[strings.LastIndex(roleARN, "/")+1:]
	return "arn:aws:sts::" + accountOf(roleARN) + ":assumed-role/" + name + "/" + session
}

// testRoles creates n roles in n new accounts of moto.
func testRoles(t *testing.T, n int) []string {
	t.Helper()
	_, m := servers(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	roles, err := m.Roles(ctx, n)
	require.NoError(t, err)
	return roles
}

// runPost runs the post step the way the runner does: the same binary
// called federate-post, the same inputs and job directory, and the main
// step's state as STATE_* variables.
func runPost(t *testing.T, dir string, in map[string]string, state []runnertest.Entry) testbed.Result {
	t.Helper()
	bin, _ := servers(t)
	post := filepath.Join(t.TempDir(), "federate-post")
	require.NoError(t, os.Symlink(bin, post))
	env := map[string]string{}
	for _, e := range state {
		env["STATE_"+e.Name] = e.Value
	}
	return run(t, testbed.Step{Binary: post, Inputs: in, Env: env, Dir: dir})
}

// envNames lists the names a step exported, in order.
func envNames(res testbed.Result) []string { return names(res.Env) }
