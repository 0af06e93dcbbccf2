package netpolicy

import (
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"

	"golang.org/x/net/http/httpproxy"

	"github.com/federate-action/federate/internal/redact"
)

// Proxy is the http-proxy and no-proxy inputs: which proxy every request
// of the step (the token service, STS, Vault) goes through.
type Proxy struct {
	// HTTPProxy is the proxy for http and https targets alike; "" leaves
	// the choice to the environment (HTTPS_PROXY, HTTP_PROXY, NO_PROXY).
	HTTPProxy string
	// NoProxy lists hosts reached directly, separated by commas or white
	// space: a host or an IP address, either with :port to exempt only
	// that port, a domain that also exempts its subdomains (example.com,
	// .example.com and *.example.com mean the same), a CIDR block, or *
	// for every host. It adds to the environment's NO_PROXY.
	NoProxy string
}

// ProxyError is an http-proxy or no-proxy value that cannot be used.
type ProxyError struct {
	Input string // http-proxy or no-proxy
	Value string // as shown: without a proxy's credentials
	Hint  string
}

var _ error = (*ProxyError)(nil)

func (e *ProxyError) Error() string {
	return fmt.Sprintf("%s: %q %s", e.Input, e.Value, e.Hint)
}

// Title is the annotation title.
func (e *ProxyError) Title() string { return "Invalid input " + e.Input }

// proxySchemes are the proxies net/http can talk to.
var proxySchemes = map[string]bool{"http": true, "https": true, "socks5": true, "socks5h": true}

// Validate reports the first value that cannot be used, as a *ProxyError.
func (p Proxy) Validate() error {
	if _, err := p.proxyURL(); err != nil {
		return err
	}
	_, err := noProxyEntries(p.NoProxy)
	return err
}

// proxyURL parses HTTPProxy; nil when it is empty. A value without a
// scheme is an http proxy, as HTTPS_PROXY=host:3128 is.
func (p Proxy) proxyURL() (*url.URL, error) {
	raw := strings.TrimSpace(p.HTTPProxy)
	if raw == "" {
		return nil, nil
	}
	if !strings.Contains(raw, "://") {
		raw = "http://" + raw
	}
	u, err := url.Parse(raw)
	if err != nil {
		// url.Parse's error quotes the whole value, credentials and all.
		return nil, &ProxyError{Input: "http-proxy", Value: redact.RawURL(p.HTTPProxy),
			Hint: "is not a URL; give the proxy as http://HOST:PORT (or http://USER:PASSWORD@HOST:PORT)"}
	}
	if !proxySchemes[u.Scheme] || u.Hostname() == "" {
		return nil, &ProxyError{Input: "http-proxy", Value: redact.URL(u),
			Hint: "is not a proxy address; give it as http://HOST:PORT, https://HOST:PORT or socks5://HOST:PORT"}
	}
	return u, nil
}

// noProxyEntries normalises a no-proxy list for httpproxy, whose matcher
// treats a bare domain as "the domain and its subdomains" but a leading
// dot as "subdomains only": here every spelling means the former, as curl
// and configure-aws-credentials users expect.
func noProxyEntries(list string) (string, error) {
	var out []string
	for _, entry := range strings.FieldsFunc(list, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' || r == '\n' || r == '\r' }) {
		if entry == "*" {
			return "*", nil
		}
		if _, _, err := net.ParseCIDR(entry); err == nil {
			out = append(out, entry)
			continue
		}
		host := strings.TrimPrefix(strings.TrimPrefix(entry, "*"), ".")
		if host == "" || strings.ContainsAny(host, "/@*?#") {
			return "", &ProxyError{Input: "no-proxy", Value: redact.Shorten(entry),
				Hint: "is not a host; list hosts (example.com, .example.com, 10.0.0.1, 10.0.0.0/8, host:8200) or *, separated by commas"}
		}
		out = append(out, host)
	}
	return strings.Join(out, ","), nil
}

// Func returns the proxy function for a transport: HTTPProxy for every
// target, or else the environment's choice, and no proxy for a host
// NoProxy lists. Loopback addresses and localhost are never proxied, as
// with HTTPS_PROXY: a proxy elsewhere cannot reach this machine's
// loopback.
func (p Proxy) Func() (func(*http.Request) (*url.URL, error), error) {
	u, err := p.proxyURL()
	if err != nil {
		return nil, err
	}
	noProxy, err := noProxyEntries(p.NoProxy)
	if err != nil {
		return nil, err
	}
	if u == nil && noProxy == "" {
		return http.ProxyFromEnvironment, nil
	}
	if u != nil {
		fn := (&httpproxy.Config{HTTPProxy: u.String(), HTTPSProxy: u.String(), NoProxy: noProxy}).ProxyFunc()
		return func(r *http.Request) (*url.URL, error) { return fn(r.URL) }, nil
	}
	env := httpproxy.FromEnvironment()
	env.NoProxy = strings.Trim(env.NoProxy+","+noProxy, ",")
	fn := env.ProxyFunc()
	return func(r *http.Request) (*url.URL, error) { return fn(r.URL) }, nil
}

// Apply returns a copy of base (NewClient's if base is nil) whose requests
// go through p, for the token service, STS and Vault alike: each service's
// client and transport is a copy of this one's. A transport that is not an
// *http.Transport (a test's fake) is kept as it is.
func (p Proxy) Apply(base *http.Client) (*http.Client, error) {
	fn, err := p.Func()
	if err != nil {
		return nil, err
	}
	if base == nil {
		base = NewClient()
	}
	c := *base
	rt := baseTransport(base)
	if rt == nil {
		rt = newTransport()
	}
	tr, ok := rt.(*http.Transport)
	if !ok {
		return &c, nil
	}
	tr = tr.Clone()
	tr.Proxy = fn
	c.Transport = tr
	if g, ok := base.Transport.(redirectGuard); ok {
		c.Transport = redirectGuard{g.service, tr}
	}
	return &c, nil
}

// String shows p without a proxy's credentials.
func (p Proxy) String() string {
	shown := "from the environment"
	if strings.TrimSpace(p.HTTPProxy) != "" {
		shown = redact.RawURL(strings.TrimSpace(p.HTTPProxy))
		if u, err := p.proxyURL(); err == nil {
			shown = redact.URL(u)
		}
	}
	if p.NoProxy == "" {
		return "proxy " + shown
	}
	return "proxy " + shown + ", none for " + redact.Shorten(p.NoProxy)
}

// GoString is String, so that %#v shows no credentials either.
func (p Proxy) GoString() string { return p.String() }
