package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"maps"
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
// their sum), and, with wrap, under that command (perf stat, valgrind),
// whose output is printed as it is.
func (e *env) traceRows(ctx context.Context, w io.Writer, wrap string) error {
	inputs := map[string]string{
		"role-to-assume": "arn:aws:iam::737236345234:role/gha-oidc-role",
		"aws-region":     "us-west-1",
		"sts-endpoint":   e.sts.URL,
	}
	env := maps.Clone(e.stepEnv)
	env["GODEBUG"] = "inittrace=1"
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
	fmt.Fprintln(w, "| package | @ | clock | allocs | bytes |")
	fmt.Fprintln(w, "|---|---|---|---|---|")
	for _, l := range inits[:min(12, len(inits))] {
		fmt.Fprintf(w, "| %s | %.2f ms | %.3f ms | %d | %d |\n", l.pkg, l.at, l.clock, l.allocs, l.bytes)
	}
	if wrap == "" {
		return nil
	}
	argv := append(strings.Fields(wrap), e.bin)
	start := time.Now()
	r, err = runChild(ctx, e.dir, argv, inputs, e.stepEnv)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "\n%s (%s):\n%s\n", wrap, ms(time.Since(start)), r.stderr)
	return nil
}
