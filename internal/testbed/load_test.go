package testbed

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/federate-action/federate/internal/idtoken/idtokentest"
	"github.com/federate-action/federate/internal/runner/runnertest"
)

// fakeMatrixAction plays the action for Load without AWS or Vault: it gets
// an ID token, calls the STS and Vault endpoints until they answer 200
// (throttled answers are retried), and exports what the real action would.
// Runs 3, 4 and 5 misbehave, each in a way Load must catch.
const fakeMatrixAction = `package main

import (
	"fmt"
	"net/http"
	"os"
	"strings"
	"time"
)

func appendTo(env, text string) {
	f, err := os.OpenFile(os.Getenv(env), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		panic(err)
	}
	defer f.Close()
	fmt.Fprint(f, text)
}

// call GETs url until it answers 200, logging each retry with retryLog.
func call(url string, header http.Header, retryLog string) {
	for attempt := 1; attempt <= 30; attempt++ {
		req, _ := http.NewRequest(http.MethodGet, url, nil)
		req.Header = header
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return
			}
			fmt.Printf(retryLog+": HTTP %d\n", attempt, resp.StatusCode)
		}
		time.Sleep(5 * time.Millisecond)
	}
	fmt.Println("::error::gave up on " + url)
	os.Exit(1)
}

func main() {
	call(os.Getenv("ACTIONS_ID_TOKEN_REQUEST_URL")+"&audience=sts.amazonaws.com",
		http.Header{"Authorization": {"Bearer " + os.Getenv("ACTIONS_ID_TOKEN_REQUEST_TOKEN")}}, "token attempt %d")
	call(os.Getenv("INPUT_STS-ENDPOINT")+"/", nil, "Attempt %d of 30 to assume the role failed")
	call(os.Getenv("INPUT_VAULT-URL")+"/v1/secret/data/aws", nil, "Vault attempt %d of 30 failed")
	account := strings.Split(os.Getenv("INPUT_ROLE-TO-ASSUME"), ":")[4]
	key, value := "key-"+account, "test"
	switch account {
	case "100000000003":
		fmt.Println("::error::boom")
		os.Exit(2)
	case "100000000004":
		fmt.Println("the key is " + key)
	case "100000000005":
		value = "wrong"
	}
	fmt.Println("::add-mask::" + key)
	fmt.Println("::add-mask::secret-" + account)
	fmt.Println("::add-mask::token-" + account)
	fmt.Println("::add-mask::" + value)
	appendTo("GITHUB_ENV", "AWS_ACCESS_KEY_ID="+key+"\nAWS_SECRET_ACCESS_KEY=secret-"+account+
		"\nAWS_SESSION_TOKEN=token-"+account+"\nVAULT_KEY="+value+"\n")
	appendTo("GITHUB_OUTPUT", "aws-account-id="+account+"\n")
}
`

// buildMatrixFake builds fakeMatrixAction in a throwaway module under
// t's temp dir.
func buildMatrixFake(t *testing.T) string {
	t.Helper()
	mod := filepath.Join(t.TempDir(), "mod")
	require.NoError(t, os.MkdirAll(mod, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(mod, "go.mod"), []byte("module example.com/fakematrix\n\ngo 1.22\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(mod, "main.go"), []byte(fakeMatrixAction), 0o644))
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	bin, err := BuildModule(ctx, mod, filepath.Join(filepath.Dir(mod), "bin"))
	require.NoError(t, err)
	return bin
}

func httpsTokens(t *testing.T) *idtokentest.Server {
	t.Helper()
	s, err := idtokentest.New(idtokentest.Config{TLS: true})
	require.NoError(t, err)
	t.Cleanup(s.Close)
	return s
}

// TestLoad runs Load on a fake action against stand-in servers; the real
// thing, against moto and Vault, is e2e's TestLoad_MatrixOfTwentyAccounts.
func TestLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a fake action; skipped with -short")
	}
	bin := buildMatrixFake(t) // removed once every subtest is done
	for name, test := range map[string]func(*testing.T, string){
		"counts_runs_throttles_and_failures": testLoadCountsRunsThrottlesAndFailures,
		"MaxParallel_and_no_throttling":      testLoadMaxParallelAndNoThrottling,
		"context_cuts_it_short":              testLoadContextCutsItShort,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			test(t, bin)
		})
	}
}

func testLoadCountsRunsThrottlesAndFailures(t *testing.T, bin string) {
	sts, vault := newBackend(t), newBackend(t)
	tokens := httpsTokens(t)
	dir := t.TempDir()

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	const n = 12
	res, err := Load(ctx, LoadConfig{N: n, Binary: bin, STS: sts.URL, Vault: &Vault{URL: vault.URL},
		Tokens: tokens, ThrottleRate: 0.3, Seed: 3, Dir: dir})
	require.NoError(t, err)

	assert.Equal(t, n, res.N)
	assert.Equal(t, n-3, res.Successes)
	assert.Equal(t, 3, res.Failures)
	require.Len(t, res.FailureTexts, 3)
	assert.Contains(t, res.FailureTexts[0], "run 3 (account 100000000003): exit code 2")
	assert.Contains(t, res.FailureTexts[0], "::error::boom", "the log comes with the failure")
	assert.Contains(t, res.FailureTexts[1], "run 4 (account 100000000004): a masked value shows in the log")
	assert.NotContains(t, res.FailureTexts[1], "key-100000000004", "failure texts are masked too")
	assert.Contains(t, res.FailureTexts[2], `run 5 (account 100000000005): VAULT_KEY is "wrong", want "test"`)

	// Every request past a throttle reached the server; the fake retries
	// until it gets through, so each run got through once.
	assert.Equal(t, n, res.TokenRequests)
	assert.Positive(t, res.STSThrottled)
	assert.Positive(t, res.VaultThrottled)
	assert.EqualValues(t, n, sts.hits.Load())
	assert.EqualValues(t, n, vault.hits.Load())
	assert.Equal(t, n+res.STSThrottled, res.STSRequests)
	assert.Equal(t, n+res.VaultThrottled, res.VaultRequests)
	assert.Equal(t, res.STSThrottled+res.VaultThrottled, res.Retries, "each throttled request was retried, and logged")
	assert.Positive(t, res.MaxRetries)

	assert.Positive(t, res.P50)
	assert.LessOrEqual(t, res.P50, res.P95)
	assert.LessOrEqual(t, res.P95, res.Max)
	assert.GreaterOrEqual(t, res.Elapsed, res.Max)

	runs, err := filepath.Glob(filepath.Join(dir, "run-*"))
	require.NoError(t, err)
	assert.Len(t, runs, n, "each run has its own directory under Dir")
}

func testLoadMaxParallelAndNoThrottling(t *testing.T, bin string) {
	sts, vault := newBackend(t), newBackend(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	res, err := Load(ctx, LoadConfig{N: 3, Binary: bin, STS: sts.URL, Vault: &Vault{URL: vault.URL},
		Tokens: httpsTokens(t), MaxParallel: 1})
	require.NoError(t, err)
	assert.Equal(t, 3, res.Successes, res.FailureTexts)
	assert.Zero(t, res.STSThrottled)
	assert.Zero(t, res.VaultThrottled)
	assert.Equal(t, 3, res.STSRequests)
	assert.GreaterOrEqual(t, res.Elapsed, 3*res.P50/2, "one run at a time")
}

func testLoadContextCutsItShort(t *testing.T, bin string) {
	sts, vault := newBackend(t), newBackend(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	res, err := Load(ctx, LoadConfig{N: 4, Binary: bin, STS: sts.URL, Vault: &Vault{URL: vault.URL},
		Tokens: httpsTokens(t), ThrottleRate: 1})
	require.ErrorIs(t, err, context.Canceled)
	assert.Equal(t, 4, res.Failures)
	assert.Zero(t, res.Successes)
}

func TestLoadConfig_check(t *testing.T) {
	t.Parallel()
	tokens := httpsTokens(t)
	plain, err := idtokentest.New(idtokentest.Config{})
	require.NoError(t, err)
	t.Cleanup(plain.Close)
	good := LoadConfig{N: 1, Binary: "/bin/true", STS: "http://127.0.0.1:1", Vault: &Vault{URL: "http://127.0.0.1:2"}, Tokens: tokens, ThrottleRate: 0.2}
	require.NoError(t, good.check())

	cases := []struct {
		name   string
		change func(*LoadConfig)
		want   string
	}{
		{"no_runs", func(c *LoadConfig) { c.N = 0 }, "N is 0"},
		{"no_binary", func(c *LoadConfig) { c.Binary = "" }, "no action binary"},
		{"no_sts", func(c *LoadConfig) { c.STS = "" }, "no STS URL"},
		{"no_vault", func(c *LoadConfig) { c.Vault = nil }, "no Vault server"},
		{"no_tokens", func(c *LoadConfig) { c.Tokens = nil }, "no token service"},
		{"plain_http_tokens", func(c *LoadConfig) { c.Tokens = plain }, "HTTPS issuer"},
		{"rate_above_one", func(c *LoadConfig) { c.ThrottleRate = 1.2 }, "ThrottleRate 1.2"},
		{"negative_rate", func(c *LoadConfig) { c.ThrottleRate = -0.1 }, "ThrottleRate -0.1"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := good
			tc.change(&c)
			_, err := Load(context.Background(), c)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

func TestLoadAccount(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for i := range 1000 {
		a := LoadAccount(i)
		assert.Regexp(t, regexp.MustCompile(`^[0-9]{12}$`), a)
		assert.False(t, seen[a], "account %s twice", a)
		seen[a] = true
	}
}

func TestLoadConfig_inputs(t *testing.T) {
	t.Parallel()
	in := LoadConfig{}.inputs(7, "http://sts", "http://vault")
	assert.Equal(t, "arn:aws:iam::100000000007:role/deploy", in["role-to-assume"])
	assert.Equal(t, "http://sts", in["sts-endpoint"])
	assert.Equal(t, "http://vault", in["vault-url"])
	assert.Equal(t, TutorialRole, in["vault-role"])
	assert.Equal(t, LoadSecret, in["vault-secrets"])
	assert.Equal(t, "12", in["retry-max-attempts"])
	assert.Equal(t, "10", in["vault-retry-max-attempts"])
	assert.Equal(t, "us-east-1", in["aws-region"])
}

func TestCheckLoadRun(t *testing.T) {
	t.Parallel()
	good := func() Result {
		return Result{
			Stdout: "::add-mask::AKIA1\n::add-mask::sec%0Aret\n::add-mask::tok\n::add-mask::test\nAssumed the role\n",
			Env: []runnertest.Entry{{Name: "AWS_ACCESS_KEY_ID", Value: "AKIA1"}, {Name: "AWS_SECRET_ACCESS_KEY", Value: "sec\nret"},
				{Name: "AWS_SESSION_TOKEN", Value: "tok"}, {Name: "VAULT_KEY", Value: "test"}},
			Outputs: []runnertest.Entry{{Name: "aws-account-id", Value: LoadAccount(2)}},
		}
	}
	assert.Empty(t, checkLoadRun(2, good(), nil))

	cases := []struct {
		name   string
		change func(*Result) error
		want   string
	}{
		{"could_not_run", func(*Result) error { return fmt.Errorf("step: boom") }, "step: boom"},
		{"exit_code", func(r *Result) error { r.ExitCode = 1; return nil }, "exit code 1"},
		{"other_account", func(r *Result) error { r.Outputs[0].Value = LoadAccount(3); return nil }, `aws-account-id is "100000000003"`},
		{"no_secret", func(r *Result) error { r.Env = r.Env[:3]; return nil }, `VAULT_KEY is ""`},
		{"no_credentials", func(r *Result) error { r.Env = r.Env[3:]; return nil }, "AWS credentials missing"},
		{"unmasked_secret", func(r *Result) error {
			r.Stdout = strings.Replace(r.Stdout, "::add-mask::tok\n", "", 1)
			return nil
		}, "was not masked"},
		{"printed_before_its_mask", func(r *Result) error { r.Stdout = "token tok\n" + r.Stdout; return nil }, "a masked value shows in the log"},
		{"secret_on_stderr", func(r *Result) error { r.Stderr = "tok\n"; return nil }, "a masked value shows in the log"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := good()
			err := tc.change(&r)
			got := checkLoadRun(2, r, err)
			assert.Contains(t, got, "run 2 (account 100000000002): ")
			assert.Contains(t, got, tc.want)
		})
	}
}

func TestRetryLine(t *testing.T) {
	t.Parallel()
	log := strings.Join([]string{
		"Assuming arn:aws:iam::100000000001:role/deploy in us-east-1 as session matrix-1",
		"Attempt 1 of 12 to assume the role failed: Throttling: Rate exceeded; retrying in 170ms (each attempt asks for a new ID token)",
		"Vault attempt 1 of 10 failed: Error making API request. Code: 429. Errors: * rate limit quota exceeded; retrying in 200ms",
		"Vault attempt 2 of 10 failed: ...; retrying in 400ms",
		"Logged in to Vault",
	}, "\n")
	assert.Len(t, retryLine.FindAllStringIndex(log, -1), 3)
}

func TestPercentile(t *testing.T) {
	t.Parallel()
	ms := func(v ...int) []time.Duration {
		out := make([]time.Duration, len(v))
		for i, x := range v {
			out[i] = time.Duration(x) * time.Millisecond
		}
		return out
	}
	assert.Zero(t, percentile(nil, 0.5))
	assert.Equal(t, 7*time.Millisecond, percentile(ms(7), 0.95))
	hundred := make([]int, 100)
	for i := range hundred {
		hundred[i] = i + 1
	}
	assert.Equal(t, 50*time.Millisecond, percentile(ms(hundred...), 0.50))
	assert.Equal(t, 95*time.Millisecond, percentile(ms(hundred...), 0.95))
	assert.Equal(t, 2*time.Millisecond, percentile(ms(1, 2, 3), 0.5))
	assert.Equal(t, 3*time.Millisecond, percentile(ms(1, 2, 3), 0.95))
}
