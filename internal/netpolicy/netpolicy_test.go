package netpolicy_test

import (
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/federate-action/federate/internal/netpolicy"
)

func TestService_PolicyFollowsWhetherARequestMayBeRepeated(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name              string
		service           netpolicy.Service
		wantAttemptWait   time.Duration
		wantResponseWait  time.Duration
		wantRedirectInput string
	}{
		{"token_service_get_is_abandoned_after_30s", netpolicy.TokenService, 30 * time.Second, 30 * time.Second, "ACTIONS_ID_TOKEN_REQUEST_URL"},
		{"sts_assume_role_is_abandoned_after_30s", netpolicy.STS, 30 * time.Second, 30 * time.Second, "sts-endpoint"},
		{"vault_request_is_never_cut_short", netpolicy.Vault, 0, 0, "vault-url"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := tt.service.Retry(7, "some-input")
			assert.Equal(t, 7, p.MaxAttempts)
			assert.Equal(t, "some-input", p.Limit)
			assert.Equal(t, tt.wantAttemptWait, p.AttemptTimeout)
			// Whatever the process client's transport says, the service's
			// own wait wins: no later layer has to undo it.
			base := &http.Client{Transport: &http.Transport{ResponseHeaderTimeout: 17 * time.Second, TLSHandshakeTimeout: 3 * time.Second}}
			tr := tt.service.Transport(base)
			assert.Equal(t, tt.wantResponseWait, tr.ResponseHeaderTimeout)
			assert.Equal(t, 3*time.Second, tr.TLSHandshakeTimeout, "the rest of the base transport is kept")
			assert.Equal(t, tt.wantRedirectInput, tt.service.Input)
		})
	}
}

func TestClient_RefusesEveryRedirect(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		status int
		client func(base *http.Client) *http.Client
		input  string
	}{
		{"sts_302", http.StatusFound, netpolicy.STS.Client, "sts-endpoint"},
		{"sts_307_keeps_the_body", http.StatusTemporaryRedirect, netpolicy.STS.Client, "sts-endpoint"},
		{"token_service_301", http.StatusMovedPermanently, netpolicy.TokenService.Client, "ACTIONS_ID_TOKEN_REQUEST_URL"},
		{"token_service_308", http.StatusPermanentRedirect, netpolicy.TokenService.Client, "ACTIONS_ID_TOKEN_REQUEST_URL"},
		{"process_client_303", http.StatusSeeOther, func(*http.Client) *http.Client { return netpolicy.NewClient() }, "the input that names it"},
		{"process_client_with_a_proxy_302", http.StatusFound, withProxy, "the input that names it"},
		{"sts_client_from_a_proxied_client_307", http.StatusTemporaryRedirect, func(*http.Client) *http.Client {
			return netpolicy.STS.Client(withProxy(nil))
		}, "sts-endpoint"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var reached atomic.Int32
			other := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { reached.Add(1) }))
			defer other.Close()
			redirector := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, other.URL+"/elsewhere?secret=1", tt.status)
			}))
			defer redirector.Close()

			// The default client follows redirects: the service's must not.
			resp, err := tt.client(&http.Client{}).Get(redirector.URL + "/path?q=1")
			if resp != nil {
				resp.Body.Close()
			}
			var re *netpolicy.RedirectError
			require.ErrorAs(t, err, &re)
			assert.Zero(t, reached.Load(), "the redirect's target got no request")
			assert.Equal(t, tt.status, re.Status)
			assert.Equal(t, redirector.URL+"/path", re.From)
			assert.Equal(t, other.URL+"/elsewhere", re.To, "no query in sight")
			assert.Contains(t, re.Error(), tt.input)
			assert.Contains(t, re.Title(), tt.input)
		})
	}
}

func TestClient_KeepsATestsFakeTransport(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	fake := roundTripper(func(*http.Request) (*http.Response, error) {
		calls.Add(1)
		return nil, http.ErrHandlerTimeout
	})
	_, err := netpolicy.STS.Client(&http.Client{Transport: fake}).Get("http://127.0.0.1:1/")
	require.ErrorIs(t, err, http.ErrHandlerTimeout)
	assert.Equal(t, int32(1), calls.Load())
}

// withProxy is the process client with a proxy applied (loopback targets
// are never proxied, so the test servers are reached directly).
func withProxy(*http.Client) *http.Client {
	c, err := netpolicy.Proxy{HTTPProxy: "http://proxy.internal:3128", NoProxy: "vault.internal"}.Apply(netpolicy.NewClient())
	if err != nil {
		panic(err)
	}
	return c
}

type roundTripper func(*http.Request) (*http.Response, error)

func (f roundTripper) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
