package retry

import (
	"strings"

	"github.com/federate-action/federate/internal/redact"
)

// Brief returns err's text for a retry's log line: on one line, shortened
// by the one rule (redact.Shorten). The text can hold what a server
// answered (an STS message, a proxy's page), and a line per retry must not
// let a server fill the log.
func Brief(err error) string {
	return redact.Shorten(strings.Join(strings.Fields(err.Error()), " "))
}
