package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestParseInitTrace(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		stderr string
		want   []initLine
	}{
		{
			name:   "reads_init_lines_among_other_output",
			stderr: "init internal/bytealg @0.008 ms, 0 ms clock, 0 bytes, 0 allocs\n::debug::x\ninit net/netip @1.5 ms, 0.010 ms clock, 48 bytes, 2 allocs\n",
			want: []initLine{
				{pkg: "internal/bytealg", at: 0.008},
				{pkg: "net/netip", at: 1.5, clock: 0.010, bytes: 48, allocs: 2},
			},
		},
		{name: "no_trace_gives_nothing", stderr: "gc 1 @0.018s 1%: 0.42+4.9+0.006 ms clock\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tc.want, parseInitTrace(tc.stderr))
		})
	}
}
