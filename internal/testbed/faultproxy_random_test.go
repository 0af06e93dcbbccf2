package testbed

import (
	"math"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// codes sends n sequential GETs through p and returns their status codes.
func codes(t *testing.T, p *FaultProxy, n int) []int {
	t.Helper()
	got, err := statusCodes(p, n)
	require.NoError(t, err)
	return got
}

// statusCodes is codes without the test, for use in other goroutines.
func statusCodes(p *FaultProxy, n int) ([]int, error) {
	client := freshClient(5 * time.Second)
	got := make([]int, 0, n)
	for range n {
		resp, err := client.Get(p.URL + "/")
		if err != nil {
			return got, err
		}
		resp.Body.Close()
		got = append(got, resp.StatusCode)
	}
	return got, nil
}

func count(codes []int, code int) int {
	n := 0
	for _, c := range codes {
		if c == code {
			n++
		}
	}
	return n
}

func TestFaultProxy_random_rate_extremes(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name        string
		rate        float64
		wantFaulted int
	}{
		{name: "never", rate: 0, wantFaulted: 0},
		{name: "always", rate: 1, wantFaulted: 10},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := newBackend(t)
			p := newProxy(t, b.URL)
			p.SetRandom(tc.rate, VaultThrottling, 1)

			got := codes(t, p, 10)
			assert.Equal(t, tc.wantFaulted, count(got, http.StatusTooManyRequests))
			assert.Equal(t, 10-tc.wantFaulted, count(got, http.StatusOK))
			assert.Equal(t, tc.wantFaulted, p.Faulted())
			assert.Equal(t, 10, p.Requests())
			assert.EqualValues(t, 10-tc.wantFaulted, b.hits.Load(), "a faulted request never reaches the backend")
		})
	}
}

func TestFaultProxy_random_is_reproducible_per_seed(t *testing.T) {
	t.Parallel()
	run := func(seed int64) []int {
		b := newBackend(t)
		p := newProxy(t, b.URL)
		p.SetRandom(0.5, VaultThrottling, seed)
		got := codes(t, p, 40)
		assert.Equal(t, count(got, http.StatusTooManyRequests), p.Faulted())
		return got
	}
	first, again, other := run(7), run(7), run(8)
	assert.Equal(t, first, again, "the same seed gives the same faults in the same order")
	assert.NotEqual(t, first, other, "another seed gives other faults")
	assert.Positive(t, count(first, http.StatusTooManyRequests))
	assert.Positive(t, count(first, http.StatusOK))
}

func TestFaultProxy_random_rate_is_roughly_kept(t *testing.T) {
	t.Parallel()
	// Draws without HTTP: next is what serve applies to each request.
	for _, seed := range []int64{1, 2, 3} {
		p := &FaultProxy{}
		p.SetRandom(0.2, VaultThrottling, seed)
		for range 2000 {
			p.next()
		}
		assert.InDelta(t, 400, p.Faulted(), 80, "seed %d", seed)
	}
}

func TestFaultProxy_queue_comes_before_random(t *testing.T) {
	t.Parallel()
	b := newBackend(t)
	p := newProxy(t, b.URL)
	p.SetRandom(1, VaultThrottling, 1)
	p.Enqueue(Fault{Status: 503}, Fault{}) // a queued zero Fault passes through

	assert.Equal(t, []int{503, 200, 429, 429}, codes(t, p, 4))
	assert.Equal(t, 3, p.Faulted(), "the queued 503 and two random faults")
	assert.EqualValues(t, 1, b.hits.Load())
}

func TestFaultProxy_queued_draws_do_not_shift_the_sequence(t *testing.T) {
	t.Parallel()
	plain := newProxy(t, newBackend(t).URL)
	plain.SetRandom(0.5, VaultThrottling, 42)
	queued := newProxy(t, newBackend(t).URL)
	queued.SetRandom(0.5, VaultThrottling, 42)
	queued.Enqueue(Fault{Status: 500}, Fault{Status: 500})

	want := codes(t, plain, 20)
	got := codes(t, queued, 22)
	assert.Equal(t, []int{500, 500}, got[:2])
	assert.Equal(t, want, got[2:], "requests taken by the queue use no draw")
}

func TestFaultProxy_random_off_again(t *testing.T) {
	t.Parallel()
	b := newBackend(t)
	p := newProxy(t, b.URL)
	p.SetRandom(1, VaultThrottling, 1)
	assert.Equal(t, []int{429}, codes(t, p, 1))
	p.SetRandom(0, VaultThrottling, 1)
	assert.Equal(t, []int{200, 200}, codes(t, p, 2))
	assert.Equal(t, 1, p.Faulted())
}

func TestFaultProxy_random_concurrent_requests(t *testing.T) {
	t.Parallel()
	const clients, each = 20, 10
	b := newBackend(t)
	p := newProxy(t, b.URL)
	p.SetRandom(0.3, VaultThrottling, 5)

	var mu sync.Mutex
	var all []int
	var wg sync.WaitGroup
	for range clients {
		wg.Go(func() {
			got, err := statusCodes(p, each)
			assert.NoError(t, err)
			mu.Lock()
			defer mu.Unlock()
			all = append(all, got...)
		})
	}
	wg.Wait()

	// Arrival order varies, but the k-th request past the queue always
	// gets the k-th draw, so the count is the same as sequential requests'.
	seq := newProxy(t, newBackend(t).URL)
	seq.SetRandom(0.3, VaultThrottling, 5)
	want := count(codes(t, seq, clients*each), http.StatusTooManyRequests)

	assert.Len(t, all, clients*each)
	assert.Equal(t, want, count(all, http.StatusTooManyRequests))
	assert.Equal(t, want, p.Faulted())
	assert.Equal(t, clients*each, p.Requests())
	assert.EqualValues(t, clients*each-want, b.hits.Load())
}

func TestFaultProxy_SetRandom_rejects_bad_rates(t *testing.T) {
	t.Parallel()
	p := &FaultProxy{}
	for _, rate := range []float64{-0.1, 1.5} {
		assert.Panics(t, func() { p.SetRandom(rate, VaultThrottling, 1) }, "%v", rate)
	}
	assert.Panics(t, func() { p.SetRandom(math.NaN(), VaultThrottling, 1) }, "NaN")
}
