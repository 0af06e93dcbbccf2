package netpolicy_test

import (
	"fmt"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/federate-action/federate/internal/netpolicy"
)

// via returns the proxy p picks for target, "" for none.
func via(t *testing.T, p netpolicy.Proxy, target string) string {
	t.Helper()
	fn, err := p.Func()
	require.NoError(t, err)
	req, err := http.NewRequest(http.MethodGet, target, nil)
	require.NoError(t, err)
	u, err := fn(req)
	require.NoError(t, err)
	if u == nil {
		return ""
	}
	return u.String()
}

func TestProxy_HTTPProxyAndNoProxy(t *testing.T) {
	t.Parallel()
	const proxy = "http://proxy.internal:3128"
	tests := []struct {
		name      string
		httpProxy string
		noProxy   string
		target    string
		want      string // "" = direct
	}{
		{"https_target_goes_through_the_proxy", proxy, "", "https://sts.amazonaws.com/", proxy},
		{"http_target_goes_through_the_proxy_too", proxy, "", "http://vault.internal:8200/v1/sys/health", proxy},
		{"scheme_less_proxy_is_http", "proxy.internal:3128", "", "https://sts.amazonaws.com/", proxy},
		{"proxy_credentials_are_kept_for_the_transport", "http://u:p%40ss@proxy.internal:3128", "", "https://sts.amazonaws.com/", "http://u:p%40ss@proxy.internal:3128"},
		{"listed_host_goes_direct", proxy, "vault.internal", "https://vault.internal:8200/", ""},
		{"bare_domain_exempts_its_subdomains", proxy, "example.com", "https://vault.example.com/", ""},
		{"bare_domain_exempts_itself", proxy, "example.com", "https://example.com/", ""},
		{"leading_dot_exempts_the_domain_itself", proxy, ".example.com", "https://example.com/", ""},
		{"leading_dot_exempts_subdomains", proxy, ".example.com", "https://a.b.example.com/", ""},
		{"star_dot_exempts_the_domain", proxy, "*.example.com", "https://example.com/", ""},
		{"a_suffix_that_is_not_a_subdomain_is_proxied", proxy, "example.com", "https://notexample.com/", proxy},
		{"matching_ignores_case", proxy, "Example.COM", "https://VAULT.example.com/", ""},
		{"port_entry_exempts_only_that_port", proxy, "vault.internal:8200", "https://vault.internal:8200/", ""},
		{"port_entry_leaves_other_ports", proxy, "vault.internal:8200", "https://vault.internal/", proxy},
		{"ip_entry", proxy, "10.1.2.3", "http://10.1.2.3:8200/", ""},
		{"cidr_entry", proxy, "10.0.0.0/8", "http://10.200.0.1:8200/", ""},
		{"outside_the_cidr_is_proxied", proxy, "10.0.0.0/8", "http://11.0.0.1:8200/", proxy},
		{"star_exempts_every_host", proxy, "*", "https://sts.amazonaws.com/", ""},
		{"list_separated_by_commas_and_spaces", proxy, " a.internal, vault.internal\nb.internal ", "https://vault.internal/", ""},
		{"loopback_is_never_proxied", proxy, "", "http://127.0.0.1:8200/", ""},
		{"localhost_is_never_proxied", proxy, "", "http://localhost:8200/", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, via(t, netpolicy.Proxy{HTTPProxy: tt.httpProxy, NoProxy: tt.noProxy}, tt.target))
		})
	}
}

// The environment is the process's: this test cannot run in parallel.
func TestProxy_EmptyHTTPProxyIsTheEnvironments(t *testing.T) {
	t.Setenv("HTTPS_PROXY", "http://env-proxy.internal:3128")
	t.Setenv("HTTP_PROXY", "http://env-plain.internal:3128")
	t.Setenv("NO_PROXY", "direct.internal")
	tests := []struct {
		name    string
		noProxy string
		target  string
		want    string
	}{
		{"https_uses_HTTPS_PROXY", "", "https://sts.amazonaws.com/", "http://env-proxy.internal:3128"},
		{"http_uses_HTTP_PROXY", "", "http://vault.internal:8200/", "http://env-plain.internal:3128"},
		{"NO_PROXY_is_kept", "", "https://direct.internal/", ""},
		{"no_proxy_adds_to_NO_PROXY", "vault.internal", "https://vault.internal/", ""},
		{"NO_PROXY_still_applies_with_no_proxy", "vault.internal", "https://direct.internal/", ""},
		{"other_hosts_keep_the_proxy", "vault.internal", "https://sts.amazonaws.com/", "http://env-proxy.internal:3128"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, via(t, netpolicy.Proxy{NoProxy: tt.noProxy}, tt.target))
		})
	}
}

func TestProxy_BadValuesNameTheInputAndHideCredentials(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		proxy     netpolicy.Proxy
		wantInput string
	}{
		{"unsupported_scheme", netpolicy.Proxy{HTTPProxy: "ftp://u:hunter2@proxy.internal:21"}, "http-proxy"},
		{"no_host", netpolicy.Proxy{HTTPProxy: "http://u:hunter2@"}, "http-proxy"},
		{"bad_port", netpolicy.Proxy{HTTPProxy: "http://u:hunter2@proxy.internal:port"}, "http-proxy"},
		{"control_character", netpolicy.Proxy{HTTPProxy: "http://u:hunter2@proxy\x7f.internal"}, "http-proxy"},
		{"url_in_no_proxy", netpolicy.Proxy{NoProxy: "https://vault.internal"}, "no-proxy"},
		{"path_in_no_proxy", netpolicy.Proxy{NoProxy: "vault.internal/v1"}, "no-proxy"},
		{"lone_dot_in_no_proxy", netpolicy.Proxy{NoProxy: "a.internal,."}, "no-proxy"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			for _, err := range []error{tt.proxy.Validate(), applyErr(tt.proxy)} {
				var pe *netpolicy.ProxyError
				require.ErrorAs(t, err, &pe)
				assert.Equal(t, tt.wantInput, pe.Input)
				assert.Equal(t, "Invalid input "+tt.wantInput, pe.Title())
				assert.NotContains(t, err.Error(), "hunter2")
			}
		})
	}
}

func applyErr(p netpolicy.Proxy) error {
	_, err := p.Apply(nil)
	return err
}

func TestProxy_NeverPrintsCredentials(t *testing.T) {
	t.Parallel()
	p := netpolicy.Proxy{HTTPProxy: "http://ci:hunter2@proxy.internal:3128", NoProxy: "vault.internal"}
	for _, shown := range []string{p.String(), fmt.Sprintf("%v %+v %#v %s", p, p, p, p)} {
		assert.NotContains(t, shown, "hunter2")
		assert.Contains(t, shown, "proxy.internal:3128")
	}
	assert.Equal(t, "proxy http://REDACTED@proxy.internal:3128, none for vault.internal", p.String())
	assert.Equal(t, "proxy from the environment", netpolicy.Proxy{}.String())
}

func TestProxy_ApplyKeepsTheClientsOtherSettings(t *testing.T) {
	t.Parallel()
	p := netpolicy.Proxy{HTTPProxy: "http://proxy.internal:3128"}
	c, err := p.Apply(netpolicy.NewClient())
	require.NoError(t, err)
	tr := netpolicy.STS.Transport(c)
	require.NotNil(t, tr.Proxy, "a service's transport keeps the proxy")
	u, err := tr.Proxy(&http.Request{URL: &url.URL{Scheme: "https", Host: "sts.amazonaws.com"}})
	require.NoError(t, err)
	assert.Equal(t, "http://proxy.internal:3128", u.String())
	assert.Equal(t, tr.TLSHandshakeTimeout, netpolicy.Vault.Transport(c).TLSHandshakeTimeout)

	fake := &http.Client{Transport: roundTripper(func(*http.Request) (*http.Response, error) { return nil, http.ErrHandlerTimeout })}
	kept, err := p.Apply(fake)
	require.NoError(t, err)
	_, err = kept.Get("http://127.0.0.1:1/")
	require.ErrorIs(t, err, http.ErrHandlerTimeout, "a test's fake transport is kept")
}
