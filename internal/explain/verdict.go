// Package explain evaluates an IAM trust policy or a Vault jwt role
// against a token's claims, offline, and says which statement admits the
// run or which condition refuses it, and why; it also flags policies that
// would admit far more than one repository, whatever the claims.
package explain

import (
	"fmt"
	"strings"
)

// Severity says whether a Danger changes the exit code.
type Severity string

const (
	// Dangerous policies admit runs their author did not mean to admit.
	Dangerous Severity = "danger"
	// Wide policies may be intended but deserve a second look.
	Wide Severity = "warning"
)

// Danger is one thing wrong with a policy, whatever the claims.
type Danger struct {
	Severity Severity
	// Where names the statement or bound, e.g. `statement 1 ("GitHub")`.
	Where  string
	Reason string
	Fix    string
}

// Verdict is the outcome of one evaluation.
type Verdict struct {
	Admitted bool
	Dangers  []Danger
	// Text explains the verdict for a person, ending with a newline.
	Text string
}

// ExitCode is 2 when the policy is dangerous (even if it admits this run:
// it admits far more), else 0 admitted, 1 refused.
func (v Verdict) ExitCode() int {
	for _, d := range v.Dangers {
		if d.Severity == Dangerous {
			return 2
		}
	}
	if v.Admitted {
		return 0
	}
	return 1
}

// report gathers the lines of a verdict's text.
type report struct {
	b       strings.Builder
	dangers []Danger
}

func (r *report) line(format string, args ...any) {
	fmt.Fprintf(&r.b, format+"\n", args...)
}

func (r *report) flag(sev Severity, where, reason, fix string) {
	r.dangers = append(r.dangers, Danger{Severity: sev, Where: where, Reason: reason, Fix: fix})
}

// finish appends the verdict and the flags and returns the Verdict.
func (r *report) finish(admitted bool, what string) Verdict {
	if admitted {
		r.line("Verdict: %s admits this run.", what)
	} else {
		r.line("Verdict: %s refuses this run.", what)
	}
	for _, sev := range []Severity{Dangerous, Wide} {
		first := true
		for _, d := range r.dangers {
			if d.Severity != sev {
				continue
			}
			if first {
				r.line("")
				if sev == Dangerous {
					r.line("Dangerous, whatever the claims:")
				} else {
					r.line("Wide, worth a second look:")
				}
				first = false
			}
			r.line("  - %s: %s", d.Where, d.Reason)
			r.line("    fix: %s", d.Fix)
		}
	}
	return Verdict{Admitted: admitted, Dangers: r.dangers, Text: r.b.String()}
}
