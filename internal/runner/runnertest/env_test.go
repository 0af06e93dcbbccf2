package runnertest

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestFilterEnv(t *testing.T) {
	t.Parallel()
	const msg = "Can't store NODE_OPTIONS output parameter using '$GITHUB_ENV' command."
	cases := []struct {
		name       string
		entries    []Entry
		wantKept   []Entry
		wantIssues []string
	}{
		{name: "nothing_blocked", entries: []Entry{{"A", "1"}}, wantKept: []Entry{{"A", "1"}}},
		{name: "node_options_dropped", entries: []Entry{{"A", "1"}, {"NODE_OPTIONS", "--require x"}, {"B", "2"}}, wantKept: []Entry{{"A", "1"}, {"B", "2"}}, wantIssues: []string{msg}},
		{name: "case_insensitive", entries: []Entry{{"node_Options", "x"}}, wantIssues: []string{msg}},
		{name: "prefix_is_not_blocked", entries: []Entry{{"NODE_OPTIONS_X", "x"}}, wantKept: []Entry{{"NODE_OPTIONS_X", "x"}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			kept, issues := FilterEnv(tc.entries)
			assert.Equal(t, tc.wantKept, kept)
			assert.Equal(t, tc.wantIssues, issues)
		})
	}
}
