package mapping

import (
	"strings"

	"github.com/federate-action/federate/internal/export"
)

// table adds a job-summary section: a heading and a two-column table.
func table(set *export.Set, heading string, rows [][2]string) {
	set.Summary("### federate: " + heading)
	set.Summary("")
	set.Summary("| | |")
	set.Summary("|---|---|")
	for _, r := range rows {
		set.Summary("| " + r[0] + " | " + r[1] + " |")
	}
	set.Summary("")
}

// codeList renders names as Markdown code, comma-separated.
func codeList(names []string) string {
	if len(names) == 0 {
		return "(none)"
	}
	return "`" + strings.Join(names, "`, `") + "`"
}
