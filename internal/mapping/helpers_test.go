package mapping

import (
	"slices"
	"strings"
)

func uniq(s []string) []string {
	var out []string
	for _, v := range s {
		if !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

func contains(s []string, v string) bool { return slices.Contains(s, v) }

func joinLines(lines []string) string { return strings.Join(lines, "\n") }

func orEmpty(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}
