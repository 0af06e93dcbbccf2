// Command load simulates a matrix deploy: N runs of the action at once,
// each assuming a role in its own AWS account and reading a Vault secret,
// against one moto_server and one Vault dev server on loopback, with a
// share of the requests to each throttled (STS's Throttling error, Vault's
// 429). It prints successes, failures and wall times, and exits 1 if any
// run failed.
//
//	go run ./bench/load -n 100 -throttle 0.2
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/federate-action/federate/internal/idtoken/idtokentest"
	"github.com/federate-action/federate/internal/testbed"
)

// owner is the repository owner of the token service, whom the tutorial's
// Vault role admits.
const owner = "octo-org"

func main() {
	n := flag.Int("n", 100, "concurrent runs (matrix size)")
	throttle := flag.Float64("throttle", 0.2, "share of STS and Vault requests throttled (0 to 1)")
	parallel := flag.Int("parallel", 0, "runs in flight at most (0: all at once)")
	seed := flag.Int64("seed", 1, "seed of the throttling")
	timeout := flag.Duration("timeout", 10*time.Minute, "deadline of the whole simulation, set-up included")
	flag.Parse()

	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	ok, err := run(ctx, testbed.LoadConfig{N: *n, ThrottleRate: *throttle, MaxParallel: *parallel, Seed: *seed}, os.Stdout)
	if err != nil {
		fmt.Fprintln(os.Stderr, "load:", err)
		os.Exit(1)
	}
	if !ok {
		os.Exit(1)
	}
}

// run sets up the servers, runs the matrix and prints the table; ok is
// false if any run failed.
func run(ctx context.Context, cfg testbed.LoadConfig, w io.Writer) (ok bool, err error) {
	if cfg.N < 1 {
		return false, fmt.Errorf("-n %d: want at least 1", cfg.N)
	}
	if !(cfg.ThrottleRate >= 0 && cfg.ThrottleRate <= 1) {
		return false, fmt.Errorf("-throttle %v: want 0 to 1", cfg.ThrottleRate)
	}
	vaultBin, err := testbed.FindVault()
	if err != nil {
		return false, fmt.Errorf("%w\n(build it once with: bash tools/vault/build.sh)", err)
	}
	dir, err := os.MkdirTemp("", "federate-load-*")
	if err != nil {
		return false, err
	}
	defer os.RemoveAll(dir)

	fmt.Fprintln(w, "building the action and starting moto_server, Vault and the token service...")
	if cfg.Binary, err = testbed.Build(ctx, dir); err != nil {
		return false, err
	}
	moto, err := testbed.StartMoto(ctx, io.Discard)
	if err != nil {
		return false, err
	}
	defer func() { _ = moto.Stop() }()
	cfg.STS = moto.URL
	if cfg.Tokens, err = idtokentest.New(idtokentest.Config{TLS: true, Owner: owner}); err != nil {
		return false, err
	}
	defer cfg.Tokens.Close()
	if cfg.Vault, err = testbed.StartTutorialVault(ctx, vaultBin, filepath.Join(dir, "vault"), cfg.Tokens); err != nil {
		return false, err
	}
	defer func() { _ = cfg.Vault.Stop() }()
	cfg.Dir = filepath.Join(dir, "runs")
	if err := os.Mkdir(cfg.Dir, 0o700); err != nil {
		return false, err
	}

	fmt.Fprintf(w, "running %d at once, %.0f%% of STS and Vault requests throttled (seed %d)...\n\n",
		parallelism(cfg), 100*cfg.ThrottleRate, cfg.Seed)
	res, err := testbed.Load(ctx, cfg)
	if res.N == 0 { // nothing ran
		return false, err
	}
	printResult(w, cfg, res)
	if err != nil { // -timeout cut it short: the table says how far it got
		fmt.Fprintln(w, "\n"+err.Error())
		return false, nil
	}
	return res.Failures == 0, nil
}

func parallelism(cfg testbed.LoadConfig) int {
	if cfg.MaxParallel <= 0 || cfg.MaxParallel > cfg.N {
		return cfg.N
	}
	return cfg.MaxParallel
}

func printResult(w io.Writer, cfg testbed.LoadConfig, r testbed.LoadResult) {
	ms := func(d time.Duration) string { return d.Round(time.Millisecond).String() }
	fmt.Fprintln(w, "| N | successes | failures | p50 | p95 | max | all done in | STS throttled | Vault throttled |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|---|")
	fmt.Fprintf(w, "| %d | %d | %d | %s | %s | %s | %s | %d of %d | %d of %d |\n",
		r.N, r.Successes, r.Failures, ms(r.P50), ms(r.P95), ms(r.Max), ms(r.Elapsed),
		r.STSThrottled, r.STSRequests, r.VaultThrottled, r.VaultRequests)
	fmt.Fprintf(w, "\nthrottle rate %.2f; %d retries logged, at most %d in one run; %d ID token requests; wall time per run from start to exit\n",
		cfg.ThrottleRate, r.Retries, r.MaxRetries, r.TokenRequests)
	for _, f := range r.FailureTexts {
		fmt.Fprintln(w, "\nFAILED "+f)
	}
	if r.Failures > len(r.FailureTexts) {
		fmt.Fprintf(w, "\n... and %d more failures\n", r.Failures-len(r.FailureTexts))
	}
}
