package retry

import "strings"

// maxBrief bounds an error's text in a retry's log line. The text can hold
// what a server answered (an STS message, a proxy's page), and a line per
// retry must not let a server fill the log.
const maxBrief = 300

// Brief returns err's text for a retry's log line: on one line, at most
// maxBrief characters.
func Brief(err error) string {
	s := strings.Join(strings.Fields(err.Error()), " ")
	if r := []rune(s); len(r) > maxBrief {
		return string(r[:maxBrief]) + "..."
	}
	return s
}
