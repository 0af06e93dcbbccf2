package main

import (
	"context"
	"fmt"
	"io"
	"maps"
	"net/url"
	"time"
)

// startupGoal is what the AWS-only flow should cost per run on loopback.
var startupGoal = struct {
	wall, cpu, firstRequest time.Duration
	rssMB                   float64
}{12 * time.Millisecond, 10 * time.Millisecond, 3 * time.Millisecond, 10}

// program is what a startup row runs: its command line and its env.
type program struct {
	name string
	argv []string
	env  map[string]string
}

// costs are the medians of one program's runs.
type costs struct {
	wall, cpu, firstRequest time.Duration
	rssKB                   int64
}

// startupRows times the AWS-only flow (token + STS on loopback) from the
// parent: wall, CPU, peak RSS and the time from just before fork to the
// token request's first byte. With peerCAC (configure-aws-credentials'
// dist/index.js) it runs that under node too, alternating run by run, so
// a change in the machine's load hits both alike.
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
	programs := []program{{"federate", []string{e.bin}, tokenEnv}}
	note := ""
	if peerCAC != "" {
		node, err := nodePath()
		if err != nil {
			note = err.Error()
		} else {
			programs = append(programs, program{"configure-aws-credentials", []string{node, peerCAC}, nodeEnv(tokenEnv, map[string]string{
				"AWS_ENDPOINT_URL_STS": e.sts.URL,
				"AWS_ENDPOINT_URL":     e.sts.URL,
			})})
		}
	}
	runsOf := make([][]childRun, len(programs))
	first := make([][]time.Duration, len(programs))
	for i := range runs {
		for j, p := range programs {
			in := inputs
			if j > 0 {
				in = map[string]string{"role-to-assume": inputs["role-to-assume"], "aws-region": inputs["aws-region"]}
			}
			r, err := runChild(ctx, e.dir, p.argv, in, p.env)
			if err != nil {
				return fmt.Errorf("%s run %d: %w", p.name, i, err)
			}
			runsOf[j] = append(runsOf[j], r)
			if t, ok := fb.firstSince(r.start); ok {
				first[j] = append(first[j], t.Sub(r.start))
			}
		}
	}
	fmt.Fprintf(w, "AWS only (token + STS on loopback moto), from the parent, medians of %d runs\n\n", runs)
	fmt.Fprintln(w, "| program | wall | CPU (user + sys) | peak RSS | time to first request |")
	fmt.Fprintln(w, "|---|---|---|---|---|")
	var all []costs
	for j, p := range programs {
		c := medians(runsOf[j], first[j])
		all = append(all, c)
		fmt.Fprintf(w, "| %s | %s | %s | %.1f MB | %s |\n", p.name, ms(c.wall), ms(c.cpu), float64(c.rssKB)/1024, ms(c.firstRequest))
	}
	if len(all) > 1 {
		fmt.Fprintf(w, "\nconfigure-aws-credentials / federate, same run, alternating: wall %.1fx, CPU %.1fx, peak RSS %.1fx\n",
			float64(all[1].wall)/float64(all[0].wall), float64(all[1].cpu)/float64(all[0].cpu), float64(all[1].rssKB)/float64(all[0].rssKB))
	} else if note == "" {
		note = "no -peer-cac given: configure-aws-credentials not measured"
	}
	if note != "" {
		fmt.Fprintf(w, "\n(%s)\n", note)
	}
	g := all[0]
	fmt.Fprintf(w, "\ngoals: wall <= %s: %s; CPU <= %s: %s; peak RSS <= %.0f MB: %s; time to first request <= %s: %s\n",
		ms(startupGoal.wall), verdict(g.wall <= startupGoal.wall), ms(startupGoal.cpu), verdict(g.cpu <= startupGoal.cpu),
		startupGoal.rssMB, verdict(float64(g.rssKB)/1024 <= startupGoal.rssMB),
		ms(startupGoal.firstRequest), verdict(g.firstRequest > 0 && g.firstRequest <= startupGoal.firstRequest))
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
