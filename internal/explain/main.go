// Package explain evaluates an IAM trust policy or a Vault jwt role against
// a run's claims, offline.
package explain

import (
	"fmt"
	"io"
)

// Main runs `federate explain ARGS` and returns the exit code.
func Main(args []string, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "federate: explain is not available in this build")
	return 2
}
