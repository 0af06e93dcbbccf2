package testbed

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/federate-action/federate/internal/idtoken/idtokentest"
	"github.com/federate-action/federate/internal/runner/runnertest"
)

// Throttling answers, as the servers send them when a rate limit hits.
var (
	// STSThrottling is STS's answer to too many requests.
	STSThrottling = Fault{Status: 400, Body: STSError("Throttling", "Rate exceeded")}
	// VaultThrottling is Vault's answer when a rate limit quota is exceeded.
	VaultThrottling = Fault{Status: 429, Body: `{"errors":["rate limit quota exceeded"]}`}
)

// LoadSecret is the Vault secret each run of Load reads, as the
// vault-secrets input names it, and the value ConfigureTutorial stored.
const (
	LoadSecret      = "secret/data/aws accessKey | VAULT_KEY"
	loadSecretName  = "VAULT_KEY"
	loadSecretValue = "test"
)

// maxFailureTexts bounds LoadResult.FailureTexts.
const maxFailureTexts = 5

// LoadConfig describes a simulated matrix deploy: N runs of the action at
// once, run i assuming role/deploy in account LoadAccount(i) and reading
// LoadSecret, against one STS (moto) and one Vault, each behind a FaultProxy
// that throttles a share of the requests.
type LoadConfig struct {
	N      int    // runs, all started at once unless MaxParallel says otherwise
	Binary string // the action, as Build returns it
	STS    string // moto_server's URL
	// Vault must be configured with ConfigureTutorial for Tokens' issuer
	// and owner: each run logs in with role TutorialRole.
	Vault *Vault
	// Tokens is the runner's token service; it must serve HTTPS (Vault
	// verifies the tokens against the issuer over HTTPS). The runs trust
	// its certificate through SSL_CERT_FILE.
	Tokens *idtokentest.Server
	// ThrottleRate is the probability (0 to 1) that a request to STS or to
	// Vault is answered with STSThrottling or VaultThrottling instead.
	ThrottleRate float64
	// Seed seeds the throttling: STS draws with Seed, Vault with Seed+1.
	Seed int64

	MaxParallel int    // runs in flight at most; 0 = N (every run at once)
	Dir         string // holds the runs' directories (created if need be, left in place); "" = a temp dir removed afterwards
}

// LoadResult is what Load measured. The wall times are over every run that
// started a process, failed or not.
type LoadResult struct {
	N, Successes, Failures int
	FailureTexts           []string // the first few failures, with their (masked) logs
	P50, P95, Max          time.Duration
	Elapsed                time.Duration // from the first start to the last exit

	STSRequests, STSThrottled     int // requests that reached the STS proxy, and those it throttled
	VaultRequests, VaultThrottled int // the same for Vault
	TokenRequests                 int // requests to the token service during the runs (anyone else's included, if it is shared)

	// Retries counts the retries the runs logged (STS and Vault), and
	// MaxRetries is the most one run logged.
	Retries, MaxRetries int
}

// LoadAccount is the 12-digit AWS account of run i.
func LoadAccount(i int) string {
	return fmt.Sprintf("1000%08d", i)
}

// Load runs the matrix cfg describes and checks each run: exit code 0,
// aws-account-id is its own account, VAULT_KEY holds the secret, and no
// masked value (credentials, ID token, Vault token, secret) shows in the
// log. A failed run is counted, not an error; the error is for a matrix
// that could not be set up or that ctx cut short (the result then holds
// what was measured).
func Load(ctx context.Context, cfg LoadConfig) (LoadResult, error) {
	if err := cfg.check(); err != nil {
		return LoadResult{}, err
	}
	dir := cfg.Dir
	if dir == "" {
		tmp, err := os.MkdirTemp("", "federate-load-*")
		if err != nil {
			return LoadResult{}, fmt.Errorf("load: %w", err)
		}
		defer os.RemoveAll(tmp)
		dir = tmp
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		return LoadResult{}, fmt.Errorf("load: %w", err)
	}
	env, err := cfg.Tokens.TrustingEnv(dir)
	if err != nil {
		return LoadResult{}, fmt.Errorf("load: %w", err)
	}
	sts, err := NewFaultProxy(cfg.STS)
	if err != nil {
		return LoadResult{}, fmt.Errorf("load: STS: %w", err)
	}
	defer sts.Close()
	sts.SetRandom(cfg.ThrottleRate, STSThrottling, cfg.Seed)
	vault, err := NewFaultProxy(cfg.Vault.URL)
	if err != nil {
		return LoadResult{}, fmt.Errorf("load: Vault: %w", err)
	}
	defer vault.Close()
	vault.SetRandom(cfg.ThrottleRate, VaultThrottling, cfg.Seed+1)

	parallel := cfg.MaxParallel
	if parallel <= 0 || parallel > cfg.N {
		parallel = cfg.N
	}
	slots := make(chan struct{}, parallel)
	outcomes := make([]loadOutcome, cfg.N)
	tokensBefore := len(cfg.Tokens.Requests())
	start := time.Now()
	var wg sync.WaitGroup
	for i := range cfg.N {
		wg.Go(func() {
			select {
			case slots <- struct{}{}:
				defer func() { <-slots }()
			case <-ctx.Done():
				outcomes[i] = loadOutcome{failure: fmt.Sprintf("run %d: not started: %v", i, ctx.Err())}
				return
			}
			step := Step{
				Binary: cfg.Binary,
				Inputs: cfg.inputs(i, sts.URL, vault.URL),
				Env:    env,
				Dir:    filepath.Join(dir, fmt.Sprintf("run-%04d", i)),
			}
			res, err := step.Run(ctx)
			outcomes[i] = loadOutcome{wall: res.Wall, retries: len(retryLine.FindAllStringIndex(res.Stdout, -1)),
				failure: checkLoadRun(i, res, err)}
		})
	}
	wg.Wait()

	r := LoadResult{
		N:       cfg.N,
		Elapsed: time.Since(start),
		// The proxies are ours alone, so their counts are this matrix's.
		STSRequests: sts.Requests(), STSThrottled: sts.Faulted(),
		VaultRequests: vault.Requests(), VaultThrottled: vault.Faulted(),
		TokenRequests: len(cfg.Tokens.Requests()) - tokensBefore,
	}
	var walls []time.Duration
	for _, o := range outcomes {
		r.Retries += o.retries
		r.MaxRetries = max(r.MaxRetries, o.retries)
		if o.wall > 0 {
			walls = append(walls, o.wall)
		}
		if o.failure == "" {
			r.Successes++
			continue
		}
		r.Failures++
		if len(r.FailureTexts) < maxFailureTexts {
			r.FailureTexts = append(r.FailureTexts, o.failure)
		}
	}
	slices.Sort(walls)
	r.P50, r.P95 = percentile(walls, 0.50), percentile(walls, 0.95)
	if len(walls) > 0 {
		r.Max = walls[len(walls)-1]
	}
	if err := ctx.Err(); err != nil {
		return r, fmt.Errorf("load: cut short after %s: %w", r.Elapsed.Round(time.Millisecond), err)
	}
	return r, nil
}

// loadOutcome is one run's wall time, retries and, if it failed, why.
type loadOutcome struct {
	wall    time.Duration
	retries int
	failure string // "" when the run passed every check
}

// retryLine matches the action's log line for a retry, STS's or Vault's.
var retryLine = regexp.MustCompile(`(?m)(Attempt \d+ of \d+ to assume the role failed|Vault attempt \d+ of \d+ failed)`)

func (c LoadConfig) check() error {
	var errs []error
	if c.N < 1 {
		errs = append(errs, fmt.Errorf("the matrix needs at least one run (N is %d)", c.N))
	}
	if c.Binary == "" {
		errs = append(errs, errors.New("no action binary (Binary)"))
	}
	if c.STS == "" {
		errs = append(errs, errors.New("no STS URL"))
	}
	if c.Vault == nil {
		errs = append(errs, errors.New("no Vault server"))
	}
	if c.Tokens == nil {
		errs = append(errs, errors.New("no token service"))
	} else if c.Tokens.CAPEM() == "" {
		errs = append(errs, errors.New("the token service serves plain HTTP; Vault needs an HTTPS issuer (idtokentest.Config{TLS: true})"))
	}
	if !(c.ThrottleRate >= 0 && c.ThrottleRate <= 1) {
		errs = append(errs, fmt.Errorf("the throttle rate (ThrottleRate %v) is not within [0, 1]", c.ThrottleRate))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("load: %w", err)
	}
	return nil
}

// inputs are run i's inputs, with the action.yml defaults the runner
// passes like any input, except vault-retry-max-attempts: 10 instead of 5,
// as a matrix expecting throttling would set it.
func (c LoadConfig) inputs(i int, stsURL, vaultURL string) map[string]string {
	return map[string]string{
		"role-to-assume":           "arn:aws:iam::" + LoadAccount(i) + ":role/deploy",
		"role-session-name":        fmt.Sprintf("matrix-%d", i),
		"aws-region":               "us-east-1",
		"sts-endpoint":             stsURL,
		"role-duration-seconds":    "3600",
		"output-credentials":       "false",
		"output-env-credentials":   "true",
		"mask-aws-account-id":      "false",
		"retry-max-attempts":       "12",
		"action-timeout-s":         "300",
		"vault-url":                vaultURL,
		"vault-method":             "jwt",
		"vault-role":               TutorialRole,
		"vault-secrets":            LoadSecret,
		"vault-export-env":         "true",
		"vault-export-token":       "false",
		"vault-output-token":       "false",
		"vault-ignore-not-found":   "false",
		"vault-tls-skip-verify":    "false",
		"vault-retry-max-attempts": "10",
	}
}

// checkLoadRun returns why run i failed, or "" if it did what it should.
func checkLoadRun(i int, res Result, runErr error) string {
	log, masked := runnertest.Visible(res.Stdout, res.Stderr), runnertest.Masks(res.Stdout)
	fail := func(format string, args ...any) string {
		// The report may end up in a public CI log: every masked value is
		// hidden in it, even where the step's own log showed it.
		return fmt.Sprintf("run %d (account %s): %s\n%s", i, LoadAccount(i), fmt.Sprintf(format, args...), tail(redact(log, masked), 30))
	}
	if runErr != nil {
		return fail("%v", runErr)
	}
	if res.ExitCode != 0 {
		return fail("exit code %d", res.ExitCode)
	}
	var problems []string
	if got := runnertest.ToMap(res.Outputs)["aws-account-id"]; got != LoadAccount(i) {
		problems = append(problems, fmt.Sprintf("output aws-account-id is %q", got))
	}
	env := runnertest.ToMap(res.Env)
	if got := env[loadSecretName]; got != loadSecretValue {
		problems = append(problems, fmt.Sprintf("%s is %q, want %q", loadSecretName, got, loadSecretValue))
	}
	if env["AWS_ACCESS_KEY_ID"] == "" || env["AWS_SECRET_ACCESS_KEY"] == "" || env["AWS_SESSION_TOKEN"] == "" {
		problems = append(problems, "AWS credentials missing from GITHUB_ENV")
	}
	for _, v := range []string{env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"], env["AWS_SESSION_TOKEN"], env[loadSecretName]} {
		if v != "" && !slices.Contains(masked, v) {
			problems = append(problems, "a credential or secret was not masked")
			break
		}
	}
	for _, v := range masked {
		if v != "" && strings.Contains(log, v) {
			problems = append(problems, "a masked value shows in the log")
			break
		}
	}
	if len(problems) > 0 {
		return fail("%s", strings.Join(problems, "; "))
	}
	return ""
}

// redact replaces every one of values in s by ***.
func redact(s string, values []string) string {
	for _, v := range values {
		if v != "" {
			s = strings.ReplaceAll(s, v, "***")
		}
	}
	return s
}

// tail returns the last n lines of s, indented.
func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = append([]string{"..."}, lines[len(lines)-n:]...)
	}
	return "    " + strings.Join(lines, "\n    ")
}

// percentile is the nearest-rank p-quantile of sorted; 0 if it is empty.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(math.Ceil(p * float64(len(sorted))))
	return sorted[min(max(rank, 1), len(sorted))-1]
}
