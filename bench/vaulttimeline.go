package main

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
)

// vaultRun is what one Vault run left behind: the child's wall, the first
// byte of its ID token request, the recorder's spans and Vault's CPU.
type vaultRun struct {
	run      childRun
	token    time.Time // zero when the token service saw none
	spans    []span
	vaultCPU time.Duration
}

// phase is one stretch of a run's timeline and who spends it.
type phase struct{ name, who string }

// The phases, in order: together they make the run's wall exactly. The
// read wave is followed along its last answer: the time that read left
// after the first one, its latency and Vault's time for it.
var timelinePhases = []phase{
	{"fork -> ID token request leaves (process start, init, plan)", "us"},
	{"ID token request -> login request arrives (TLS, token service, Vault client)", "us + token service"},
	{"login: added latency", "network"},
	{"login: Vault's own time", "Vault"},
	{"login answer -> first read leaves", "us"},
	{"first read leaves -> last-answered read leaves", "us"},
	{"last-answered read: added latency", "network"},
	{"last-answered read: Vault's own time", "Vault"},
	{"last read answer -> revocation leaves (mapping, export)", "us"},
	{"revocation: added latency", "network"},
	{"revocation: Vault's own time", "Vault"},
	{"revocation answer -> exit", "us"},
}

// The other figures printed under the phases: they overlap the phases.
var timelineExtras = []phase{
	{"reads: first to last leaving", "us"},
	{"reads: Vault's own time, median read", "Vault"},
	{"reads: Vault's own time, slowest read", "Vault"},
	{"Vault's CPU for the whole run (2 cores)", "Vault"},
}

// timeline splits one run into timelinePhases and timelineExtras; ok is
// false for a run that does not have the login, reads, revocation shape.
func (v vaultRun) timeline() (phases, extras []time.Duration, ok bool) {
	var login, revoke *span
	var reads []span
	for i, s := range v.spans {
		switch {
		case strings.HasSuffix(s.path, "/login"):
			login = &v.spans[i]
		case strings.HasSuffix(s.path, "/auth/token/revoke-self"):
			revoke = &v.spans[i]
		default:
			reads = append(reads, s)
		}
	}
	if login == nil || revoke == nil || len(reads) == 0 || v.token.IsZero() {
		return nil, nil, false
	}
	first := slices.MinFunc(reads, func(a, b span) int { return a.arrived.Compare(b.arrived) })
	lastLeft := slices.MaxFunc(reads, func(a, b span) int { return a.arrived.Compare(b.arrived) })
	last := slices.MaxFunc(reads, func(a, b span) int { return a.answered.Compare(b.answered) })
	end := v.run.start.Add(v.run.wall)
	phases = []time.Duration{
		v.token.Sub(v.run.start),
		login.arrived.Sub(v.token),
		login.forwarded.Sub(login.arrived),
		login.server(),
		first.arrived.Sub(login.answered),
		last.arrived.Sub(first.arrived),
		last.forwarded.Sub(last.arrived),
		last.server(),
		revoke.arrived.Sub(last.answered),
		revoke.forwarded.Sub(revoke.arrived),
		revoke.server(),
		end.Sub(revoke.answered),
	}
	var own []time.Duration
	for _, r := range reads {
		own = append(own, r.server())
	}
	extras = []time.Duration{lastLeft.arrived.Sub(first.arrived), median(own), slices.Max(own), v.vaultCPU}
	return phases, extras, true
}

// printTimeline prints, for each size, the median of each phase over the
// runs, their sum beside the median wall, and who spends each phase.
func printTimeline(w io.Writer, sizes []int, runs map[int][]vaultRun) {
	fmt.Fprintln(w, "\nWhere a run's time goes (medians; the phases add up to the wall, the rows below them overlap the phases)")
	fmt.Fprintln(w)
	header, rule := "| phase | who |", "|---|---|"
	for _, n := range sizes {
		header += fmt.Sprintf(" %d path(s) |", n)
		rule += "---|"
	}
	fmt.Fprintln(w, header)
	fmt.Fprintln(w, rule)
	phases, extras := map[int][][]time.Duration{}, map[int][][]time.Duration{}
	for _, n := range sizes {
		phases[n] = make([][]time.Duration, len(timelinePhases))
		extras[n] = make([][]time.Duration, len(timelineExtras))
		for _, r := range runs[n] {
			p, x, ok := r.timeline()
			if !ok {
				continue
			}
			for i := range p {
				phases[n][i] = append(phases[n][i], p[i])
			}
			for i := range x {
				extras[n][i] = append(extras[n][i], x[i])
			}
		}
	}
	row := func(ph phase, cell func(n int) string) {
		line := fmt.Sprintf("| %s | %s |", ph.name, ph.who)
		for _, n := range sizes {
			line += " " + cell(n) + " |"
		}
		fmt.Fprintln(w, line)
	}
	medianOf := func(d []time.Duration) string {
		if len(d) == 0 {
			return "n/a"
		}
		return ms(median(d))
	}
	for i, ph := range timelinePhases {
		row(ph, func(n int) string { return medianOf(phases[n][i]) })
	}
	for _, who := range []string{"us", "network", "Vault"} {
		row(phase{"sum of the medians above", who}, func(n int) string {
			var sum time.Duration
			for i, ph := range timelinePhases {
				if strings.HasPrefix(ph.who, who) && len(phases[n][i]) > 0 {
					sum += median(phases[n][i])
				}
			}
			return ms(sum)
		})
	}
	row(phase{"wall", "all"}, func(n int) string {
		var walls []time.Duration
		for _, r := range runs[n] {
			walls = append(walls, r.run.wall)
		}
		return medianOf(walls)
	})
	for i, ph := range timelineExtras {
		row(ph, func(n int) string { return medianOf(extras[n][i]) })
	}
}
