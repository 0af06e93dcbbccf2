// Command bench prints performance figures for the action, measured on
// loopback against the servers the end-to-end tests use (moto_server, a
// real Vault dev server, the test token service): binary size, and for
// each flow the median wall time, peak RSS (as /usr/bin/time -v reports
// it) and HTTP requests per run. Vault sits behind a proxy that adds a
// fixed latency each way, so round trips show in the wall time.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/federate-action/federate/internal/idtoken/idtokentest"
	"github.com/federate-action/federate/internal/testbed"
)

func main() {
	runs := flag.Int("runs", 5, "runs per figure; the median is printed")
	latency := flag.Duration("latency", 20*time.Millisecond, "latency added each way in front of Vault")
	flag.Parse()
	if err := run(context.Background(), *runs, *latency, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// env is everything the flows run against.
type env struct {
	dir     string
	bin     string
	moto    *testbed.Moto
	sts     *testbed.FaultProxy // in front of moto, no fault: counts requests
	vault   *testbed.Vault
	slow    *testbed.FaultProxy // in front of vault: delays every request by a round trip
	tokens  *idtokentest.Server
	stepEnv map[string]string // the token service's env, trusting its CA
}

func run(ctx context.Context, runs int, latency time.Duration, w io.Writer) error {
	if _, err := os.Stat("/usr/bin/time"); err != nil {
		return fmt.Errorf("/usr/bin/time is needed (Debian package time): %w", err)
	}
	e, cleanup, err := setUp(ctx)
	defer cleanup()
	if err != nil {
		return err
	}
	if e.slow, err = testbed.NewFaultProxy(e.vault.URL); err != nil {
		return err
	}
	defer e.slow.Close()
	// Both ways' latency at once, before the request is passed on: the
	// client waits the same round trip.
	e.slow.SetRandom(1, testbed.Fault{Delay: 2 * latency}, 0)
	if e.sts, err = testbed.NewFaultProxy(e.moto.URL); err != nil {
		return err
	}
	defer e.sts.Close()

	info, err := os.Stat(e.bin)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "binary: %.1f MB (static, stripped)\n", float64(info.Size())/1e6)
	fmt.Fprintf(w, "Vault behind %s of added latency each way (%s per round trip); medians of %d runs\n\n",
		latency, 2*latency, runs)
	fmt.Fprintln(w, "| flow | wall | peak RSS | HTTP requests: token / STS / Vault |")
	fmt.Fprintln(w, "|---|---|---|---|")

	awsInputs := map[string]string{
		"role-to-assume": "arn:aws:iam::737236345234:role/gha-oidc-role",
		"aws-region":     "us-west-1",
		"sts-endpoint":   e.sts.URL,
	}
	if err := e.row(ctx, w, "AWS (token + STS, no added latency)", awsInputs, runs); err != nil {
		return err
	}
	for _, n := range []int{1, 5, 20, 50} {
		if err := e.row(ctx, w, fmt.Sprintf("Vault, %d path(s)", n), e.vaultInputs(n), runs); err != nil {
			return err
		}
	}
	both := e.vaultInputs(5)
	for k, v := range awsInputs {
		both[k] = v
	}
	if err := e.row(ctx, w, "AWS + Vault (5 paths) in one step", both, runs); err != nil {
		return err
	}
	return e.containerRow(ctx, w, awsInputs, runs)
}

// containerRow times the AWS flow in the image the end-to-end tests build
// (localhost/federate:test), from `podman run` to exit. It is skipped with
// a note when there is no such image or no podman.
func (e *env) containerRow(ctx context.Context, w io.Writer, inputs map[string]string, runs int) error {
	p, err := testbed.NewPodman(e.dir)
	var img testbed.Image
	if err == nil {
		img, err = p.Inspect(ctx, containerImage)
	}
	var gzipped int64
	if err == nil {
		_, gzipped, err = p.Files(ctx, containerImage)
	}
	if err != nil {
		fmt.Fprintf(w, "\n(no container figures: %v; `go test ./e2e -run TestContainer` builds %s)\n", err, containerImage)
		return nil
	}
	var walls []time.Duration
	tokensBefore, stsBefore := len(e.tokens.Requests()), e.sts.Requests()
	for i := range runs {
		res, err := testbed.Step{Image: containerImage, Podman: p, Inputs: inputs, Env: e.tokens.Env()}.Run(ctx)
		if err != nil {
			return err
		}
		if res.ExitCode != 0 {
			return fmt.Errorf("container run %d failed:\n%s%s", i, res.Stdout, res.Stderr)
		}
		walls = append(walls, res.Wall)
	}
	fmt.Fprintf(w, "| AWS in the container (podman run to exit) | %s | n/a | %.0f / %.0f / 0 |\n", median(walls).Round(time.Millisecond),
		float64(len(e.tokens.Requests())-tokensBefore)/float64(runs), float64(e.sts.Requests()-stsBefore)/float64(runs))
	fmt.Fprintf(w, "\nimage: %.1f MB uncompressed, %.1f MB gzipped\n", float64(img.Size)/1e6, float64(gzipped)/1e6)
	return nil
}

// containerImage is the image the end-to-end tests build from the Dockerfile.
const containerImage = "localhost/federate:test"

func setUp(ctx context.Context) (*env, func(), error) {
	var closers []func()
	cleanup := func() {
		for i := len(closers) - 1; i >= 0; i-- {
			closers[i]()
		}
	}
	e := &env{}
	var err error
	if e.dir, err = os.MkdirTemp("", "federate-bench-*"); err != nil {
		return nil, cleanup, err
	}
	closers = append(closers, func() { _ = os.RemoveAll(e.dir) })
	if e.bin, err = testbed.Build(ctx, e.dir); err != nil {
		return nil, cleanup, err
	}
	if e.moto, err = testbed.StartMoto(ctx, io.Discard); err != nil {
		return nil, cleanup, err
	}
	closers = append(closers, func() { _ = e.moto.Stop() })
	if e.tokens, err = idtokentest.New(idtokentest.Config{TLS: true}); err != nil {
		return nil, cleanup, err
	}
	closers = append(closers, e.tokens.Close)
	if e.stepEnv, err = e.tokens.TrustingEnv(e.dir); err != nil {
		return nil, cleanup, err
	}
	vaultBin, err := testbed.FindVault()
	if err != nil {
		return nil, cleanup, err
	}
	if e.vault, err = testbed.StartTutorialVault(ctx, vaultBin, filepath.Join(e.dir, "vault"), e.tokens); err != nil {
		return nil, cleanup, err
	}
	closers = append(closers, func() { _ = e.vault.Stop() })
	for i := range 50 {
		body := map[string]any{"data": map[string]any{"value": fmt.Sprintf("value-%d", i)}}
		if _, err := e.vault.API(ctx, "POST", fmt.Sprintf("secret/data/bench/p%d", i), body); err != nil {
			return nil, cleanup, err
		}
	}
	return e, cleanup, nil
}

// vaultInputs reads n distinct paths through the slow proxy.
func (e *env) vaultInputs(n int) map[string]string {
	var specs []string
	for i := range n {
		specs = append(specs, fmt.Sprintf("secret/data/bench/p%d value | P%d", i, i))
	}
	return map[string]string{
		"vault-url":     e.slow.URL,
		"vault-role":    testbed.TutorialRole,
		"vault-secrets": strings.Join(specs, "\n"),
	}
}

// row runs one flow `runs` times under /usr/bin/time and prints its medians.
func (e *env) row(ctx context.Context, w io.Writer, name string, inputs map[string]string, runs int) error {
	var walls []time.Duration
	var rss []int
	tokensBefore, stsBefore, vaultBefore := len(e.tokens.Requests()), e.sts.Requests(), e.slow.Requests()
	for i := range runs {
		report := filepath.Join(e.dir, fmt.Sprintf("time-%d.txt", i))
		// /usr/bin/time passes the environment through untouched; a shell
		// would drop the INPUT_* names, since they hold hyphens.
		step := testbed.Step{Binary: "/usr/bin/time", Args: []string{"-v", "-o", report, e.bin}, Inputs: inputs, Env: e.stepEnv}
		res, err := step.Run(ctx)
		if err != nil {
			return err
		}
		if res.ExitCode != 0 {
			return fmt.Errorf("%s: run %d failed:\n%s%s", name, i, res.Stdout, res.Stderr)
		}
		kb, err := parseRSS(report)
		if err != nil {
			return err
		}
		// Wall time from fork to exit, measured by the harness: /usr/bin/time
		// rounds to 10 ms, too coarse for runs this short.
		walls, rss = append(walls, res.Wall), append(rss, kb)
	}
	perRun := func(n int) float64 { return float64(n) / float64(runs) }
	fmt.Fprintf(w, "| %s | %s | %.1f MB | %.0f / %.0f / %.0f |\n", name, median(walls).Round(time.Millisecond), float64(median(rss))/1024,
		perRun(len(e.tokens.Requests())-tokensBefore), perRun(e.sts.Requests()-stsBefore), perRun(e.slow.Requests()-vaultBefore))
	return nil
}

// parseRSS reads the peak RSS from a /usr/bin/time -v report.
func parseRSS(path string) (int, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "Maximum resident set size (kbytes): "); ok {
			return strconv.Atoi(v)
		}
	}
	return 0, fmt.Errorf("no peak RSS in %s", path)
}

func median[T time.Duration | int](v []T) T {
	s := append([]T(nil), v...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2]
}
