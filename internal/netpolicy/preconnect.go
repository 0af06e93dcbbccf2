package netpolicy

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"net/http"
	"net/url"
	"sync/atomic"
	"time"
)

// maxIdle is how long a pre-opened connection to s may wait for its first
// request. A server may close a connection that sends nothing (Vault waits
// 10 s for a request's header by default, servers hardened against slow
// clients 5 s, a proxy in front of Vault may wait less), and net/http does
// not resend a request over a new connection that failed: a connection
// older than this is closed and a fresh one dialed instead. A repeatable
// request (STS) is retried if its connection was closed all the same, so
// it may wait 2 s; a Vault login is not retried on a network fault (it may
// have created a token), so its connection waits 1 s at most. The ID token
// they wait for comes in well under a second.
func (s Service) maxIdle() time.Duration {
	if s.Repeatable {
		return 2 * time.Second
	}
	return time.Second
}

// Preconnect opens the connection tr's first request to target would open
// (TCP, then the TLS handshake), now and in the background, so that a
// request that must first wait for something else (an ID token) finds it
// ready: the two round trips of setting it up overlap the wait. Nothing is
// sent on it but the TLS handshake (and the client certificate, if
// TLSClientConfig has one) until a request takes it.
//
// It sets tr.DialTLSContext: call it once tr is configured and before its
// first request. The first dial to target's host and port gets the
// pre-opened connection, waiting for it if it is still being opened; every
// other dial, including a retry's, opens a new connection exactly as
// net/http would. A pre-dial that fails changes nothing: the request dials
// anew and meets whatever error it would have met.
//
// Only an https target reached directly is pre-opened: through a proxy
// (tr.Proxy names one for target) the connection is the proxy's, set up
// by net/http's CONNECT, and is left to it. release closes the pre-opened
// connection if no request took it; call it once tr's requests are done.
//
// tr keeps the TLS settings it has now for every later dial: set them all
// before, and change them (or those of a Clone of tr) no more after.
func (s Service) Preconnect(ctx context.Context, tr *http.Transport, target string) (release func()) {
	addr, ok := preconnectable(tr, target)
	if !ok {
		return func() {}
	}
	// The first request would settle HTTP/2 (NextProtos h2 in
	// TLSClientConfig) before dialing; Clone settles it now, on tr itself,
	// so the handshake below offers what net/http would offer. It must
	// come before DialTLSContext is set: a custom dialer can turn off
	// HTTP/2 on a transport that does not force it.
	tr.Clone()
	d := &tlsDialer{dial: tr.DialContext, config: tr.TLSClientConfig, handshakeTimeout: tr.TLSHandshakeTimeout}
	if d.dial == nil {
		d.dial = (&net.Dialer{}).DialContext
	}
	p := &preconn{addr: addr, dialer: d, maxIdle: s.maxIdle(), done: make(chan struct{})}
	pctx, cancel := context.WithCancel(ctx)
	p.cancel = cancel
	go p.open(pctx)
	tr.DialTLSContext = p.dialTLS
	return p.release
}

// preconnectable returns target's address as net/http dials it when
// Preconnect may open it: https, no proxy for it, no dialer of tr's own.
func preconnectable(tr *http.Transport, target string) (string, bool) {
	u, err := url.Parse(target)
	//lint:ignore SA1019 a transport given the old hooks has dialers of its own, which Preconnect's would bypass
	if err != nil || u.Scheme != "https" || u.Hostname() == "" || tr.DialTLSContext != nil || tr.DialTLS != nil || tr.Dial != nil {
		return "", false
	}
	if tr.Proxy != nil {
		if proxy, err := tr.Proxy(&http.Request{Method: http.MethodGet, URL: u, Header: http.Header{}}); err != nil || proxy != nil {
			return "", false
		}
	}
	host := u.Hostname()
	for i := 0; i < len(host); i++ {
		if host[i] >= 0x80 {
			// net/http dials such a name in its punycode form; leave it
			// to net/http rather than spell it differently.
			return "", false
		}
	}
	port := u.Port()
	if port == "" {
		port = "443"
	}
	return net.JoinHostPort(host, port), true
}

// preconn is one pre-opened connection and who owns it: the first dial to
// addr, or release, whichever claims it first.
type preconn struct {
	addr    string
	dialer  *tlsDialer
	maxIdle time.Duration
	cancel  context.CancelFunc

	done chan struct{} // closed when conn, err and at are set
	conn *tls.Conn
	err  error
	at   time.Time // when the pre-dial ended

	claimed atomic.Bool
}

func (p *preconn) open(ctx context.Context) {
	defer close(p.done)
	conn, err := p.dialer.dialTLS(ctx, "tcp", p.addr)
	if err == nil {
		p.conn = conn.(*tls.Conn)
	}
	p.err, p.at = err, time.Now()
}

// claim reports whether the caller is the first to ask for the connection.
func (p *preconn) claim() bool { return p.claimed.CompareAndSwap(false, true) }

// dialTLS is tr's DialTLSContext: the pre-opened connection for the first
// dial to its address, a new connection for every other.
func (p *preconn) dialTLS(ctx context.Context, network, addr string) (net.Conn, error) {
	if addr != p.addr || !p.claim() {
		return p.dialer.dialTLS(ctx, network, addr)
	}
	select {
	case <-p.done:
	case <-ctx.Done():
		// The request gave up first: it gets the error its own dial
		// gets, and the pre-opened connection is closed once it is open.
		go p.discard()
		return p.dialer.dialTLS(ctx, network, addr)
	}
	p.cancel()
	switch {
	case p.err == nil && time.Since(p.at) <= p.maxIdle:
		return p.conn, nil
	case p.err == nil:
		_ = p.conn.Close()
	}
	// A pre-dial that failed, even by a timeout, is not the request's
	// answer: it started earlier, and the server may be back by now.
	return p.dialer.dialTLS(ctx, network, addr)
}

// release closes the pre-opened connection if no dial took it.
func (p *preconn) release() {
	if p.claim() {
		p.discard()
	}
}

// discard stops the pre-dial and closes what it opened.
func (p *preconn) discard() {
	p.cancel()
	<-p.done
	if p.conn != nil {
		_ = p.conn.Close()
	}
}

// tlsDialer opens a TLS connection as net/http does when it has no
// DialTLSContext (Transport.dialConn and persistConn.addTLS): tr's
// DialContext, then a handshake with a copy of TLSClientConfig whose
// ServerName is the host dialed, bounded by TLSHandshakeTimeout.
type tlsDialer struct {
	dial             func(ctx context.Context, network, addr string) (net.Conn, error)
	config           *tls.Config
	handshakeTimeout time.Duration
}

func (d *tlsDialer) dialTLS(ctx context.Context, network, addr string) (net.Conn, error) {
	plain, err := d.dial(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		_ = plain.Close()
		return nil, err
	}
	cfg := &tls.Config{}
	if d.config != nil {
		cfg = d.config.Clone()
	}
	if cfg.ServerName == "" {
		cfg.ServerName = host
	}
	hctx := ctx
	if d.handshakeTimeout != 0 {
		var cancel context.CancelFunc
		hctx, cancel = context.WithTimeoutCause(ctx, d.handshakeTimeout, handshakeTimeoutError{})
		defer cancel()
	}
	conn := tls.Client(plain, cfg)
	if err := conn.HandshakeContext(hctx); err != nil {
		_ = plain.Close()
		if ctx.Err() == nil && errors.Is(context.Cause(hctx), handshakeTimeoutError{}) {
			// HandshakeContext returns the context's error; net/http's
			// is this one.
			return nil, handshakeTimeoutError{}
		}
		return nil, err
	}
	return conn, nil
}

// handshakeTimeoutError is net/http's TLS handshake timeout, word for word,
// and a net.Error timeout as net/http's is.
type handshakeTimeoutError struct{}

func (handshakeTimeoutError) Error() string   { return "net/http: TLS handshake timeout" }
func (handshakeTimeoutError) Timeout() bool   { return true }
func (handshakeTimeoutError) Temporary() bool { return true }
