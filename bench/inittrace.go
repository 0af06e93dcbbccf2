package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"maps"
	"slices"
	"sort"
	"strings"
	"time"
)

// initLine is one package's initialisation as GODEBUG=inittrace=1 reports
// it: "init net/netip @1.2 ms, 0.010 ms clock, 48 bytes, 2 allocs".
type initLine struct {
	pkg           string
	at, clock     float64 // ms
	bytes, allocs int
}

// parseInitTrace reads the init lines of a run's stderr.
func parseInitTrace(out string) []initLine {
	var lines []initLine
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		var l initLine
		if _, err := fmt.Sscanf(sc.Text(), "init %s @%f ms, %f ms clock, %d bytes, %d allocs",
			&l.pkg, &l.at, &l.clock, &l.bytes, &l.allocs); err == nil {
			lines = append(lines, l)
		}
	}
	return lines
}

// traceRows runs the AWS-only flow once under extra instrumentation:
// GODEBUG=inittrace=1 (the top package initialisations by clock time and
// their sum) and gctrace=1 (the collections), and, with wrap, under that
// command (perf stat, valgrind), whose standard error is printed as it is.
func (e *env) traceRows(ctx context.Context, w io.Writer, wrap string) error {
	inputs := map[string]string{
		"role-to-assume": "arn:aws:iam::737236345234:role/gha-oidc-role",
		"aws-region":     "us-west-1",
		"sts-endpoint":   e.sts.URL,
	}
	env := maps.Clone(e.stepEnv)
	env["GODEBUG"] = "inittrace=1,gctrace=1"
	r, err := runChild(ctx, e.dir, []string{e.bin}, inputs, env)
	if err != nil {
		return err
	}
	inits := parseInitTrace(r.stderr)
	var clock float64
	var bytes, allocs int
	last := 0.0
	for _, l := range inits {
		clock, bytes, allocs = clock+l.clock, bytes+l.bytes, allocs+l.allocs
		last = max(last, l.at+l.clock)
	}
	sort.Slice(inits, func(i, j int) bool { return inits[i].clock > inits[j].clock })
	fmt.Fprintf(w, "package initialisation (GODEBUG=inittrace=1, one AWS run, wall %s): %d packages, %.2f ms clock, %d allocs, %.0f kB; the last ends %.2f ms after the runtime starts\n\n",
		ms(r.wall), len(inits), clock, allocs, float64(bytes)/1024, last)
	var gcs []string
	for _, l := range strings.Split(r.stderr, "\n") {
		if strings.HasPrefix(l, "gc ") {
			gcs = append(gcs, l)
		}
	}
	fmt.Fprintf(w, "garbage collections (GODEBUG=gctrace=1): %d\n", len(gcs))
	for _, l := range gcs {
		fmt.Fprintf(w, "    %s\n", l)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| package | @ | clock | allocs | bytes |")
	fmt.Fprintln(w, "|---|---|---|---|---|")
	for _, l := range inits[:min(12, len(inits))] {
		fmt.Fprintf(w, "| %s | %.2f ms | %.3f ms | %d | %d |\n", l.pkg, l.at, l.clock, l.allocs, l.bytes)
	}
	if wrap == "" {
		return nil
	}
	// The same flow through the command line (`federate env`): valgrind
	// drops the INPUT_* variables, whose names hold hyphens.
	argv := append(strings.Fields(wrap), e.bin, "env", "--format", "json")
	for _, k := range slices.Sorted(maps.Keys(inputs)) {
		argv = append(argv, "--"+k, inputs[k])
	}
	env = maps.Clone(e.stepEnv)
	if argv[0] == "valgrind" {
		// callgrind asserts on the signals the scheduler preempts with.
		env["GODEBUG"] = "asyncpreemptoff=1"
	}
	start := time.Now()
	r, err = runChild(ctx, e.dir, argv, nil, env)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "\n%s (%s):\n%s\n", wrap, ms(time.Since(start)), r.stderr)
	return nil
}
