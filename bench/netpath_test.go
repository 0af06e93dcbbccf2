package main

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// spanAt is a span of recorder's, of kind, from arrived to answered ms,
// on the recorder's one connection.
func spanAt(recorder string, kind spanKind, arrived, answered int) span {
	t0 := time.Unix(0, 0)
	return span{recorder: recorder, kind: kind, path: "/" + kind.String(), conn: recorder,
		arrived: t0.Add(time.Duration(arrived) * time.Millisecond), answered: t0.Add(time.Duration(answered) * time.Millisecond)}
}

// sequentialVaultRun is today's Vault run at 50 ms a round trip: the
// token over a fresh connection, then Vault's connection, then login,
// the wave of reads and the revocation.
var sequentialVaultRun = []span{
	spanAt(tokenServer, spanConnect, 0, 50),
	spanAt(tokenServer, spanHandshake, 51, 101),
	spanAt(tokenServer, spanRequest, 102, 152),
	spanAt(vaultServer, spanConnect, 155, 205),
	spanAt(vaultServer, spanHandshake, 206, 256),
	spanAt(vaultServer, spanRequest, 257, 307), // login
	spanAt(vaultServer, spanRequest, 308, 358), // a read
	spanAt(vaultServer, spanRequest, 308, 362), // another read
	spanAt(vaultServer, spanRequest, 363, 413), // revocation
}

// overlappedVaultRun is the same run with Vault's connection opened at
// start, beside the token's.
var overlappedVaultRun = []span{
	spanAt(tokenServer, spanConnect, 0, 50),
	spanAt(vaultServer, spanConnect, 1, 51),
	spanAt(tokenServer, spanHandshake, 51, 101),
	spanAt(vaultServer, spanHandshake, 52, 102),
	spanAt(tokenServer, spanRequest, 102, 152),
	spanAt(vaultServer, spanRequest, 153, 203),
	spanAt(vaultServer, spanRequest, 204, 254),
	spanAt(vaultServer, spanRequest, 255, 305),
}

// sequentialPath is sequentialVaultRun's critical path.
const sequentialPath = "token connect -> token TLS -> token request (request) -> Vault connect -> Vault TLS -> Vault request (request) -> Vault request (request) -> Vault request (request)"

// onConn moves s to another connection.
func onConn(conn string, s span) span {
	s.conn = conn
	return s
}

func TestCriticalPathCountsConnectionSetUp(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		spans      []span
		wantTrips  int
		wantSetUp  int // of them Vault's connection set-up
		wantFewest int
		wantPath   string
	}{
		{"no_span_is_no_round_trip", nil, 0, 0, 0, ""},
		{"a_fresh_connection_costs_tcp_and_tls_before_its_request",
			[]span{spanAt(vaultServer, spanConnect, 0, 50), spanAt(vaultServer, spanHandshake, 50, 100), spanAt(vaultServer, spanRequest, 100, 150)},
			3, 2, 3, "Vault connect -> Vault TLS -> Vault request (request)"},
		{"a_sequential_vault_run_is_eight_of_which_two_could_overlap_the_token", sequentialVaultRun, 8, 2, 6, sequentialPath},
		{"an_overlapped_run_costs_the_fewest", overlappedVaultRun, 6, 0, 6,
			"token connect -> token TLS -> token request (request) -> Vault request (request) -> Vault request (request) -> Vault request (request)"},
		{"a_second_connection_opened_beside_the_login_is_off_the_path",
			append([]span{onConn("second", spanAt(vaultServer, spanConnect, 258, 308)), onConn("second", spanAt(vaultServer, spanHandshake, 308, 358))},
				sequentialVaultRun...), 8, 2, 6, sequentialPath},
		{"a_second_connection_opened_after_a_read_answered_is_off_the_path",
			append([]span{onConn("second", spanAt(vaultServer, spanConnect, 309, 359)), onConn("second", spanAt(vaultServer, spanHandshake, 359, 409))},
				sequentialVaultRun...), 8, 2, 6, sequentialPath},
		{"set_up_longer_than_the_token_fetch_sets_the_fewest",
			[]span{spanAt(tokenServer, spanRequest, 0, 60), spanAt(vaultServer, spanConnect, 0, 50), spanAt(vaultServer, spanHandshake, 50, 100),
				spanAt(vaultServer, spanRequest, 100, 150)},
			3, 2, 3, "Vault connect -> Vault TLS -> Vault request (request)"},
		{"connections_opened_one_after_another_could_each_open_during_the_token_fetch",
			[]span{spanAt(tokenServer, spanConnect, 0, 50), spanAt(tokenServer, spanHandshake, 50, 100), spanAt(tokenServer, spanRequest, 100, 150),
				spanAt(vaultServer, spanConnect, 150, 200), spanAt(vaultServer, spanHandshake, 200, 250), spanAt(vaultServer, spanRequest, 250, 300),
				onConn("second", spanAt(vaultServer, spanConnect, 300, 350)), onConn("second", spanAt(vaultServer, spanHandshake, 350, 400)),
				onConn("second", spanAt(vaultServer, spanRequest, 400, 450))},
			9, 4, 5, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := criticalPath(tt.spans)
			assert.Len(t, p, tt.wantTrips)
			assert.Equal(t, tt.wantTrips, countRoundTrips(tt.spans))
			assert.Equal(t, tt.wantSetUp, setUpTrips(p, tokenServer))
			assert.Equal(t, tt.wantFewest, overlappedMinimum(tt.spans, tokenServer))
			if tt.wantPath != "" {
				assert.Equal(t, tt.wantPath, describePath(p))
			}
		})
	}
}

func TestCriticalPathFollowsArrivalOrderWhateverTheRecordingOrder(t *testing.T) {
	t.Parallel()
	reversed := make([]span, len(sequentialVaultRun))
	for i, s := range sequentialVaultRun {
		reversed[len(reversed)-1-i] = s
	}
	assert.Equal(t, criticalPath(sequentialVaultRun), criticalPath(reversed))
}

func TestCountSpans(t *testing.T) {
	t.Parallel()
	h2 := func(s span) span { s.proto = "HTTP/2.0"; return s }
	tests := []struct {
		name     string
		spans    []span
		recorder string
		want     setUpCount
	}{
		{"nothing_recorded_counts_nothing", nil, vaultServer, setUpCount{}},
		{"counts_only_the_recorders_own_spans", sequentialVaultRun, tokenServer, setUpCount{conns: 1, handshakes: 1, requests: 1}},
		{"one_connection_carries_the_whole_vault_run", sequentialVaultRun, vaultServer, setUpCount{conns: 1, handshakes: 1, requests: 4}},
		{"names_each_protocol_once",
			[]span{h2(spanAt(vaultServer, spanRequest, 0, 1)), h2(spanAt(vaultServer, spanRequest, 2, 3)), spanAt(vaultServer, spanConnect, 0, 1)},
			vaultServer, setUpCount{conns: 1, requests: 2, protos: "HTTP/2.0"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, countSpans(tt.spans, tt.recorder))
		})
	}
}

func TestPerRun(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   []int
		want string
	}{
		{"no_runs", nil, "n/a"},
		{"the_same_in_every_run_is_one_number", []int{8, 8, 8}, "8"},
		{"a_count_that_varies_shows_its_median_and_range", []int{8, 7, 9, 8, 8}, "8 (7-9)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, perRun(tt.in))
		})
	}
}
