package testbed

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// backend is an httptest server that echoes requests and counts them.
type backend struct {
	*httptest.Server
	hits atomic.Int64
}

func newBackend(t *testing.T) *backend {
	t.Helper()
	b := &backend{}
	b.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b.hits.Add(1)
		if r.URL.Path == "/big" {
			w.Header().Set("Content-Length", "1000")
			_, _ = io.WriteString(w, strings.Repeat("x", 1000))
			return
		}
		body, _ := io.ReadAll(r.Body)
		w.Header().Set("X-Seen-Host", r.Host)
		_, _ = io.WriteString(w, "echo "+r.Method+" "+r.URL.Path+" "+string(body))
	}))
	t.Cleanup(b.Close)
	return b
}

func newProxy(t *testing.T, target string) *FaultProxy {
	t.Helper()
	p, err := NewFaultProxy(target)
	require.NoError(t, err)
	t.Cleanup(p.Close)
	return p
}

// freshClient opens a new connection per request, so Go's transport never
// silently retries a request that hit a reset on a reused connection.
func freshClient(timeout time.Duration) *http.Client {
	return &http.Client{Timeout: timeout, Transport: &http.Transport{DisableKeepAlives: true}}
}

func TestFaultProxy_passthrough(t *testing.T) {
	t.Parallel()
	b := newBackend(t)
	p := newProxy(t, b.URL)

	resp, err := freshClient(5*time.Second).Post(p.URL+"/hello", "text/plain", strings.NewReader("hi"))
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)

	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "echo POST /hello hi", string(body))
	assert.Equal(t, strings.TrimPrefix(p.URL, "http://"), resp.Header.Get("X-Seen-Host"), "Host is forwarded unchanged")
	assert.Equal(t, 1, p.Requests())
	assert.EqualValues(t, 1, b.hits.Load())
}

func TestFaultProxy_status(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name       string
		fault      Fault
		wantType   string
		wantHeader map[string]string
		wantInBody string
	}{
		{
			name:       "sts_xml_error",
			fault:      Fault{Status: 400, Body: STSError("InvalidIdentityToken", "Couldn't retrieve verification key")},
			wantType:   "text/xml",
			wantInBody: "<Code>InvalidIdentityToken</Code>",
		},
		{
			name:       "json_with_retry_after",
			fault:      Fault{Status: 503, Body: `{"message":"busy"}`, Header: map[string]string{"Retry-After": "2"}},
			wantType:   "application/json",
			wantHeader: map[string]string{"Retry-After": "2"},
			wantInBody: `"busy"`,
		},
		{
			name:       "explicit_content_type",
			fault:      Fault{Status: 500, Body: "<html>oops</html>", ContentType: "text/html"},
			wantType:   "text/html",
			wantInBody: "oops",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := newBackend(t)
			p := newProxy(t, b.URL)
			p.Enqueue(tc.fault)

			resp, err := freshClient(5 * time.Second).Get(p.URL + "/")
			require.NoError(t, err)
			defer resp.Body.Close()
			body, err := io.ReadAll(resp.Body)
			require.NoError(t, err)

			assert.Equal(t, tc.fault.Status, resp.StatusCode)
			assert.Equal(t, tc.wantType, resp.Header.Get("Content-Type"))
			for k, v := range tc.wantHeader {
				assert.Equal(t, v, resp.Header.Get(k))
			}
			assert.Contains(t, string(body), tc.wantInBody)
			assert.EqualValues(t, 0, b.hits.Load(), "a status fault never reaches the backend")
		})
	}
}

func TestFaultProxy_reset(t *testing.T) {
	t.Parallel()
	b := newBackend(t)
	p := newProxy(t, b.URL)
	p.Enqueue(Fault{Reset: true})

	resp, err := freshClient(5*time.Second).Post(p.URL+"/", "text/plain", strings.NewReader("x"))
	if resp != nil {
		resp.Body.Close()
	}
	require.Error(t, err)
	assert.Equal(t, 1, p.Requests())
	assert.EqualValues(t, 0, b.hits.Load())
}

func TestFaultProxy_truncate(t *testing.T) {
	t.Parallel()
	b := newBackend(t)
	p := newProxy(t, b.URL)
	p.Enqueue(Fault{Truncate: true})

	resp, err := freshClient(5 * time.Second).Get(p.URL + "/big")
	require.NoError(t, err, "status and headers arrive intact")
	defer resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.EqualValues(t, 1000, resp.ContentLength)

	body, err := io.ReadAll(resp.Body)
	require.ErrorIs(t, err, io.ErrUnexpectedEOF)
	assert.Equal(t, strings.Repeat("x", 500), string(body))
	assert.EqualValues(t, 1, b.hits.Load(), "a truncated request does reach the backend")
}

func TestFaultProxy_delay(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name      string
		fault     Fault
		wantCode  int
		wantHits  int64
		wantInErr string
	}{
		{name: "then_proxy", fault: Fault{Delay: 150 * time.Millisecond}, wantCode: http.StatusOK, wantHits: 1},
		{name: "then_status", fault: Fault{Delay: 150 * time.Millisecond, Status: 502}, wantCode: http.StatusBadGateway},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := newBackend(t)
			p := newProxy(t, b.URL)
			p.Enqueue(tc.fault)

			start := time.Now()
			resp, err := freshClient(5 * time.Second).Get(p.URL + "/")
			require.NoError(t, err)
			resp.Body.Close()

			assert.GreaterOrEqual(t, time.Since(start), tc.fault.Delay)
			assert.Equal(t, tc.wantCode, resp.StatusCode)
			assert.Equal(t, tc.wantHits, b.hits.Load())
		})
	}
}

func TestFaultProxy_delay_respects_request_context(t *testing.T) {
	t.Parallel()
	b := newBackend(t)
	p := newProxy(t, b.URL)
	p.Enqueue(Fault{Delay: 10 * time.Second})

	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, p.URL+"/", nil)
	require.NoError(t, err)
	start := time.Now()
	_, err = freshClient(0).Do(req)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Less(t, time.Since(start), 2*time.Second)

	resp, err := freshClient(5 * time.Second).Get(p.URL + "/")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, 2, p.Requests())
	assert.EqualValues(t, 1, b.hits.Load(), "the abandoned request is not forwarded")
}

func TestFaultProxy_close_ends_pending_delay(t *testing.T) {
	t.Parallel()
	b := newBackend(t)
	p := newProxy(t, b.URL)
	p.Enqueue(Fault{Delay: time.Minute})

	errc := make(chan error, 1)
	go func() {
		resp, err := freshClient(0).Get(p.URL + "/")
		if err == nil {
			resp.Body.Close()
		}
		errc <- err
	}()
	require.Eventually(t, func() bool { return p.Requests() == 1 }, 5*time.Second, 10*time.Millisecond)
	p.Close()
	select {
	case err := <-errc:
		assert.Error(t, err)
	case <-time.After(5 * time.Second):
		t.Fatal("Close left the delayed request hanging")
	}
}

func TestFaultProxy_ordering(t *testing.T) {
	t.Parallel()
	b := newBackend(t)
	p := newProxy(t, b.URL)
	p.Enqueue(Fault{Status: 503}, Fault{Status: 500})
	p.Enqueue(Fault{Status: 429})

	var got []int
	for range 5 {
		resp, err := freshClient(5 * time.Second).Get(p.URL + "/")
		require.NoError(t, err)
		resp.Body.Close()
		got = append(got, resp.StatusCode)
	}
	assert.Equal(t, []int{503, 500, 429, 200, 200}, got)
	assert.Equal(t, 5, p.Requests())
	assert.EqualValues(t, 2, b.hits.Load())
}

func TestNewFaultProxy_bad_target(t *testing.T) {
	t.Parallel()
	for _, target := range []string{"", "127.0.0.1:80", "ftp://x", "http://"} {
		_, err := NewFaultProxy(target)
		assert.Error(t, err, target)
	}
}

func TestFaultProxy_upstream_down(t *testing.T) {
	t.Parallel()
	b := newBackend(t)
	url := b.URL
	b.Close()
	p := newProxy(t, url)

	resp, err := freshClient(5 * time.Second).Get(p.URL + "/")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusBadGateway, resp.StatusCode)
}
