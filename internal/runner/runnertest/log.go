package runnertest

import "strings"

// Masks returns the values a step's stdout registers with ::add-mask::,
// unescaped, leaving out blank ones, which the runner ignores.
func Masks(stdout string) []string {
	var out []string
	for _, line := range strings.Split(stdout, "\n") {
		if v, ok := maskCommand(line); ok {
			out = append(out, v)
		}
	}
	return out
}

// Visible is a step's log as the runner shows it: each line of stdout with
// the values masked before it replaced by ***, the mask commands hidden,
// then stderr unmasked (so nothing secret may reach stderr at all).
func Visible(stdout, stderr string) string {
	var b strings.Builder
	var active []string
	for _, line := range strings.Split(stdout, "\n") {
		if strings.HasPrefix(line, "::add-mask::") {
			if v, ok := maskCommand(line); ok {
				active = append(active, v)
			}
			continue
		}
		for _, m := range active {
			line = strings.ReplaceAll(line, m, "***")
		}
		b.WriteString(line + "\n")
	}
	return b.String() + stderr
}

// maskCommand returns the value an ::add-mask:: line registers; ok is
// false for any other line and for a blank value.
func maskCommand(line string) (string, bool) {
	v, ok := strings.CutPrefix(line, "::add-mask::")
	v = UnescapeData(v)
	return v, ok && strings.TrimSpace(v) != ""
}

// UnescapeData undoes the escaping of a workflow command's data (the
// toolkit's escapeData): %0D, %0A and %25.
func UnescapeData(s string) string {
	return strings.NewReplacer("%0D", "\r", "%0A", "\n", "%25", "%").Replace(s)
}
