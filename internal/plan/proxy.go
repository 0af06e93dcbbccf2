package plan

import (
	"net/url"
	"strings"

	"github.com/federate-action/federate/internal/inputs"
	"github.com/federate-action/federate/internal/redact"
)

// Proxy is the proxy for every request the step makes. Empty fields leave
// the environment's HTTPS_PROXY and NO_PROXY in charge.
type Proxy struct {
	HTTPProxy string // http or https URL, possibly with user:password@
	NoProxy   string // comma-separated hosts, domains (.example.com), IPs, CIDRs, host:port, or *
}

// buildProxy reads http-proxy and no-proxy. A proxy URL may carry
// user:password@ (proxies authenticate that way), so errors show it
// redacted.
func buildProxy(r *inputs.Reader) (Proxy, error) {
	var p Proxy
	if raw := r.String("http-proxy"); raw != "" {
		u, err := url.Parse(raw)
		if err != nil || u.Host == "" || u.Hostname() == "" || (u.Scheme != "http" && u.Scheme != "https") {
			return p, &inputs.Error{Input: "http-proxy", Value: redact.RawURL(raw),
				Hint: "use the proxy's URL with its scheme, such as http://proxy.example.com:3128"}
		}
		if u.RawQuery != "" || u.Fragment != "" || strings.Trim(u.Path, "/") != "" {
			return p, &inputs.Error{Input: "http-proxy", Value: redact.URL(u),
				Hint: "give scheme, host and port only (and user:password@ if the proxy needs it): no path, ?query or #fragment"}
		}
		u.Path = ""
		p.HTTPProxy = u.String()
	}
	var hosts []string
	for _, h := range r.List("no-proxy") {
		if !validNoProxy(h) {
			return p, &inputs.Error{Input: "no-proxy", Value: h,
				Hint: "use host names, .domains, IP addresses, CIDRs (10.0.0.0/8), host:port or *, separated by commas"}
		}
		hosts = append(hosts, h)
	}
	p.NoProxy = strings.Join(hosts, ",")
	return p, nil
}

// validNoProxy accepts the characters of the forms Go's and curl's
// NO_PROXY take, and nothing that could end a header or a line.
func validNoProxy(h string) bool {
	for _, c := range h {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune(".-_:*/[]", c)
		if !ok {
			return false
		}
	}
	return h != ""
}
