package main

import (
	"context"
	"fmt"
	"io"
	"maps"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"time"
)

// startupGoal is what the AWS-only flow should cost per run on loopback.
var startupGoal = struct {
	wall, cpu, firstRequest time.Duration
	rssMB                   float64
}{12 * time.Millisecond, 10 * time.Millisecond, 3 * time.Millisecond, 10}

// program is what a startup row runs: its command line, inputs and env.
type program struct {
	name   string
	argv   []string
	inputs map[string]string
	env    map[string]string
}

// costs are the medians of one program's runs.
type costs struct {
	wall, cpu, firstRequest time.Duration
	rssKB                   int64
}

// startupRows times the AWS-only flow (token + STS on loopback) from the
// parent: wall, CPU and the time from just before fork to the token
// request's first byte; then runs it once more under /usr/bin/time for
// its peak RSS (peakRSSRun says why). federate runs twice per round:
// trusting the token service's CA alone, and trusting a full CA bundle
// plus that CA in one file, the trust store the image gives it (parsed
// once per run). Neither reads the host's certificate directory. With peerCAC
// (configure-aws-credentials' dist/index.js) it runs that under node too.
// The programs take turns run by run, so a change in the machine's load
// hits all alike.
func (e *env) startupRows(ctx context.Context, w io.Writer, runs int, peerCAC string) error {
	fb, tokenEnv, err := e.firstBytesTokens()
	if err != nil {
		return err
	}
	defer fb.Close()
	inputs := map[string]string{
		"role-to-assume": "arn:aws:iam::737236345234:role/gha-oidc-role",
		"aws-region":     "us-west-1",
		"sts-endpoint":   e.sts.URL,
	}
	programs := []program{{"federate, trusting the token CA only", []string{e.bin}, inputs, tokenEnv}}
	var notes []string
	if bundle, roots, err := bundleWithCA(e.dir, tokenEnv["SSL_CERT_FILE"]); err != nil {
		notes = append(notes, fmt.Sprintf("no CA bundle row: %v", err))
	} else {
		env := maps.Clone(tokenEnv)
		env["SSL_CERT_FILE"] = bundle
		programs = append(programs, program{fmt.Sprintf("federate, trusting the image's CA bundle (%d roots)", roots), []string{e.bin}, inputs, env})
	}
	current := len(programs) // the rows the goals are checked on
	if e.before != "" {
		programs = append(programs, program{"before: " + e.before + ", trusting the token CA only", []string{e.before}, inputs, tokenEnv})
		if bundle, ok := e.oldImageTrust(tokenEnv); ok {
			programs = append(programs, program{"before: " + e.before + ", the CA bundle as the image laid it out before (read as a file, then again in /etc/ssl/certs)", []string{e.before}, inputs, bundle})
		}
	}
	if floor, err := buildFloor(ctx, e.dir); err != nil {
		notes = append(notes, fmt.Sprintf("no floor row: %v", err))
	} else {
		programs = append(programs, program{"floor: the same two requests in plain Go (trusting the token CA only)", []string{floor}, inputs, tokenEnv})
	}
	peerAt := -1
	switch node, err := nodePath(); {
	case peerCAC == "":
		notes = append(notes, "no -peer-cac given: configure-aws-credentials not measured")
	case err != nil:
		notes = append(notes, err.Error())
	default:
		// The action's own inputs; the endpoint comes from the SDK's env.
		peerInputs := map[string]string{"role-to-assume": inputs["role-to-assume"], "aws-region": inputs["aws-region"]}
		peerAt = len(programs)
		programs = append(programs, program{"configure-aws-credentials (node: its built-in roots + NODE_EXTRA_CA_CERTS)", []string{node, peerCAC}, peerInputs,
			nodeEnv(tokenEnv, map[string]string{"AWS_ENDPOINT_URL_STS": e.sts.URL, "AWS_ENDPOINT_URL": e.sts.URL})})
	}
	runsOf := make([][]childRun, len(programs))
	first := make([][]time.Duration, len(programs))
	requests := make([][]requestCount, len(programs))
	for i := range runs {
		for j, p := range programs {
			before := e.requestCount()
			r, err := runChild(ctx, e.dir, p.argv, p.inputs, p.env)
			if err != nil {
				return fmt.Errorf("%s run %d: %w", p.name, i, err)
			}
			n := e.requestCount().minus(before)
			if err := n.check(requests[j]); err != nil {
				return fmt.Errorf("%s run %d: %w\n%s%s", p.name, i, err, r.stdout, r.stderr)
			}
			before = e.requestCount()
			if r.rssKB, err = peakRSSRun(ctx, e.dir, p.argv, p.inputs, p.env); err != nil {
				return fmt.Errorf("%s run %d, under /usr/bin/time: %w", p.name, i, err)
			}
			if err := e.requestCount().minus(before).check(requests[j]); err != nil {
				return fmt.Errorf("%s run %d, under /usr/bin/time: %w", p.name, i, err)
			}
			runsOf[j], requests[j] = append(runsOf[j], r), append(requests[j], n)
			if t, ok := fb.firstSince(r.start); ok {
				first[j] = append(first[j], t.Sub(r.start))
			}
		}
	}
	fmt.Fprintf(w, "AWS only (token + STS on loopback moto), from the parent, medians of %d runs, programs alternating run by run\n\n", runs)
	fmt.Fprintln(w, "| program | wall | CPU (user + sys) | peak RSS (own runs, under /usr/bin/time) | time to first request | requests: token / STS |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|")
	var all []costs
	for j, p := range programs {
		c := medians(runsOf[j], first[j])
		all = append(all, c)
		fmt.Fprintf(w, "| %s | %s | %s | %.1f MB | %s | %d / %d |\n", p.name, ms(c.wall), ms(c.cpu), float64(c.rssKB)/1024, ms(c.firstRequest),
			requests[j][0].tokens, requests[j][0].sts)
	}
	fmt.Fprintln(w, "\nSSL_CERT_DIR is an empty directory for every program but the old image's layout: the host's /etc/ssl/certs is not read.")
	if peerAt >= 0 {
		peer := all[peerAt]
		for j := range current {
			fmt.Fprintf(w, "configure-aws-credentials / %s: wall %.1fx, CPU %.1fx, peak RSS %.1fx\n", programs[j].name,
				float64(peer.wall)/float64(all[j].wall), float64(peer.cpu)/float64(all[j].cpu), float64(peer.rssKB)/float64(all[j].rssKB))
		}
	}
	for _, n := range notes {
		fmt.Fprintf(w, "(%s)\n", n)
	}
	for j := range current {
		g := all[j]
		fmt.Fprintf(w, "\ngoals, %s: wall <= %s: %s; CPU <= %s: %s; peak RSS <= %.0f MB: %s; time to first request <= %s: %s\n", programs[j].name,
			ms(startupGoal.wall), verdict(g.wall <= startupGoal.wall), ms(startupGoal.cpu), verdict(g.cpu <= startupGoal.cpu),
			startupGoal.rssMB, verdict(float64(g.rssKB)/1024 <= startupGoal.rssMB),
			ms(startupGoal.firstRequest), verdict(g.firstRequest > 0 && g.firstRequest <= startupGoal.firstRequest))
	}
	return nil
}

// requestCount is how many token and STS requests the servers saw.
type requestCount struct{ tokens, sts int }

func (e *env) requestCount() requestCount {
	return requestCount{tokens: len(e.tokens.Requests()), sts: e.sts.Requests()}
}

func (n requestCount) minus(m requestCount) requestCount {
	return requestCount{n.tokens - m.tokens, n.sts - m.sts}
}

// check refuses a run that did not get its credentials the plain way: one
// token, at least one STS request, and as many as the program's earlier
// runs made. A run that retried (a refused request, a missing variable)
// would time the retries, not the program.
func (n requestCount) check(earlier []requestCount) error {
	switch {
	case n.tokens != 1 || n.sts < 1:
		return fmt.Errorf("made %d token and %d STS requests, want 1 and at least 1", n.tokens, n.sts)
	case len(earlier) > 0 && n != earlier[0]:
		return fmt.Errorf("made %d token and %d STS requests, where its first run made %d and %d: it retried", n.tokens, n.sts, earlier[0].tokens, earlier[0].sts)
	}
	return nil
}

// firstBytesTokens puts a first-byte recorder in front of the token
// service and returns it with the step's env pointing at it.
func (e *env) firstBytesTokens() (*firstBytes, map[string]string, error) {
	u, err := url.Parse(e.stepEnv["ACTIONS_ID_TOKEN_REQUEST_URL"])
	if err != nil {
		return nil, nil, err
	}
	fb, err := newFirstBytes(u.Host)
	if err != nil {
		return nil, nil, err
	}
	u.Host = fb.Addr() // same IP, so the certificate still matches
	env := maps.Clone(e.stepEnv)
	env["ACTIONS_ID_TOKEN_REQUEST_URL"] = u.String()
	return fb, env, nil
}

// medians of a program's runs; firstRequest is 0 when none was seen.
func medians(runs []childRun, first []time.Duration) costs {
	var walls, cpus []time.Duration
	var rss []int
	for _, r := range runs {
		walls, cpus, rss = append(walls, r.wall), append(cpus, r.cpu), append(rss, int(r.rssKB))
	}
	c := costs{wall: median(walls), cpu: median(cpus), rssKB: int64(median(rss))}
	if len(first) > 0 {
		c.firstRequest = median(first)
	}
	return c
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d)/1e6) }

func verdict(ok bool) string {
	if ok {
		return "met"
	}
	return "NOT met"
}

// buildFloor builds bench/floor, the AWS-only flow's two requests with
// nothing else: the figures federate cannot go below on this machine.
func buildFloor(ctx context.Context, dir string) (string, error) {
	out := filepath.Join(dir, "floor")
	cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-ldflags=-s -w", "-o", out, "github.com/federate-action/federate/bench/floor")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if b, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build bench/floor: %w\n%s", err, b)
	}
	return out, nil
}

// oldImageTrust is the trust store of the image before its bundle moved:
// the bundle read as SSL_CERT_FILE and again as a file of SSL_CERT_DIR,
// so Go parsed every root twice.
func (e *env) oldImageTrust(tokenEnv map[string]string) (map[string]string, bool) {
	bundle, _, err := bundleWithCA(e.dir, tokenEnv["SSL_CERT_FILE"])
	if err != nil {
		return nil, false
	}
	dir, err := os.MkdirTemp(e.dir, "old-image-certs-*")
	if err != nil {
		return nil, false
	}
	b, err := os.ReadFile(bundle)
	if err != nil || os.WriteFile(filepath.Join(dir, "ca-certificates.crt"), b, 0o600) != nil {
		return nil, false
	}
	env := maps.Clone(tokenEnv)
	env["SSL_CERT_FILE"], env["SSL_CERT_DIR"] = bundle, dir
	return env, true
}
