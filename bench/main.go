// Command bench prints performance figures for the action, measured on
// loopback against the servers the end-to-end tests use (moto_server, a
// real Vault dev server, the test token service): binary size, and for
// each flow the median wall time, peak RSS (as /usr/bin/time -v reports
// it) and HTTP requests per run. Vault sits behind a proxy that adds a
// fixed latency each way, so round trips show in the wall time. The
// aws-profiles rows put the same latency in front of STS, and the
// credential-process rows time the built binary as an SDK runs it. The
// vault-pki rows count Vault's round trips with and without certificates.
// The startup-net and vault-net rows run the AWS-only and Vault flows over
// TLS with the token service and STS or Vault each remote: a new
// connection pays its TCP and TLS round trips before its first request.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/federate-action/federate/internal/idtoken/idtokentest"
	"github.com/federate-action/federate/internal/testbed"
)

func main() {
	runs := flag.Int("runs", 5, "runs per figure; the median is printed")
	latency := flag.Duration("latency", 20*time.Millisecond, "latency added each way in front of Vault (and of STS for the aws-profiles rows, and of the token service and STS for startup-net and vault-net)")
	only := flag.String("only", "", "run only these groups of rows, comma-separated: "+strings.Join(groups, ", "))
	peerCAC := flag.String("peer-cac", "", "configure-aws-credentials' dist/index.js: time it beside the startup and startup-net rows, run by node")
	peerVA := flag.String("peer-va", "", "vault-action's dist/index.js: time it beside the vault-rt and vault-net rows, run by node")
	wrap := flag.String("wrap", "", "with -only trace: also run the AWS flow once under this command, e.g. \"perf stat -e instructions\"")
	bin := flag.String("bin", "", "time this federate binary instead of building one (an unstripped build gives callgrind its symbols)")
	before := flag.String("before", "", "with -only startup, vault-rt, startup-net or vault-net: also time this older federate binary, run by run in turn with the current one, for a before/after table")
	flag.Parse()
	want, err := selectGroups(*only)
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(2)
	}
	if err := run(context.Background(), *runs, *latency, want, extras{cac: *peerCAC, va: *peerVA, wrap: *wrap, bin: *bin, before: *before}, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// env is everything the flows run against.
type env struct {
	dir      string
	bin      string
	before   string // an older binary to compare with, "" for none
	moto     *testbed.Moto
	sts      *testbed.FaultProxy // in front of moto, no fault: counts requests
	slowSTS  *testbed.FaultProxy // in front of moto: delays every request by a round trip
	stub     *stubSTS            // answers at once and concurrently, as STS does
	slowStub *testbed.FaultProxy // in front of stub: delays every request by a round trip
	vault    *testbed.Vault
	slow     *testbed.FaultProxy // in front of vault: delays every request by a round trip
	tokens   *idtokentest.Server
	stepEnv  map[string]string // the token service's env, trusting its CA
	notes    []string          // lines printed under the table
}

// extras are the other actions' dist/index.js files to time beside ours
// ("" skips one), the command the trace group wraps a run in, a binary
// to time instead of a fresh build, and an older one to compare with.
type extras struct{ cac, va, wrap, bin, before string }

func run(ctx context.Context, runs int, latency time.Duration, want map[string]bool, peer extras, w io.Writer) error {
	if _, err := os.Stat("/usr/bin/time"); err != nil {
		return fmt.Errorf("/usr/bin/time is needed (Debian package time): %w", err)
	}
	e, cleanup, err := setUp(ctx, want)
	defer cleanup()
	if err != nil {
		return err
	}
	if peer.bin != "" {
		e.bin = peer.bin
	}
	e.before = peer.before
	// Both ways' latency at once, before the request is passed on: the
	// client waits the same round trip.
	roundTrip := testbed.Fault{Delay: 2 * latency}
	if e.vault != nil {
		if e.slow, err = testbed.NewFaultProxy(e.vault.URL); err != nil {
			return err
		}
		defer e.slow.Close()
		e.slow.SetRandom(1, roundTrip, 0)
	}
	if e.sts, err = testbed.NewFaultProxy(e.moto.URL); err != nil {
		return err
	}
	defer e.sts.Close()
	if e.slowSTS, err = testbed.NewFaultProxy(e.moto.URL); err != nil {
		return err
	}
	defer e.slowSTS.Close()
	e.slowSTS.SetRandom(1, roundTrip, 0)
	e.stub = newStubSTS()
	defer e.stub.Close()
	if e.slowStub, err = testbed.NewFaultProxy(e.stub.URL); err != nil {
		return err
	}
	defer e.slowStub.Close()
	e.slowStub.SetRandom(1, roundTrip, 0)

	info, err := os.Stat(e.bin)
	if err != nil {
		return err
	}
	built := "static, stripped"
	if peer.bin != "" {
		built = peer.bin
	}
	fmt.Fprintf(w, "binary: %.1f MB (%s)\n", float64(info.Size())/1e6, built)
	fmt.Fprintf(w, "Vault (and STS for aws-profiles) behind %s of added latency each way (%s per round trip); medians of %d runs\n\n",
		latency, 2*latency, runs)
	mainTable := slices.ContainsFunc(groups, func(g string) bool { return want[g] && !slices.Contains(ownTables, g) })
	if mainTable {
		fmt.Fprintln(w, "| flow | wall | peak RSS | HTTP requests: token / STS / Vault |")
		fmt.Fprintln(w, "|---|---|---|---|")
	}

	awsInputs := map[string]string{
		"role-to-assume": "arn:aws:iam::737236345234:role/gha-oidc-role",
		"aws-region":     "us-west-1",
		"sts-endpoint":   e.sts.URL,
	}
	if want["aws"] {
		if _, err := e.row(ctx, w, "AWS (token + STS, no added latency)", awsInputs, runs); err != nil {
			return err
		}
	}
	if want["vault"] {
		if err := e.vaultRows(ctx, w, awsInputs, runs); err != nil {
			return err
		}
	}
	if want["profiles"] {
		if err := e.profileRows(ctx, w, runs); err != nil {
			return err
		}
	}
	if want["credential-process"] {
		if err := e.credentialProcessRows(ctx, w, runs); err != nil {
			return err
		}
	}
	if want["container"] {
		if err := e.containerRow(ctx, w, awsInputs, runs); err != nil {
			return err
		}
	}
	for _, g := range []struct {
		name string
		rows func() error
	}{
		{"startup", func() error { return e.startupRows(ctx, w, runs, peer.cac) }},
		{"vault-rt", func() error { return e.vaultRTRows(ctx, w, runs, latency, peer.va) }},
		{"trace", func() error { return e.traceRows(ctx, w, peer.wrap) }},
		{"startup-net", func() error { return e.startupNetRows(ctx, w, runs, latency, peer.cac) }},
		{"vault-net", func() error { return e.vaultNetRows(ctx, w, runs, latency, peer.va) }},
	} {
		if !want[g.name] {
			continue
		}
		if mainTable {
			fmt.Fprintln(w)
		}
		mainTable = true // a blank line before the next table
		if err := g.rows(); err != nil {
			return err
		}
	}
	if want["vault-pki"] {
		// A table of its own, after the others: it has other columns.
		if mainTable {
			fmt.Fprintln(w)
		}
		if err := e.vaultPKIRows(ctx, w, runs); err != nil {
			return err
		}
	}
	for _, n := range e.notes {
		fmt.Fprintf(w, "\n%s\n", n)
	}
	return nil
}

// groups are the row groups -only can pick, in the order they print.
var groups = []string{"aws", "vault", "profiles", "credential-process", "container", "startup", "vault-rt", "trace", "startup-net", "vault-net", "vault-pki"}

// ownTables are the groups that print a table with columns of their own.
var ownTables = []string{"startup", "vault-rt", "trace", "startup-net", "vault-net", "vault-pki"}

// selectGroups reads -only: empty means every group.
func selectGroups(only string) (map[string]bool, error) {
	want := map[string]bool{}
	if only == "" {
		for _, g := range groups {
			want[g] = true
		}
		return want, nil
	}
	for _, g := range strings.Split(only, ",") {
		if !slices.Contains(groups, g) {
			return nil, fmt.Errorf("-only: unknown group %q: use %s", g, strings.Join(groups, ", "))
		}
		want[g] = true
	}
	return want, nil
}

// vaultRows times the Vault flow by number of paths, and AWS with Vault.
func (e *env) vaultRows(ctx context.Context, w io.Writer, awsInputs map[string]string, runs int) error {
	for _, n := range []int{1, 5, 20, 50} {
		if _, err := e.row(ctx, w, fmt.Sprintf("Vault, %d path(s)", n), e.vaultInputs(n), runs); err != nil {
			return err
		}
	}
	both := e.vaultInputs(5)
	for k, v := range awsInputs {
		both[k] = v
	}
	_, err := e.row(ctx, w, "AWS + Vault (5 paths) in one step", both, runs)
	return err
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
	tokensBefore, stsBefore := len(e.tokens.Requests()), e.stsRequests()
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
		float64(len(e.tokens.Requests())-tokensBefore)/float64(runs), float64(e.stsRequests()-stsBefore)/float64(runs))
	fmt.Fprintf(w, "\nimage: %.1f MB uncompressed, %.1f MB gzipped\n", float64(img.Size)/1e6, float64(gzipped)/1e6)
	return nil
}

// containerImage is the image the end-to-end tests build from the Dockerfile.
const containerImage = "localhost/federate:test"

// setUp builds the binary and starts moto and the token service, and
// Vault (with the secrets the Vault rows read, and the PKI engine for the
// vault-pki rows) if a wanted group needs it.
func setUp(ctx context.Context, want map[string]bool) (*env, func(), error) {
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
	// Go reads every file of SSL_CERT_DIR (by default this host's
	// /etc/ssl/certs) on the first TLS handshake: an empty directory keeps
	// the host's roots out of the figures, so they measure the action.
	if e.stepEnv["SSL_CERT_DIR"], err = emptyCertDir(e.dir); err != nil {
		return nil, cleanup, err
	}
	if !want["vault"] && !want["vault-pki"] && !want["vault-rt"] && !want["vault-net"] {
		return e, cleanup, nil
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
	if want["vault-pki"] {
		if err := e.vault.ConfigurePKI(ctx, e.tokens); err != nil {
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

// row runs one flow `runs` times under /usr/bin/time, prints its medians
// and returns the median wall time.
func (e *env) row(ctx context.Context, w io.Writer, name string, inputs map[string]string, runs int) (time.Duration, error) {
	var samples []sample
	for i := range runs {
		s, err := e.once(ctx, name, inputs, i)
		if err != nil {
			return 0, err
		}
		samples = append(samples, s)
	}
	return printRow(w, name, samples), nil
}

// sample is one run of a flow.
type sample struct {
	wall               time.Duration
	rssKB              int
	tokens, sts, vault int // requests
}

// once runs a flow once under /usr/bin/time.
func (e *env) once(ctx context.Context, name string, inputs map[string]string, i int) (sample, error) {
	report := filepath.Join(e.dir, fmt.Sprintf("time-%d.txt", i))
	tokensBefore, stsBefore, vaultBefore := len(e.tokens.Requests()), e.stsRequests(), e.vaultRequests()
	// /usr/bin/time passes the environment through untouched; a shell
	// would drop the INPUT_* names, since they hold hyphens.
	step := testbed.Step{Binary: "/usr/bin/time", Args: []string{"-v", "-o", report, e.bin}, Inputs: inputs, Env: e.stepEnv}
	res, err := step.Run(ctx)
	if err != nil {
		return sample{}, err
	}
	if res.ExitCode != 0 {
		return sample{}, fmt.Errorf("%s: run %d failed:\n%s%s", name, i, res.Stdout, res.Stderr)
	}
	kb, err := parseRSS(report)
	if err != nil {
		return sample{}, err
	}
	// Wall time from fork to exit, measured by the harness: /usr/bin/time
	// rounds to 10 ms, too coarse for runs this short.
	return sample{wall: res.Wall, rssKB: kb, tokens: len(e.tokens.Requests()) - tokensBefore,
		sts: e.stsRequests() - stsBefore, vault: e.vaultRequests() - vaultBefore}, nil
}

// printRow prints a flow's medians and requests per run, and returns the
// median wall time.
func printRow(w io.Writer, name string, samples []sample) time.Duration {
	var walls []time.Duration
	var rss []int
	var tokens, sts, vault int
	for _, s := range samples {
		walls, rss = append(walls, s.wall), append(rss, s.rssKB)
		tokens, sts, vault = tokens+s.tokens, sts+s.sts, vault+s.vault
	}
	perRun := func(n int) float64 { return float64(n) / float64(len(samples)) }
	wall := median(walls)
	fmt.Fprintf(w, "| %s | %s | %.1f MB | %.0f / %.0f / %.0f |\n", name, wall.Round(time.Millisecond), float64(median(rss))/1024,
		perRun(tokens), perRun(sts), perRun(vault))
	return wall
}

// stsRequests counts the requests every STS proxy passed on.
func (e *env) stsRequests() int {
	return e.sts.Requests() + e.slowSTS.Requests() + e.slowStub.Requests()
}

// vaultRequests counts the requests the Vault proxy passed on (none
// without Vault).
func (e *env) vaultRequests() int {
	if e.slow == nil {
		return 0
	}
	return e.slow.Requests()
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
