package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestRequestCount_check(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		n       requestCount
		earlier []requestCount
		wantErr string
	}{
		{"first_plain_run_passes", requestCount{1, 1}, nil, ""},
		{"same_as_earlier_runs_passes", requestCount{1, 2}, []requestCount{{1, 2}}, ""},
		{"no_sts_request_is_refused", requestCount{1, 0}, nil, "want 1 and at least 1"},
		{"second_token_is_refused", requestCount{2, 1}, nil, "want 1 and at least 1"},
		{"more_sts_requests_than_the_first_run_is_a_retry", requestCount{1, 3}, []requestCount{{1, 2}}, "it retried"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := tc.n.check(tc.earlier)
			if tc.wantErr == "" {
				assert.NoError(t, err)
				return
			}
			assert.ErrorContains(t, err, tc.wantErr)
		})
	}
}
