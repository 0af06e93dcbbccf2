package awssts_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/federate-action/federate/internal/awssts"
	"github.com/federate-action/federate/internal/bodylimit"
	"github.com/federate-action/federate/internal/retry"
	"github.com/federate-action/federate/internal/secret"
	"github.com/federate-action/federate/internal/testbed"
)

const roleARN = "arn:aws:iam::111122223333:role/ci"

// outcome is what one Assume did.
type outcome struct {
	logged   []string // every retry's log text
	requests int32
	err      error
}

// assume runs Assume against handler with up to 3 quick attempts.
func assume(t *testing.T, handler http.HandlerFunc) outcome {
	t.Helper()
	var requests atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		handler(w, r)
	}))
	t.Cleanup(srv.Close)
	var logged []string
	policy := retry.Policy{MaxAttempts: 3, Limit: "retry-max-attempts", Base: time.Millisecond, Cap: time.Millisecond,
		OnRetry: func(_ int, err error, _ time.Duration) { logged = append(logged, err.Error()) }}
	c := awssts.New(awssts.Options{Region: "us-east-1", Endpoint: srv.URL, HTTP: srv.Client()})
	tokens := func(context.Context) (secret.String, error) { return secret.New("e30.e30.sig"), nil }
	_, err := c.Assume(context.Background(), awssts.Request{RoleARN: roleARN, SessionName: "s", Duration: time.Hour}, tokens, policy)
	return outcome{logged: logged, requests: requests.Load(), err: err}
}

// STS's code and message are shown shortened, between characters: a
// server chooses their length, and every retry prints them.
func TestAssume_ShortensWhatSTSSays(t *testing.T) {
	t.Parallel()
	long := "a" + strings.Repeat("é", 20<<10)
	var calls atomic.Int32
	got := assume(t, func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusBadRequest)
		code := "AccessDenied"
		if calls.Add(1) == 1 {
			code = "Throttling"
		}
		_, _ = io.WriteString(w, testbed.STSError(code, long))
	})

	require.Len(t, got.logged, 1, "the throttled attempt is retried")
	for _, text := range append(got.logged, got.err.Error()) {
		assert.Less(t, len(text), 4<<10)
		assert.True(t, utf8.ValidString(text), "no character is split")
		assert.Contains(t, text, "a"+strings.Repeat("é", redact300-1)+"... (")
	}
	var denied *awssts.DeniedError
	require.ErrorAs(t, got.err, &denied)
}

// redact300 is redact.MaxRunes, written out so the test reads alone.
const redact300 = 300

// An answer over 1 MiB fails at once: it is no STS answer, and asking
// again would get the same.
func TestAssume_RefusesAnOversizedAnswer(t *testing.T) {
	t.Parallel()
	for _, status := range []int{http.StatusOK, http.StatusServiceUnavailable} {
		t.Run(http.StatusText(status), func(t *testing.T) {
			t.Parallel()
			got := assume(t, func(w http.ResponseWriter, _ *http.Request) {
				w.WriteHeader(status)
				chunk := []byte(strings.Repeat("x", 64<<10))
				for range 100 << 20 / len(chunk) {
					if _, err := w.Write(chunk); err != nil {
						return
					}
				}
			})
			var tooBig *bodylimit.Error
			require.ErrorAs(t, got.err, &tooBig)
			assert.Empty(t, got.logged, "not retried")
			assert.EqualValues(t, 1, got.requests)
			assert.Contains(t, got.err.Error(), "more than 1 MiB")
			assert.Less(t, len(got.err.Error()), 1000)
		})
	}
}
