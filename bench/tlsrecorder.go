package main

import (
	"crypto/tls"
	"crypto/x509"
	"net"
	"sync"
	"time"
)

// newTLSRoundTrips starts a recorder like newDelayedRoundTrips that also
// plays a remote HTTPS server's connection set-up: it terminates TLS with
// cert, and a new connection pays what it pays over a real network
// before its first request, each a round trip (delay) the recorder
// records as a span of its own:
//   - the TCP handshake: nothing is read from an accepted connection
//     until delay has passed since it was accepted, so the ClientHello
//     waits as it would for the SYN-ACK;
//   - the TLS 1.3 handshake: the server's first flight (ServerHello to
//     Finished) leaves delay after the ClientHello was read.
//
// The client's Finished then travels with its first request, which pays
// the per-request delay as before: three round trips for a fresh
// connection's first request, one for every later request on it. It
// offers HTTP/2 and HTTP/1.1, so a client that speaks HTTP/2 shares one
// connection, as it would with the real server. name labels its spans;
// upstreamRoots verify an HTTPS target (nil for plain HTTP).
func newTLSRoundTrips(name, target string, delay time.Duration, cert tls.Certificate, upstreamRoots *x509.CertPool) (*roundTrips, error) {
	r, err := newUnstartedRoundTrips(target, delay, upstreamRoots)
	if err != nil {
		return nil, err
	}
	r.name = name
	r.Listener = setUpListener{Listener: r.Listener, r: r}
	r.TLS = &tls.Config{
		Certificates: []tls.Certificate{cert},
		NextProtos:   []string{"h2", "http/1.1"},
		MinVersion:   tls.VersionTLS12,
		// Called once the ClientHello is read, before anything is sent
		// back: the first flight waits a round trip here.
		GetConfigForClient: func(hello *tls.ClientHelloInfo) (*tls.Config, error) {
			arrived := time.Now()
			if err := sleepCtx(hello.Context(), delay); err != nil {
				return nil, err
			}
			r.record(span{arrived: arrived, forwarded: time.Now(), answered: time.Now(), kind: spanHandshake, conn: hello.Conn.RemoteAddr().String()})
			return nil, nil // the server's own config
		},
	}
	r.EnableHTTP2 = true
	r.StartTLS()
	return r, nil
}

// setUpListener hands out connections whose first read waits out the
// TCP handshake's round trip.
type setUpListener struct {
	net.Listener
	r *roundTrips
}

func (l setUpListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &setUpConn{Conn: c, r: l.r, accepted: time.Now()}, nil
}

// setUpConn is an accepted connection that reads nothing until the
// recorder's delay has passed since it was accepted. The wait is in the
// connection's own first read, not in Accept, so connections opened at
// once are set up at once.
type setUpConn struct {
	net.Conn
	r        *roundTrips
	accepted time.Time
	once     sync.Once
}

func (c *setUpConn) Read(p []byte) (int, error) {
	c.once.Do(func() {
		time.Sleep(time.Until(c.accepted.Add(c.r.delay)))
		c.r.record(span{arrived: c.accepted, forwarded: time.Now(), answered: time.Now(), kind: spanConnect, conn: c.RemoteAddr().String()})
	})
	return c.Conn.Read(p)
}
