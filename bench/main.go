// Command bench prints performance figures for the action, measured on
// loopback against the same servers the end-to-end tests use: the binary's
// size, and the wall time and peak memory of whole runs (median of N; peak RSS as /usr/bin/time -v reports it).
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
	flag.Parse()
	if err := run(context.Background(), *runs, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, runs int, w io.Writer) error {
	dir, err := os.MkdirTemp("", "federate-bench-*")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	bin, err := testbed.Build(ctx, dir)
	if err != nil {
		return err
	}
	info, err := os.Stat(bin)
	if err != nil {
		return err
	}
	moto, err := testbed.StartMoto(ctx, io.Discard)
	if err != nil {
		return err
	}
	defer func() { _ = moto.Stop() }()
	tokens, err := idtokentest.New(idtokentest.Config{})
	if err != nil {
		return err
	}
	defer tokens.Close()

	if _, err := os.Stat("/usr/bin/time"); err != nil {
		return fmt.Errorf("/usr/bin/time is needed (Debian package time): %w", err)
	}
	inputs := map[string]string{
		"role-to-assume": "arn:aws:iam::737236345234:role/gha-oidc-role",
		"aws-region":     "us-west-1",
		"sts-endpoint":   moto.URL,
	}
	var walls []time.Duration
	var rss []int
	for i := range runs {
		report := filepath.Join(dir, fmt.Sprintf("time-%d.txt", i))
		// /usr/bin/time passes the environment through untouched; a shell
		// would drop the INPUT_* names, since they hold hyphens.
		step := testbed.Step{Binary: "/usr/bin/time", Args: []string{"-v", "-o", report, bin}, Inputs: inputs, Env: tokens.Env()}
		res, err := step.Run(ctx)
		if err != nil {
			return err
		}
		if res.ExitCode != 0 {
			return fmt.Errorf("run %d failed:\n%s%s", i, res.Stdout, res.Stderr)
		}
		kb, err := parseRSS(report)
		if err != nil {
			return err
		}
		// Wall time from fork to exit, measured here: /usr/bin/time
		// rounds to 10 ms, too coarse for a run this short.
		walls, rss = append(walls, res.Wall), append(rss, kb)
	}
	fmt.Fprintf(w, "| figure | value |\n|---|---|\n")
	fmt.Fprintf(w, "| binary size (stripped, CGO_ENABLED=0) | %.1f MB |\n", float64(info.Size())/1e6)
	fmt.Fprintf(w, "| AWS flow, wall time (median of %d) | %s |\n", runs, median(walls).Round(time.Millisecond))
	fmt.Fprintf(w, "| AWS flow, peak RSS (median of %d) | %.1f MB |\n", runs, float64(medianInt(rss))/1024)
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

func median(d []time.Duration) time.Duration {
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2]
}

func medianInt(v []int) int {
	s := append([]int(nil), v...)
	sort.Ints(s)
	return s[len(s)/2]
}
