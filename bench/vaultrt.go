package main

import (
	"context"
	"fmt"
	"io"
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
// runs that under node too, alternating run by run.
func (e *env) vaultRTRows(ctx context.Context, w io.Writer, runs int, latency time.Duration, peerVA string) error {
	rec, err := newRoundTrips(e.slow.URL)
	if err != nil {
		return err
	}
	defer rec.Close()
	node, nodeErr := "", error(nil)
	if peerVA != "" {
		node, nodeErr = nodePath()
	}
	roundTrip := 2 * latency
	fmt.Fprintf(w, "Vault behind %s each way (%s a round trip), from the parent, medians of %d runs\n\n", latency, roundTrip, runs)
	fmt.Fprintln(w, "| flow | wall | CPU | peak RSS | Vault requests | Vault round trips | peer wall | ratio |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|")
	walls := map[int]time.Duration{}
	var failed []string
	for _, n := range vaultRTPaths {
		in := e.vaultInputs(n)
		in["vault-url"] = rec.URL
		var ours, theirs []childRun
		var requests, trips []int
		rec.take()
		for i := range runs {
			r, err := runChild(ctx, e.dir, []string{e.bin}, in, e.stepEnv)
			if err != nil {
				return fmt.Errorf("vault flow, %d path(s), run %d: %w", n, i, err)
			}
			spans := rec.take()
			ours, requests, trips = append(ours, r), append(requests, len(spans)), append(trips, countRoundTrips(spans))
			if node != "" {
				p, err := runChild(ctx, e.dir, []string{node, peerVA}, vaultActionInputs(rec.URL, e.tokens.Owner(), n), nodeEnv(e.stepEnv, nil))
				if err != nil {
					return fmt.Errorf("vault-action, %d path(s), run %d: %w", n, i, err)
				}
				rec.take()
				theirs = append(theirs, p)
			}
		}
		c := medians(ours, nil)
		walls[n] = c.wall
		peer, ratio := "", ""
		if len(theirs) > 0 {
			pc := medians(theirs, nil)
			peer, ratio = ms(pc.wall), fmt.Sprintf("%.1fx", float64(pc.wall)/float64(c.wall))
		}
		fmt.Fprintf(w, "| Vault, %d path(s) | %s | %s | %.1f MB | %d | %d | %s | %s |\n", n, ms(c.wall), ms(c.cpu),
			float64(c.rssKB)/1024, median(requests), median(trips), peer, ratio)
		if limit := 3*roundTrip + vaultRTSlack; c.wall > limit {
			failed = append(failed, fmt.Sprintf("%d path(s) took %s, over 3 round trips + %s = %s", n, ms(c.wall), vaultRTSlack, ms(limit)))
		}
	}
	first, last := vaultRTPaths[0], vaultRTPaths[len(vaultRTPaths)-1]
	if d := walls[last] - walls[first]; d > roundTrip {
		failed = append(failed, fmt.Sprintf("%d paths took %s more than %d, over one round trip (%s)", last, ms(d), first, ms(roundTrip)))
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
	return nil
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
