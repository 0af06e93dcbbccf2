package runnertest

import "strings"

// envBlockList is SetEnvFileCommand._setEnvBlockList.
var envBlockList = []string{"NODE_OPTIONS"}

// FilterEnv applies what SetEnvFileCommand does with parsed GITHUB_ENV entries
// (the output and state commands have no such step): a name on the runner's
// block list, compared case-insensitively (StringComparison.OrdinalIgnoreCase),
// is not set; the runner reports an error annotation with the message returned
// in issues and goes on with the next entry. It exists so a test can assert
// that an action never tries to set NODE_OPTIONS.
func FilterEnv(entries []Entry) (kept []Entry, issues []string) {
	for _, e := range entries {
		if blocked, ok := blockedName(e.Name); ok {
			issues = append(issues, "Can't store "+blocked+" output parameter using '$GITHUB_ENV' command.")
			continue
		}
		kept = append(kept, e)
	}
	return kept, issues
}

// blockedName returns the block-list spelling of name when it is blocked; the
// runner's message uses that spelling, not the one the file had.
func blockedName(name string) (string, bool) {
	for _, b := range envBlockList {
		if strings.EqualFold(b, name) {
			return b, true
		}
	}
	return "", false
}
