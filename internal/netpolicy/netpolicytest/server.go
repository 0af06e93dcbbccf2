// Package netpolicytest serves HTTPS for the tests of the connections
// federate opens: a server that counts the connections it accepts, the
// TLS handshakes it starts and the client certificates it is shown, and
// an address that refuses every connection.
package netpolicytest

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"
)

// Server is an httptest TLS server that counts what reaches it.
type Server struct {
	*httptest.Server
	Conns, Hellos, ClientCerts atomic.Int32
	Accepted                   chan struct{} // closed at the first connection
	Closed                     chan struct{} // closed when the first connection closes
	Handshaken                 chan struct{} // closed once the first handshake has chosen its protocol
}

// Options say what the server offers and asks for.
type Options struct {
	HTTP2         bool // offer HTTP/2 as well as HTTP/1.1
	AskClientCert bool // require a client certificate (any)
}

// NewServer starts a Server for h, closed when t ends.
func NewServer(t testing.TB, h http.Handler, o Options) *Server {
	t.Helper()
	s := &Server{Accepted: make(chan struct{}), Closed: make(chan struct{}), Handshaken: make(chan struct{})}
	var acceptOnce, closeOnce, handshakeOnce sync.Once
	s.Server = httptest.NewUnstartedServer(h)
	s.EnableHTTP2 = o.HTTP2
	s.Config.ConnState = func(_ net.Conn, state http.ConnState) {
		switch state {
		case http.StateNew:
			s.Conns.Add(1)
			acceptOnce.Do(func() { close(s.Accepted) })
		case http.StateClosed:
			closeOnce.Do(func() { close(s.Closed) })
		}
	}
	s.TLS = &tls.Config{
		GetConfigForClient: func(*tls.ClientHelloInfo) (*tls.Config, error) { s.Hellos.Add(1); return nil, nil },
		VerifyConnection: func(cs tls.ConnectionState) error {
			if len(cs.PeerCertificates) > 0 {
				s.ClientCerts.Add(1)
			}
			handshakeOnce.Do(func() { close(s.Handshaken) })
			return nil
		},
	}
	if o.AskClientCert {
		s.TLS.ClientAuth = tls.RequireAnyClientCert
	}
	s.StartTLS()
	t.Cleanup(s.Close)
	return s
}

// Trusting is a TLS configuration that trusts s's certificate alone.
func (s *Server) Trusting() *tls.Config {
	roots := x509.NewCertPool()
	roots.AddCert(s.Certificate())
	return &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12}
}

// CertPEM is s's certificate, and its key, in PEM: a CA to trust, or a
// client certificate to show.
func (s *Server) CertPEM(t testing.TB) (cert, key string) {
	t.Helper()
	pair := s.TLS.Certificates[0]
	der, err := x509.MarshalPKCS8PrivateKey(pair.PrivateKey)
	require.NoError(t, err)
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: pair.Certificate[0]})),
		string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
}

// RefusedURL is an https URL on loopback where nothing listens.
func RefusedURL(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	return "https://" + addr
}
