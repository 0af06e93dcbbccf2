package main

import (
	"context"
	"fmt"
	"io"
	"strings"
)

// profileCounts are the aws-profiles sizes timed: one account, and twenty.
var profileCounts = []int{1, 20}

// profileRows times aws-profiles with one profile and with twenty, each in
// its own account, with STS behind the added latency: the profiles are
// assumed at once, so twenty should cost about what one does. It runs
// against moto and against the concurrent stub, and notes the ratio of
// the median wall times for each. The sizes take turns run by run, so a
// change in the machine's load hits both alike.
func (e *env) profileRows(ctx context.Context, w io.Writer, runs int) error {
	backends := []struct{ name, url string }{
		{"moto", e.slowSTS.URL},
		{"STS stub", e.slowStub.URL},
	}
	for _, b := range backends {
		samples := make([][]sample, len(profileCounts))
		for i := range runs {
			for j, n := range profileCounts {
				s, err := e.once(ctx, "aws-profiles", profileInputs(n, b.url), i)
				if err != nil {
					return err
				}
				samples[j] = append(samples[j], s)
			}
		}
		var first, last float64
		for j, n := range profileCounts {
			wall := printRow(w, fmt.Sprintf("aws-profiles, %d profile(s) in %d account(s), %s behind the latency", n, n, b.name), samples[j])
			if j == 0 {
				first = float64(wall)
			}
			last = float64(wall)
		}
		e.notes = append(e.notes, fmt.Sprintf("aws-profiles against %s: %d profiles take %.2fx the wall time of %d",
			b.name, profileCounts[len(profileCounts)-1], last/first, profileCounts[0]))
	}
	return nil
}

// profileInputs configures n profiles, p1 to pn, each a role in its own
// account (moto takes the account from the role ARN).
func profileInputs(n int, sts string) map[string]string {
	lines := make([]string, 0, n)
	for i := 1; i <= n; i++ {
		lines = append(lines, fmt.Sprintf("p%d arn:aws:iam::%012d:role/deploy", i, 100000000000+i))
	}
	return map[string]string{
		"aws-profiles": strings.Join(lines, "\n"),
		"aws-region":   "us-west-1",
		"sts-endpoint": sts,
	}
}
