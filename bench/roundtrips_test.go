package main

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestCountRoundTrips(t *testing.T) {
	t.Parallel()
	at := func(arrived, answered int) span {
		t0 := time.Unix(0, 0)
		return span{arrived: t0.Add(time.Duration(arrived) * time.Millisecond), answered: t0.Add(time.Duration(answered) * time.Millisecond)}
	}
	tests := []struct {
		name  string
		spans []span
		want  int
	}{
		{"no_request_is_no_round_trip", nil, 0},
		{"one_request_is_one", []span{at(0, 40)}, 1},
		{"a_wide_wave_after_the_login_is_one_more", []span{at(0, 40), at(41, 90), at(42, 300), at(41, 85)}, 2},
		{"login_wave_and_revocation_are_three_however_slow_one_answer", []span{at(0, 40), at(41, 600), at(42, 90), at(601, 640)}, 3},
		{"requests_one_after_another_each_count", []span{at(0, 40), at(41, 80), at(81, 120), at(121, 160)}, 4},
		{"recorded_in_answer_order_still_counted_by_arrival", []span{at(41, 80), at(81, 120), at(0, 40)}, 3},
		{"a_request_sent_as_an_answer_returns_waited_for_it", []span{at(0, 40), at(40, 80)}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, countRoundTrips(tt.spans))
		})
	}
}

func TestPlainVaultRun_refuses_a_run_that_retried(t *testing.T) {
	t.Parallel()
	at := func(arrived, answered int) span {
		t0 := time.Unix(0, 0)
		return span{arrived: t0.Add(time.Duration(arrived) * time.Millisecond), answered: t0.Add(time.Duration(answered) * time.Millisecond)}
	}
	plain := []span{at(0, 40), at(41, 90), at(42, 85), at(91, 130)}
	tests := []struct {
		name    string
		spans   []span
		earlier []int
		wantErr string
	}{
		{"login_wave_and_revocation_pass", plain, nil, ""},
		{"as_many_requests_as_the_first_run_pass", plain, []int{4}, ""},
		{"a_retried_read_is_a_fourth_round_trip", append(plain[:3:3], at(91, 130), at(131, 170)), nil, "took 4 round trips"},
		{"a_retried_read_in_the_same_wave_is_one_request_more", append(plain[:3:3], at(43, 86), at(91, 130)), []int{4}, "made 5 Vault requests where its first run made 4"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := plainVaultRun(tt.spans, tt.earlier)
			if tt.wantErr == "" {
				assert.NoError(t, err)
				return
			}
			assert.ErrorContains(t, err, tt.wantErr)
		})
	}
}
