package bodylimit_test

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/federate-action/federate/internal/bodylimit"
	"github.com/federate-action/federate/internal/retry"
)

var testLimit = bodylimit.Limit{Server: "STS", Bytes: 1 << 10, Hint: "check sts-endpoint"}

// endless is a body that never ends, so a test proves nothing reads it whole.
type endless struct{}

func (endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'x'
	}
	return len(p), nil
}

func TestClient_BoundsEveryAnswer(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name          string
		size          int64 // -1: endless
		declareLength bool
		wantErr       bool
	}{
		{"empty_answer_is_read", 0, false, false},
		{"answer_of_exactly_the_limit_is_read", 1 << 10, false, false},
		{"answer_of_exactly_the_limit_with_its_length_is_read", 1 << 10, true, false},
		{"one_byte_over_is_refused", 1<<10 + 1, false, true},
		{"declared_length_over_the_limit_is_refused", 1<<10 + 1, true, true},
		{"endless_answer_is_refused", -1, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				if tt.declareLength {
					w.Header().Set("Content-Length", strconv.FormatInt(tt.size, 10))
				}
				w.WriteHeader(http.StatusTeapot)
				if tt.size < 0 {
					_, _ = io.Copy(w, io.LimitReader(endless{}, 100<<20))
					return
				}
				_, _ = io.Copy(w, io.LimitReader(endless{}, tt.size))
			}))
			t.Cleanup(srv.Close)

			c := bodylimit.Client(srv.Client(), testLimit)
			resp, err := c.Get(srv.URL + "/path?token=secret")
			require.NoError(t, err)
			defer resp.Body.Close()
			got, err := io.ReadAll(resp.Body)
			if !tt.wantErr {
				require.NoError(t, err)
				assert.Len(t, got, int(tt.size))
				return
			}
			var tooBig *bodylimit.Error
			require.ErrorAs(t, err, &tooBig)
			assert.LessOrEqual(t, len(got), 1<<10, "nothing past the limit is returned")
			assert.False(t, retry.Temporary(err), "asking again would not help")
			assert.Equal(t, "Answer too large", tooBig.Title())
			assert.Equal(t, "STS answered GET "+srv.URL+"/path?REDACTED with HTTP 418 and more than 1 KiB, the most read from it: check sts-endpoint", err.Error())
		})
	}
}

func TestClient_LeavesTheGivenClientAsItWas(t *testing.T) {
	t.Parallel()
	tr := &http.Transport{}
	c := &http.Client{Transport: tr}
	bounded := bodylimit.Client(c, testLimit)
	assert.Same(t, tr, c.Transport, "vault.New still gets the *http.Transport")
	assert.IsType(t, &bodylimit.Transport{}, bounded.Transport)
	assert.IsType(t, &bodylimit.Transport{}, bodylimit.Client(nil, testLimit).Transport)
}

func TestTransport_PassesErrorsThrough(t *testing.T) {
	t.Parallel()
	boom := errors.New("boom")
	tr := &bodylimit.Transport{Base: roundTripFunc(func(*http.Request) (*http.Response, error) { return nil, boom }), Limit: testLimit}
	req, err := http.NewRequest(http.MethodGet, "http://127.0.0.1/", strings.NewReader(""))
	require.NoError(t, err)
	_, err = tr.RoundTrip(req)
	assert.ErrorIs(t, err, boom)
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestTransport_BoundsAllAnswersTogether(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.Copy(w, io.LimitReader(endless{}, 600))
	}))
	t.Cleanup(srv.Close)
	l := bodylimit.Limit{Server: "Vault", Bytes: 1 << 10, Total: 1 << 10, Hint: "check vault-url"}
	c := bodylimit.Client(srv.Client(), l)
	get := func() error {
		resp, err := c.Get(srv.URL + "/v1/secret/data/x")
		require.NoError(t, err)
		defer resp.Body.Close()
		_, err = io.ReadAll(resp.Body)
		return err
	}

	require.NoError(t, get(), "600 bytes of 1 KiB")
	err := get()
	var tooBig *bodylimit.Error
	require.ErrorAs(t, err, &tooBig)
	assert.True(t, tooBig.Together)
	assert.Equal(t, "Vault's answers came to more than 1 KiB together, the most read from it in one step (at GET "+srv.URL+"/v1/secret/data/x): check vault-url", err.Error())
}
