package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/federate-action/federate/internal/testbed"
)

// vaultPKIRows compares a step that issues certificates beside its secret
// reads with steps that only read, by Vault round trips: the issues share
// the reads' one wave after the login, so 5 paths + 2 certificates should
// cost the round trips of 5 paths, not 2 more. All three log in with the
// role that may issue, through the same added latency.
func (e *env) vaultPKIRows(ctx context.Context, w io.Writer, runs int) error {
	rec, err := newRoundTrips(e.slow.URL)
	if err != nil {
		return err
	}
	defer rec.Close()
	fmt.Fprintln(w, "| flow | wall | Vault requests | Vault round trips |")
	fmt.Fprintln(w, "|---|---|---|---|")
	for _, r := range []struct {
		name         string
		paths, certs int
	}{
		{"Vault, 1 path + 0 certificates", 1, 0},
		{"Vault, 5 paths", 5, 0},
		{"Vault, 5 paths + 2 certificates (vault-pki)", 5, 2},
	} {
		in := e.vaultInputs(r.paths)
		in["vault-url"], in["vault-role"] = rec.URL, testbed.PKIRole
		if r.certs > 0 {
			in["vault-pki"] = pkiSpecs(r.certs)
		}
		var walls []time.Duration
		var requests, trips []int
		rec.take()
		for i := range runs {
			s, err := e.once(ctx, r.name, in, i)
			if err != nil {
				return err
			}
			walls = append(walls, s.wall)
			requests = append(requests, s.vault)
			trips = append(trips, countRoundTrips(rec.take()))
		}
		fmt.Fprintf(w, "| %s | %s | %d | %d |\n", r.name, median(walls).Round(time.Millisecond), median(requests), median(trips))
	}
	fmt.Fprintln(w, "\nA round trip is a request that arrived after an earlier one's answer: the login, one wave for reads and issues, the revocation.")
	return nil
}

// pkiSpecs is n vault-pki lines, each issuing a certificate for its own
// name under the role testbed.ConfigurePKI sets up.
func pkiSpecs(n int) string {
	var lines []string
	for i := range n {
		lines = append(lines, fmt.Sprintf(`%s/issue/%s {"common_name": "bench-%d.example.com"} | TLS%d`,
			testbed.PKIRootMount, testbed.PKICertRole, i, i))
	}
	return strings.Join(lines, "\n")
}
