package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/federate-action/federate/internal/idtoken/idtokentest"
	"github.com/federate-action/federate/internal/testbed"
)

// sdkProfile is an AWS config file whose profile "ci" gets its credentials
// from the built binary's credential-process mode, with STS behind a
// counting proxy, as refresh-credentials writes it for later steps.
type sdkProfile struct {
	config, cache, role string
	sts                 *testbed.FaultProxy
	tokens              *idtokentest.Server
}

func newSDKProfile(t *testing.T, role string) sdkProfile {
	t.Helper()
	bin, moto := servers(t)
	tokens := tokenServer(t, idtokentest.Config{})
	proxy, err := testbed.NewFaultProxy(moto.URL)
	require.NoError(t, err)
	t.Cleanup(proxy.Close)
	dir := t.TempDir()
	p := sdkProfile{config: filepath.Join(dir, "config"), cache: filepath.Join(dir, "ci.json"),
		role: "arn:aws:iam::123456789012:role/" + role, sts: proxy, tokens: tokens}
	text := fmt.Sprintf("[profile ci]\nregion = us-east-1\ncredential_process = %s credential-process --role-arn %s --region us-east-1 --sts-endpoint %s --duration-seconds 900 --cache %s\n",
		bin, p.role, proxy.URL, p.cache)
	require.NoError(t, os.WriteFile(p.config, []byte(text), 0o600))
	return p
}

// env is what a later step of the job has: the config file, the token
// service, and STS's address for the SDK's own calls (moto, not the proxy,
// so the proxy counts only the credential process's calls).
func (p sdkProfile) env(motoURL string) map[string]string {
	env := p.tokens.Env()
	env["AWS_CONFIG_FILE"] = p.config
	env["AWS_SHARED_CREDENTIALS_FILE"] = p.config + ".absent"
	env["AWS_PROFILE"] = "ci"
	env["AWS_ENDPOINT_URL_STS"] = motoURL
	return env
}

// stale moves the cached credentials' Expiration into the past.
func (p sdkProfile) stale(t *testing.T) {
	t.Helper()
	b, err := os.ReadFile(p.cache)
	require.NoError(t, err)
	var doc map[string]any
	require.NoError(t, json.Unmarshal(b, &doc))
	doc["Expiration"] = "2000-01-01T00:00:00Z"
	b, err = json.Marshal(doc)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(p.cache, b, 0o600))
}

// boto3Python is the Python that has boto3, the one moto_server runs on.
func boto3Python(t *testing.T) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	py, err := testbed.Boto3Python(ctx)
	require.NoError(t, err)
	return py
}

func TestCredentialProcess_Boto3RerunsTheProcessAfterExpiry(t *testing.T) {
	t.Parallel()
	p := newSDKProfile(t, "boto3-reader")
	py := boto3Python(t)

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, py, filepath.Join("testdata", "boto3_caller_identity.py"), p.cache)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}
	for k, v := range p.env(moto.URL) {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)

	arns := strings.Fields(string(out))
	require.Len(t, arns, 3, "%s", out)
	for _, arn := range arns {
		assert.Equal(t, "arn:aws:sts::123456789012:assumed-role/boto3-reader/GitHubActions", arn)
	}
	// The first call assumed the role; the stale cache made boto3's rerun
	// of the process assume it again; the third call was served from the
	// new cache.
	assert.Equal(t, 2, p.sts.Requests())
	assert.Len(t, p.tokens.Requests(), 2)
	fi, err := os.Stat(p.cache)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
}

// The Go SDK hands credential_process the environment of the process that
// loads the config (processcreds copies os.Environ()), so this test sets
// the test process's own: it cannot run in parallel.
//
//nolint:tparallel // t.Setenv: see above
func TestCredentialProcess_GoSDKRerunsTheProcessAfterExpiry(t *testing.T) {
	p := newSDKProfile(t, "go-reader")
	for k, v := range p.env(moto.URL) {
		t.Setenv(k, v)
	}
	for _, k := range []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_REGION", "AWS_DEFAULT_REGION"} {
		t.Setenv(k, "")
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	// An expiry window as long as the credentials' life makes the SDK
	// rerun the process before each call, as it does when they near their
	// end; the process's cache decides whether STS is asked.
	cfg, err := config.LoadDefaultConfig(ctx, config.WithCredentialsCacheOptions(func(o *aws.CredentialsCacheOptions) {
		o.ExpiryWindow = 15 * time.Minute
	}))
	require.NoError(t, err)
	client := sts.NewFromConfig(cfg)

	call := func() string {
		out, err := client.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		require.NoError(t, err)
		return aws.ToString(out.Arn)
	}
	want := "arn:aws:sts::123456789012:assumed-role/go-reader/GitHubActions"
	assert.Equal(t, want, call())
	assert.Equal(t, want, call(), "served from the cache")
	assert.Equal(t, 1, p.sts.Requests())
	p.stale(t)
	assert.Equal(t, want, call())
	assert.Equal(t, 2, p.sts.Requests(), "the stale cache was refreshed")
	assert.Len(t, p.tokens.Requests(), 2)
}

func TestCredentialProcess_WithoutTheTokenServiceExitsOneWithOneLine(t *testing.T) {
	t.Parallel()
	bin, moto := servers(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "credential-process", "--role-arn", "arn:aws:iam::123456789012:role/x",
		"--region", "us-east-1", "--sts-endpoint", moto.URL, "--cache", filepath.Join(t.TempDir(), "c.json"))
	cmd.Env = []string{} // a step of a job without id-token: write
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	require.ErrorAs(t, err, &exit)
	assert.Equal(t, 1, exit.ExitCode())
	assert.Empty(t, stdout.String())
	assert.Equal(t, 1, strings.Count(stderr.String(), "\n"), stderr.String())
	assert.Contains(t, stderr.String(), "`permissions: id-token: write`")
}
