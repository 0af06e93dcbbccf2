package idtoken_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/federate-action/federate/internal/bodylimit"
	"github.com/federate-action/federate/internal/idtoken"
	"github.com/federate-action/federate/internal/retry"
	"github.com/federate-action/federate/internal/secret"
)

func TestHTTP_Token(t *testing.T) {
	t.Parallel()
	const jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln"
	tests := []struct {
		name          string
		status        int
		body          string
		wantErr       string
		wantTemporary bool
	}{
		{name: "token_returned", status: 200, body: `{"count":1,"value":"` + jwt + `"}`},
		{name: "server_error_is_temporary", status: 503, body: "unavailable", wantErr: "HTTP 503", wantTemporary: true},
		{name: "throttling_is_temporary", status: 429, body: "slow down", wantErr: "HTTP 429", wantTemporary: true},
		{name: "forbidden_is_permanent", status: 403, body: "no", wantErr: "HTTP 403"},
		{name: "invalid_json_is_temporary", status: 200, body: `{"value":`, wantErr: "not JSON", wantTemporary: true},
		{name: "no_jwt_in_value", status: 200, body: `{"value":"nope"}`, wantErr: "no JWT", wantTemporary: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				w.WriteHeader(tt.status)
				_, _ = w.Write([]byte(tt.body))
			}))
			defer srv.Close()
			h := &idtoken.HTTP{URL: srv.URL + "/idtoken?api-version=2.0", RequestToken: secret.New("rt"), Client: srv.Client()}
			got, err := h.Token(context.Background(), "sts.amazonaws.com")
			if tt.wantErr == "" {
				require.NoError(t, err)
				assert.Equal(t, jwt, got.Reveal())
				return
			}
			require.ErrorContains(t, err, tt.wantErr)
			var temp interface{ Temporary() bool }
			require.ErrorAs(t, err, &temp)
			assert.Equal(t, tt.wantTemporary, temp.Temporary())
		})
	}
}

func TestHTTP_MergesTheAudienceIntoTheQuery(t *testing.T) {
	t.Parallel()
	var gotQuery, gotAuth string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotQuery, gotAuth = r.URL.RawQuery, r.Header.Get("Authorization")
		_, _ = w.Write([]byte(`{"value":"a.b.c"}`))
	}))
	defer srv.Close()
	h := &idtoken.HTTP{URL: srv.URL + "/idtoken?api-version=2.0", RequestToken: secret.New("rt"), Client: srv.Client()}
	_, err := h.Token(context.Background(), "https://vault.example.com")
	require.NoError(t, err)
	assert.Equal(t, "api-version=2.0&audience=https%3A%2F%2Fvault.example.com", gotQuery)
	assert.Equal(t, "Bearer rt", gotAuth)
}

func TestHTTP_KeepsTheRetryAfterOfAThrottledAnswer(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		header string
		want   time.Duration
	}{
		{name: "seconds", header: "2", want: 2 * time.Second},
		{name: "none", header: "", want: 0},
		{name: "not_a_number_is_ignored", header: "soon\r\nX-Injected: 1", want: 0},
		{name: "negative_is_ignored", header: "-5", want: 0},
		{name: "huge_is_capped_at_an_hour", header: "9223372036854775807", want: time.Hour},
		{name: "past_date_is_no_wait", header: "Mon, 02 Jan 2006 15:04:05 GMT", want: 0},
		{name: "far_date_is_capped_at_an_hour", header: "Fri, 31 Dec 9999 23:59:59 GMT", want: time.Hour},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				w.Header()["Retry-After"] = []string{tt.header}
				w.WriteHeader(http.StatusTooManyRequests)
			}))
			defer srv.Close()
			h := &idtoken.HTTP{URL: srv.URL + "/idtoken?api-version=2.0", RequestToken: secret.New("rt"), Client: srv.Client()}
			_, err := h.Token(context.Background(), "")
			var se *idtoken.StatusError
			require.ErrorAs(t, err, &se)
			assert.Equal(t, tt.want, se.RetryAfter())
		})
	}
}

// A token service (or a proxy in its place) that answers without end is
// refused after 64 KiB, once: asking again would get the same answer.
func TestHTTP_RefusesAnOversizedAnswer(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, `{"value":"`)
		chunk := []byte(strings.Repeat("x", 64<<10))
		for range 100 << 20 / len(chunk) {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	}))
	defer srv.Close()
	h := &idtoken.HTTP{URL: srv.URL + "/idtoken?api-version=2.0", RequestToken: secret.New("rt"), Client: srv.Client()}
	_, err := h.Token(context.Background(), "")

	var tooBig *bodylimit.Error
	require.ErrorAs(t, err, &tooBig)
	assert.False(t, retry.Temporary(err), "not worth another attempt")
	assert.Contains(t, err.Error(), "more than 64 KiB")
	assert.Contains(t, err.Error(), "/idtoken?REDACTED", "the query is not shown")
	assert.Less(t, len(err.Error()), 1000)
}

// A refusal's body is shortened by characters: a cut inside a multi-byte
// character would put invalid UTF-8 into the log.
func TestHTTP_ShortensARefusalBetweenCharacters(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusForbidden)
		_, _ = io.WriteString(w, "a"+strings.Repeat("é", 100<<10))
	}))
	defer srv.Close()
	h := &idtoken.HTTP{URL: srv.URL + "/idtoken?api-version=2.0", RequestToken: secret.New("rt"), Client: srv.Client()}
	_, err := h.Token(context.Background(), "")

	var se *idtoken.StatusError
	require.ErrorAs(t, err, &se)
	assert.True(t, utf8.ValidString(se.Body), "no character is split")
	assert.Equal(t, "a"+strings.Repeat("é", 299), strings.TrimSuffix(se.Body, se.Body[strings.Index(se.Body, "..."):]))
	assert.Contains(t, se.Body, "more bytes not shown", "the cut is marked")
}
