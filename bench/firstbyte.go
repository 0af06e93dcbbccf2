package main

import (
	"io"
	"net"
	"sync"
	"time"
)

// firstBytes is a TCP pass-through in front of a server that records when
// each connection's first byte arrives: for the TLS token service, the
// moment the ClientHello of the token request leaves the child. TLS
// passes through untouched, so the child verifies the server as usual.
type firstBytes struct {
	l      net.Listener
	target string
	mu     sync.Mutex
	times  []time.Time
}

// newFirstBytes listens on a loopback port and forwards to target (host:port).
func newFirstBytes(target string) (*firstBytes, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	f := &firstBytes{l: l, target: target}
	go f.serve()
	return f, nil
}

// Addr is host:port to connect to instead of the target.
func (f *firstBytes) Addr() string { return f.l.Addr().String() }

// Close stops accepting connections.
func (f *firstBytes) Close() { _ = f.l.Close() }

func (f *firstBytes) serve() {
	for {
		c, err := f.l.Accept()
		if err != nil {
			return
		}
		go f.pipe(c)
	}
}

// pipe reads the first byte, stamps it, then copies both ways.
func (f *firstBytes) pipe(c net.Conn) {
	defer c.Close()
	first := make([]byte, 1)
	if _, err := io.ReadFull(c, first); err != nil {
		return
	}
	f.mu.Lock()
	f.times = append(f.times, time.Now())
	f.mu.Unlock()
	up, err := net.Dial("tcp", f.target)
	if err != nil {
		return
	}
	defer up.Close()
	if _, err := up.Write(first); err != nil {
		return
	}
	done := make(chan struct{})
	go func() {
		_, _ = io.Copy(c, up)
		close(done)
	}()
	_, _ = io.Copy(up, c)
	_ = up.Close() // the child is done: end the upstream side too
	<-done
}

// firstSince is the earliest first byte at or after t, and whether there was one.
func (f *firstBytes) firstSince(t time.Time) (time.Time, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var best time.Time
	for _, s := range f.times {
		if !s.Before(t) && (best.IsZero() || s.Before(best)) {
			best = s
		}
	}
	return best, !best.IsZero()
}
