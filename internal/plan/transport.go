package plan

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/textproto"
	"net/url"
	"strings"

	"github.com/federate-action/federate/internal/inputs"
	"github.com/federate-action/federate/internal/redact"
)

// serverURL accepts an https URL, or http only for a loopback host: a
// token sent in clear across a network is a leaked token. Credentials,
// a query or a fragment in the URL are refused; errors show the URL with
// any password redacted.
func serverURL(input, raw, example string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return "", &inputs.Error{Input: input, Value: redact.RawURL(raw), Hint: "use an https URL such as " + example}
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return "", &inputs.Error{Input: input, Value: redact.URL(u),
			Hint: "give scheme, host, port and path only: no user:password@, ?query or #fragment"}
	}
	if u.Scheme == "http" && !isLoopback(u.Hostname()) {
		return "", &inputs.Error{Input: input, Value: redact.URL(u),
			Hint: "use https: plain http is allowed only for a loopback address, since tokens would cross the network unencrypted"}
	}
	// u.String() normalises the scheme's case (HTTPS://): what the clients get is canonical.
	return strings.TrimRight(u.String(), "/"), nil
}

func vaultTLS(r *inputs.Reader) (TLSPlan, error) {
	var t TLSPlan
	if ca := r.String("vault-ca-certificate"); ca != "" {
		pem, ok := decodePEM(ca)
		t.RootCAs = x509.NewCertPool()
		if !ok || !t.RootCAs.AppendCertsFromPEM(pem) {
			// Not shown: a private key pasted here by mistake is a secret.
			return t, &inputs.Error{Input: "vault-ca-certificate", Secret: true,
				Hint: "use a PEM certificate (-----BEGIN CERTIFICATE-----), plain or base64-encoded"}
		}
	}
	certIn, keyIn := r.String("vault-client-certificate"), r.String("vault-client-key")
	if (certIn == "") != (keyIn == "") {
		missing := "vault-client-key"
		if certIn == "" {
			missing = "vault-client-certificate"
		}
		return t, &inputs.Error{Input: missing, Hint: "set vault-client-certificate and vault-client-key together"}
	}
	if certIn != "" {
		certPEM, ok1 := decodePEM(certIn)
		keyPEM, ok2 := decodePEM(keyIn)
		pair, err := tls.X509KeyPair(certPEM, keyPEM)
		if !ok1 || !ok2 || err != nil {
			// The key is secret: the error names the inputs, never a value.
			return t, &inputs.Error{Input: "vault-client-certificate", Secret: true,
				Hint: "vault-client-certificate and vault-client-key must be a matching PEM certificate and private key, plain or base64-encoded"}
		}
		t.ClientCert = &pair
	}
	return t, nil
}

// decodePEM accepts PEM text, or PEM encoded in base64 as vault-action
// takes it (GitHub secrets keep newlines poorly).
func decodePEM(s string) ([]byte, bool) {
	if strings.Contains(s, "-----BEGIN") {
		return []byte(s), true
	}
	b, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(s), ""))
	if err != nil || !strings.Contains(string(b), "-----BEGIN") {
		return nil, false
	}
	return b, true
}

// extraHeaders parses "Name: value" lines. Values are never shown in
// errors: they often carry credentials.
func extraHeaders(raw string) (http.Header, error) {
	h := http.Header{}
	for n, line := range strings.Split(raw, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		name, value, ok := strings.Cut(line, ":")
		name = strings.TrimSpace(name)
		if !ok || !validHeaderName(name) {
			return nil, &inputs.Error{Input: "vault-extra-headers", Secret: true,
				Hint: fmt.Sprintf("line %d is not a header: write one `Name: value` per line", n+1)}
		}
		if !validHeaderValue(value) {
			return nil, &inputs.Error{Input: "vault-extra-headers", Secret: true,
				Hint: fmt.Sprintf("the value on line %d holds a control character, which no HTTP header may", n+1)}
		}
		if strings.EqualFold(name, "X-Vault-Token") || strings.EqualFold(name, "Authorization") {
			return nil, &inputs.Error{Input: "vault-extra-headers", Value: name,
				Hint: "the Vault token header is set by the login; use vault-method token to give a token"}
		}
		h.Add(textproto.CanonicalMIMEHeaderKey(name), strings.TrimSpace(value))
	}
	return h, nil
}

// validHeaderValue refuses control characters (but tab), which would end
// the header or be refused by net/http only at the first request.
func validHeaderValue(v string) bool {
	for _, c := range v {
		if (c < ' ' && c != '\t') || c == 0x7f {
			return false
		}
	}
	return true
}

func validHeaderName(name string) bool {
	if name == "" {
		return false
	}
	for _, c := range name {
		if c <= ' ' || c >= 0x7f || strings.ContainsRune(`()<>@,;:\"/[]?={}`, c) {
			return false
		}
	}
	return true
}
