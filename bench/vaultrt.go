package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/federate-action/federate/internal/testbed"
)

// vaultRTPaths are the Vault sizes the round-trip goal covers.
var vaultRTPaths = []int{1, 5, 20}

// vaultRTSlack is what a Vault run may cost on top of its round trips.
const vaultRTSlack = 20 * time.Millisecond

// vaultRTRows times the Vault flow by number of paths with the wall, the
// Vault requests and round trips of each run, and checks the goal: at
// most 3 round trips + 20 ms for 1 to 20 paths, and 20 paths at most one
// round trip slower than 1. With peerVA (vault-action's dist/index.js) it
// runs that under node too, alternating run by run. It then prints where
// each run's time goes (printTimeline). With e.before it times that
// older binary too, alternating run by run: a before/after comparison
// under the same load.
func (e *env) vaultRTRows(ctx context.Context, w io.Writer, runs int, latency time.Duration, peerVA string) error {
	roundTrip := 2 * latency
	// The recorder plays the network itself, straight in front of Vault,
	// so it sees when Vault got each request and when it answered.
	rec, err := newDelayedRoundTrips(e.vault.URL, roundTrip)
	if err != nil {
		return err
	}
	defer rec.Close()
	fb, stepEnv, err := e.firstBytesTokens()
	if err != nil {
		return err
	}
	defer fb.Close()
	vaultCPU, haveCPU := findServerCPU(filepath.Join(e.dir, "vault"))
	bins := []string{e.bin}
	if e.before != "" {
		bins = []string{e.before, e.bin}
	}
	node, nodeErr := "", error(nil)
	if peerVA != "" {
		node, nodeErr = nodePath()
	}
	fmt.Fprintf(w, "Vault behind %s each way (%s a round trip), from the parent, medians of %d runs\n\n", latency, roundTrip, runs)
	fmt.Fprintln(w, "| flow | wall | CPU | Vault requests | Vault round trips | peer wall | ratio |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|")
	walls := map[string]map[int]time.Duration{}
	timelines := map[string]map[int][]vaultRun{}
	for _, b := range bins {
		walls[b], timelines[b] = map[int]time.Duration{}, map[int][]vaultRun{}
	}
	var failed []string
	for _, n := range vaultRTPaths {
		in := e.vaultInputs(n)
		in["vault-url"] = rec.URL
		ours := map[string][]childRun{}
		var theirs []childRun
		requests, trips := map[string][]int{}, map[string][]int{}
		rec.take()
		for i := range runs {
			for _, b := range bins {
				cpuBefore := vaultCPU.used()
				r, err := runChild(ctx, e.dir, []string{b}, in, stepEnv)
				if err != nil {
					return fmt.Errorf("vault flow, %d path(s), run %d: %w", n, i, err)
				}
				spans := rec.take()
				if err := plainVaultRun(spans, requests[b]); err != nil {
					return fmt.Errorf("vault flow, %d path(s), run %d: %w", n, i, err)
				}
				v := vaultRun{run: r, spans: spans}
				if haveCPU {
					v.vaultCPU = vaultCPU.used() - cpuBefore
				}
				v.token, _ = fb.firstSince(r.start)
				timelines[b][n] = append(timelines[b][n], v)
				ours[b], requests[b], trips[b] = append(ours[b], r), append(requests[b], len(spans)), append(trips[b], countRoundTrips(spans))
			}
			if node != "" {
				p, err := runChild(ctx, e.dir, []string{node, peerVA}, vaultActionInputs(rec.URL, e.tokens.Owner(), n), nodeEnv(stepEnv, nil))
				if err != nil {
					return fmt.Errorf("vault-action, %d path(s), run %d: %w", n, i, err)
				}
				rec.take()
				theirs = append(theirs, p)
			}
		}
		for _, b := range bins {
			c := medians(ours[b], nil)
			walls[b][n] = c.wall
			peer, ratio := "", ""
			if len(theirs) > 0 {
				pc := medians(theirs, nil)
				peer, ratio = ms(pc.wall), fmt.Sprintf("%.1fx", float64(pc.wall)/float64(c.wall))
			}
			name := fmt.Sprintf("Vault, %d path(s)", n)
			if len(bins) > 1 {
				name += ", " + e.label(b)
			}
			fmt.Fprintf(w, "| %s | %s | %s | %d | %d | %s | %s |\n", name, ms(c.wall), ms(c.cpu),
				median(requests[b]), median(trips[b]), peer, ratio)
			if limit := 3*roundTrip + vaultRTSlack; c.wall > limit {
				failed = append(failed, fmt.Sprintf("%s%d path(s) took %s, over 3 round trips + %s = %s", e.binLabel(bins, b), n, ms(c.wall), vaultRTSlack, ms(limit)))
			}
		}
	}
	first, last := vaultRTPaths[0], vaultRTPaths[len(vaultRTPaths)-1]
	for _, b := range bins {
		if d := walls[b][last] - walls[b][first]; d > roundTrip {
			failed = append(failed, fmt.Sprintf("%s%d paths took %s more than %d, over one round trip (%s)", e.binLabel(bins, b), last, ms(d), first, ms(roundTrip)))
		}
	}
	switch {
	case peerVA == "":
		fmt.Fprintln(w, "\n(no -peer-va given: vault-action not measured)")
	case nodeErr != nil:
		fmt.Fprintf(w, "\n(%v)\n", nodeErr)
	}
	if len(failed) == 0 {
		fmt.Fprintf(w, "\ngoal met: 1 to %d paths within 3 round trips + %s, %d paths within one round trip of 1\n", last, vaultRTSlack, last)
	} else {
		fmt.Fprintf(w, "\ngoal NOT met: %s\n", strings.Join(failed, "; "))
	}
	for _, b := range bins {
		if len(bins) > 1 {
			fmt.Fprintf(w, "\n%s:\n", e.label(b))
		}
		printTimeline(w, vaultRTPaths, timelines[b])
	}
	return nil
}

// binLabel names b in a goal line when several binaries are compared.
func (e *env) binLabel(bins []string, b string) string {
	if len(bins) == 1 {
		return ""
	}
	return e.label(b) + ": "
}

// label names a binary in a before/after comparison.
func (e *env) label(b string) string {
	if b == e.before {
		return "before (" + b + ")"
	}
	return "now"
}

// vaultActionInputs are vault-action's inputs for the same n paths, the
// same role and the same audience (its default audience is not the
// tutorial role's).
func vaultActionInputs(vaultURL, owner string, n int) map[string]string {
	var specs []string
	for i := range n {
		specs = append(specs, fmt.Sprintf("secret/data/bench/p%d value | P%d ;", i, i))
	}
	return map[string]string{
		"url":               vaultURL,
		"method":            "jwt",
		"role":              testbed.TutorialRole,
		"jwtGithubAudience": "https://github.com/" + owner,
		"secrets":           strings.TrimSuffix(strings.Join(specs, "\n"), ";"),
	}
}

// plainVaultRun refuses a run that did not read the plain way: three round
// trips (login, one wave of reads, revocation), as many requests as the
// binary's earlier runs of the same size. A run that retried would time
// the retries, not the flow.
func plainVaultRun(spans []span, earlier []int) error {
	switch trips := countRoundTrips(spans); {
	case trips != 3:
		return fmt.Errorf("took %d round trips to Vault, want 3 (login, reads, revocation): it retried or failed", trips)
	case len(earlier) > 0 && len(spans) != earlier[0]:
		return fmt.Errorf("made %d Vault requests where its first run made %d: it retried", len(spans), earlier[0])
	}
	return nil
}
