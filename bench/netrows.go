package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/federate-action/federate/internal/testbed"
)

// The names the net rows' recorders give their spans.
const (
	tokenServer = "token"
	stsServer   = "STS"
	vaultServer = "Vault"
)

// netBed is a net row set's two TLS recorders: one in front of the token
// service and one in front of the server the run then talks to (STS or
// Vault), both charging a new connection its TCP and TLS round trips as a
// remote HTTPS server would, and the step env that reaches the token
// service through its recorder and trusts the recorders' test CA.
type netBed struct {
	tokens, server *roundTrips
	env            map[string]string
	caPEM          string
}

// newNetBed starts the recorders, the server's in front of target.
func (e *env) newNetBed(name, target string, roundTrip time.Duration) (*netBed, error) {
	dir, err := os.MkdirTemp(e.dir, "net-pki-*")
	if err != nil {
		return nil, err
	}
	pki, err := testbed.NewPKI(dir)
	if err != nil {
		return nil, err
	}
	cert, err := tls.LoadX509KeyPair(pki.ServerCertFile, pki.ServerKeyFile)
	if err != nil {
		return nil, err
	}
	tokenRoots := x509.NewCertPool()
	if !tokenRoots.AppendCertsFromPEM([]byte(e.tokens.CAPEM())) {
		return nil, errors.New("the token service has no TLS certificate")
	}
	b := &netBed{caPEM: pki.CAPEM}
	u, err := url.Parse(e.stepEnv["ACTIONS_ID_TOKEN_REQUEST_URL"])
	if err != nil {
		return nil, err
	}
	if b.tokens, err = newTLSRoundTrips(tokenServer, (&url.URL{Scheme: u.Scheme, Host: u.Host}).String(), roundTrip, cert, tokenRoots); err != nil {
		return nil, err
	}
	if b.server, err = newTLSRoundTrips(name, target, roundTrip, cert, nil); err != nil {
		b.tokens.Close()
		return nil, err
	}
	// The recorder's certificate names 127.0.0.1 as the token service's does.
	u.Host = strings.TrimPrefix(b.tokens.URL, "https://")
	b.env = maps.Clone(e.stepEnv)
	b.env["ACTIONS_ID_TOKEN_REQUEST_URL"] = u.String()
	b.env["SSL_CERT_FILE"] = pki.CAFile // the token service's recorder and STS's
	return b, nil
}

// Close stops both recorders.
func (b *netBed) Close() {
	b.tokens.Close()
	b.server.Close()
}

// take is both recorders' spans since the last take.
func (b *netBed) take() []span { return append(b.tokens.take(), b.server.take()...) }

// netRun is one run of a net row: its wall and spans.
type netRun struct {
	wall  time.Duration
	spans []span
}

// netRow is one flow of a net row set and the programs that run it,
// taking turns run by run.
type netRow struct {
	name     string
	programs []netProgram
}

// netProgram is one program of a net row; the goal is checked on ours.
type netProgram struct {
	program
	ours bool
}

// ourPrograms are federate (and e.before, first) with inputs, labelled
// when there are two.
func (e *env) ourPrograms(inputs, env map[string]string) []netProgram {
	bins := []string{e.bin}
	if e.before != "" {
		bins = []string{e.before, e.bin}
	}
	var ps []netProgram
	for _, bin := range bins {
		name := ""
		if len(bins) > 1 {
			name = e.label(bin)
		}
		ps = append(ps, netProgram{program{name, []string{bin}, inputs, env}, true})
	}
	return ps
}

// vaultNetRows times the Vault flow as it runs against a remote Vault over
// HTTPS: the token service and Vault each behind a TLS recorder that
// charges a round trip per TCP connection, per TLS handshake and per
// request. Vault is trusted through vault-ca-certificate. With peerVA
// (vault-action's dist/index.js) it runs that under node too, trusting
// Vault through its caCertificate input.
func (e *env) vaultNetRows(ctx context.Context, w io.Writer, runs int, latency time.Duration, peerVA string) error {
	b, err := e.newNetBed(vaultServer, e.vault.URL, 2*latency)
	if err != nil {
		return err
	}
	defer b.Close()
	node, nodeErr := "", error(nil)
	if peerVA != "" {
		node, nodeErr = nodePath()
	}
	var rows []netRow
	for _, n := range vaultRTPaths {
		in := e.vaultInputs(n)
		in["vault-url"], in["vault-ca-certificate"] = b.server.URL, b.caPEM
		row := netRow{fmt.Sprintf("Vault, %d path(s)", n), e.ourPrograms(in, b.env)}
		if node != "" {
			peer := vaultActionInputs(b.server.URL, e.tokens.Owner(), n)
			peer["caCertificate"] = base64.StdEncoding.EncodeToString([]byte(b.caPEM))
			// node trusts the token service's recorder through NODE_EXTRA_CA_CERTS.
			row.programs = append(row.programs, netProgram{program: program{"vault-action", []string{node, peerVA}, peer, nodeEnv(b.env, nil)}})
		}
		rows = append(rows, row)
	}
	if err := e.netRows(ctx, w, b, rows, runs, latency, vaultServer, vaultRTSlack); err != nil {
		return err
	}
	switch {
	case peerVA == "":
		fmt.Fprintln(w, "\n(no -peer-va given: vault-action not measured)")
	case nodeErr != nil:
		fmt.Fprintf(w, "\n(%v)\n", nodeErr)
	}
	return nil
}

// startupNetRows times the AWS-only flow as it runs against the real
// token service and STS: each behind a TLS recorder that charges a round
// trip per TCP connection, per TLS handshake and per request, STS being
// moto. With peerCAC (configure-aws-credentials' dist/index.js) it runs
// that under node too, STS's address in the SDK's env.
func (e *env) startupNetRows(ctx context.Context, w io.Writer, runs int, latency time.Duration, peerCAC string) error {
	b, err := e.newNetBed(stsServer, e.moto.URL, 2*latency)
	if err != nil {
		return err
	}
	defer b.Close()
	inputs := map[string]string{
		"role-to-assume": "arn:aws:iam::737236345234:role/gha-oidc-role",
		"aws-region":     "us-west-1",
	}
	ours := maps.Clone(inputs)
	ours["sts-endpoint"] = b.server.URL
	row := netRow{"AWS only (token + STS)", e.ourPrograms(ours, b.env)}
	node, nodeErr := "", error(nil)
	if peerCAC != "" {
		node, nodeErr = nodePath()
	}
	if node != "" {
		// node trusts the recorders through NODE_EXTRA_CA_CERTS.
		env := nodeEnv(b.env, map[string]string{"AWS_ENDPOINT_URL_STS": b.server.URL, "AWS_ENDPOINT_URL": b.server.URL})
		row.programs = append(row.programs, netProgram{program: program{"configure-aws-credentials", []string{node, peerCAC}, inputs, env}})
	}
	if err := e.netRows(ctx, w, b, []netRow{row}, runs, latency, stsServer, startupGoal.wall); err != nil {
		return err
	}
	switch {
	case peerCAC == "":
		fmt.Fprintln(w, "\n(no -peer-cac given: configure-aws-credentials not measured)")
	case nodeErr != nil:
		fmt.Fprintf(w, "\n(%v)\n", nodeErr)
	}
	return nil
}

// netRows runs each row's programs `runs` times, taking turns run by
// run, and prints per program the median wall, what each server was
// asked for per run, the round trips on the critical path and how many
// of them were connection set-up, and the fewest round trips the run
// could cost if the server's connections were set up while the ID token
// was fetched. It then checks the goal on ours: a run within that
// minimum + slack.
func (e *env) netRows(ctx context.Context, w io.Writer, b *netBed, rows []netRow, runs int, latency time.Duration, server string, slack time.Duration) error {
	roundTrip := 2 * latency
	fmt.Fprintf(w, "Over TLS: the token service and %s each behind %s each way (%s a round trip) for every TCP connection, TLS handshake and request; from the parent, medians of %d runs\n\n",
		server, latency, roundTrip, runs)
	fmt.Fprintf(w, "| flow | wall | token: connections / TLS handshakes / requests | %s: connections / TLS handshakes / requests | round trips on the critical path (of them %s set-up) | fewest, %s set-up during the token fetch | wall at the fewest |\n", server, server, server)
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|")
	var paths, goals []string
	met := true
	for _, row := range rows {
		got := make([][]netRun, len(row.programs))
		b.take()
		for i := range runs {
			for j, p := range row.programs {
				r, err := runChild(ctx, e.dir, p.argv, p.inputs, p.env)
				if err != nil {
					return fmt.Errorf("%s %s, run %d: %w", row.name, p.name, i, err)
				}
				spans := b.take()
				if n := countSpans(spans, tokenServer).requests; n != 1 {
					return fmt.Errorf("%s %s, run %d: %d token requests, want 1: it retried\n%s%s", row.name, p.name, i, n, r.stdout, r.stderr)
				}
				got[j] = append(got[j], netRun{wall: r.wall, spans: spans})
			}
		}
		for j, p := range row.programs {
			s := summarizeNet(got[j], server, roundTrip)
			name := row.name
			if p.name != "" {
				name += ", " + p.name
			}
			fmt.Fprintf(w, "| %s | %s | %s | %s | %s (%s) | %s | %s |\n", name, ms(s.wall), s.token, s.server, s.trips, s.setUp, s.fewest, ms(s.atFewest))
			paths = append(paths, fmt.Sprintf("%s: %s", name, s.path))
			if !p.ours {
				continue
			}
			limit := time.Duration(s.fewestMedian)*roundTrip + slack
			met = met && s.wall <= limit
			waited := time.Duration(s.tripsMedian) * roundTrip
			goals = append(goals, fmt.Sprintf("%s: %d round trips (%s), %d of them %s's connection set-up, + %s of the servers' own time on them + %s of the rest = %s; the fewest: %d round trips (%s) + %s = %s: %s",
				name, s.tripsMedian, ms(waited), s.setUpMedian, server, ms(s.serversOwn), ms(s.wall-waited-s.serversOwn), ms(s.wall),
				s.fewestMedian, ms(time.Duration(s.fewestMedian)*roundTrip), ms(slack), ms(limit), verdict(s.wall <= limit)))
		}
	}
	fmt.Fprintf(w, "\nThe critical path of each row's first run, one round trip per step:\n\n")
	for _, p := range paths {
		fmt.Fprintf(w, "- %s\n", p)
	}
	fmt.Fprintf(w, "\n\"wall at the fewest\" is each run's wall less %s for every round trip over the fewest: what the run would take with the %s connection set up during the token fetch.\n", roundTrip, server)
	fmt.Fprintf(w, "\ngoal, at %s each way: a run within the fewest round trips + %s (medians; \"the rest\" is the process's start, work and exit and both sides' TLS)\n\n", latency, ms(slack))
	for _, g := range goals {
		fmt.Fprintf(w, "- %s\n", g)
	}
	fmt.Fprintf(w, "\ngoal %s\n", verdict(met))
	return nil
}

// netSummary is a net row's figures over its runs, formatted where a
// figure may differ between runs (see perRun).
type netSummary struct {
	wall, atFewest       time.Duration
	token, server        string // connections / handshakes / requests
	trips, setUp, fewest string
	fewestMedian         int
	tripsMedian          int
	setUpMedian          int
	serversOwn           time.Duration // the servers' own time on the critical path, median
	path                 string        // the first run's critical path
}

// summarizeNet sums up a row's runs against server.
func summarizeNet(runs []netRun, server string, roundTrip time.Duration) netSummary {
	var walls, atFewest []time.Duration
	var tokens, servers []setUpCount
	var trips, setUp, fewest []int
	var own []time.Duration
	for _, r := range runs {
		p := criticalPath(r.spans)
		var o time.Duration
		for _, s := range p {
			o += s.server()
		}
		own = append(own, o)
		least := overlappedMinimum(r.spans, tokenServer)
		walls = append(walls, r.wall)
		atFewest = append(atFewest, r.wall-time.Duration(len(p)-least)*roundTrip)
		tokens, servers = append(tokens, countSpans(r.spans, tokenServer)), append(servers, countSpans(r.spans, server))
		trips, setUp, fewest = append(trips, len(p)), append(setUp, setUpTrips(p, tokenServer)), append(fewest, least)
	}
	s := netSummary{wall: median(walls), atFewest: median(atFewest), token: perRunCounts(tokens), server: perRunCounts(servers),
		trips: perRun(trips), setUp: perRun(setUp), fewest: perRun(fewest), fewestMedian: median(fewest),
		tripsMedian: median(trips), setUpMedian: median(setUp), serversOwn: median(own)}
	if len(runs) > 0 {
		s.path = describePath(criticalPath(runs[0].spans))
	}
	return s
}

// perRun is a count that is the same in every run as itself, and one
// that varies as its median and range: "8", "8 (7-9)".
func perRun(v []int) string {
	if len(v) == 0 {
		return "n/a"
	}
	lo, hi := slices.Min(v), slices.Max(v)
	if lo == hi {
		return fmt.Sprint(lo)
	}
	return fmt.Sprintf("%d (%d-%d)", median(v), lo, hi)
}

// perRunCounts formats connections / handshakes / requests per run, and
// the protocols the requests came in.
func perRunCounts(c []setUpCount) string {
	var conns, handshakes, requests []int
	var protos []string
	for _, n := range c {
		conns, handshakes, requests = append(conns, n.conns), append(handshakes, n.handshakes), append(requests, n.requests)
		if n.protos != "" && !slices.Contains(protos, n.protos) {
			protos = append(protos, n.protos)
		}
	}
	s := perRun(conns) + " / " + perRun(handshakes) + " / " + perRun(requests)
	if len(protos) > 0 {
		s += " (" + strings.Join(protos, "; ") + ")"
	}
	return s
}
