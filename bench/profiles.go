package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"
)

// profileCounts are the aws-profiles sizes timed: one account, and twenty.
var profileCounts = []int{1, 20}

// profileRows times aws-profiles with one profile and with twenty, each in
// its own account, with STS behind the added latency: the profiles are
// assumed at once, so twenty should cost about what one does. It notes
// the ratio of the two wall times.
func (e *env) profileRows(ctx context.Context, w io.Writer, runs int) error {
	walls := map[int]time.Duration{}
	for _, n := range profileCounts {
		name := fmt.Sprintf("aws-profiles, %d profile(s) in %d account(s), STS behind the latency", n, n)
		wall, err := e.row(ctx, w, name, e.profileInputs(n), runs)
		if err != nil {
			return err
		}
		walls[n] = wall
	}
	first, last := profileCounts[0], profileCounts[len(profileCounts)-1]
	e.notes = append(e.notes, fmt.Sprintf("aws-profiles: %d profiles take %.2fx the wall time of %d", last,
		float64(walls[last])/float64(walls[first]), first))
	return nil
}

// profileInputs configures n profiles, p1 to pn, each a role in its own
// account (moto takes the account from the role ARN).
func (e *env) profileInputs(n int) map[string]string {
	lines := make([]string, 0, n)
	for i := 1; i <= n; i++ {
		lines = append(lines, fmt.Sprintf("p%d arn:aws:iam::%012d:role/deploy", i, 100000000000+i))
	}
	return map[string]string{
		"aws-profiles": strings.Join(lines, "\n"),
		"aws-region":   "us-west-1",
		"sts-endpoint": e.slowSTS.URL,
	}
}
