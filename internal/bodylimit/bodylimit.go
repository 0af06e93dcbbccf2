// Package bodylimit bounds how much of a server's answer is read: a proxy's
// download or a hostile endpoint that answers without end must fail the
// step with a short error, not exhaust the runner's memory.
package bodylimit

import (
	"fmt"
	"io"
	"net/http"
	"sync/atomic"

	"github.com/federate-action/federate/internal/redact"
)

// Limit says how much of one server's answers may be read, and what to
// tell the user when an answer is larger.
type Limit struct {
	Server string // who should have answered: "STS", "Vault"
	Bytes  int64  // the most read of one answer's body
	// Total, if not 0, is the most read of all answers through one
	// Transport together: answers are kept until the step ends, so a
	// bound per answer alone does not bound memory when many are read.
	Total int64
	Hint  string // what to check, e.g. "check sts-endpoint"
}

// Error is an answer larger than its limit. It is not transient: a server
// that sent too much once will send too much again.
type Error struct {
	Limit
	Method   string
	URL      string // redacted
	Status   int
	Together bool // Total was passed, not Bytes
}

var _ error = (*Error)(nil)

func (e *Error) Error() string {
	if e.Together {
		return fmt.Sprintf("%s's answers came to more than %s together, the most read from it in one step (at %s %s): %s",
			e.Server, size(e.Total), e.Method, e.URL, e.Hint)
	}
	return fmt.Sprintf("%s answered %s %s with HTTP %d and more than %s, the most read from it: %s",
		e.Server, e.Method, e.URL, e.Status, size(e.Bytes), e.Hint)
}

// Title is the annotation title.
func (e *Error) Title() string { return "Answer too large" }

// Temporary reports that asking again will not help.
func (e *Error) Temporary() bool { return false }

// size writes n bytes the way limits are documented: 1 MiB, 64 KiB.
func size(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// Wrap replaces resp's body with one that reads at most l.Bytes and then
// fails with an *Error instead of reading on. An answer that declares a
// larger Content-Length fails at its first read. l.Total is not checked.
func Wrap(resp *http.Response, l Limit) { wrap(resp, l, nil) }

// wrap is Wrap, adding what is read to total if not nil.
func wrap(resp *http.Response, l Limit, total *atomic.Int64) {
	if resp.Body == nil || resp.Body == http.NoBody {
		return
	}
	e := &Error{Limit: l, Status: resp.StatusCode}
	if req := resp.Request; req != nil && req.URL != nil {
		e.Method, e.URL = req.Method, redact.URL(req.URL)
	}
	left := l.Bytes
	if resp.ContentLength > l.Bytes {
		left = -1
	}
	resp.Body = &body{ReadCloser: resp.Body, left: left, err: e, total: total}
}

// body is an answer's body that may hold at most left more bytes.
type body struct {
	io.ReadCloser
	left  int64
	err   *Error
	total *atomic.Int64 // read through the Transport so far; nil: not counted
}

// Read reads one byte past the limit, to tell an answer of exactly the
// limit (accepted) from a larger one (refused).
func (b *body) Read(p []byte) (int, error) {
	if b.left < 0 {
		return 0, b.err
	}
	if int64(len(p)) > b.left+1 {
		p = p[:b.left+1]
	}
	n, err := b.ReadCloser.Read(p)
	b.left -= int64(n)
	if b.left < 0 {
		return n - 1, b.err
	}
	if b.total != nil && b.err.Total > 0 && b.total.Add(int64(n)) > b.err.Total {
		b.left, b.err.Together = -1, true
		return 0, b.err
	}
	return n, err
}

// Transport bounds the body of every answer Base returns, and all of
// them together if Limit.Total is set. It must not be copied once used.
type Transport struct {
	Base  http.RoundTripper
	Limit Limit
	read  atomic.Int64
}

// RoundTrip sends req with Base and bounds the answer's body.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.Base.RoundTrip(req)
	if err != nil {
		return resp, err
	}
	wrap(resp, t.Limit, &t.read)
	return resp, nil
}

// Client returns a copy of c whose answers are bounded by l; c is left as
// it was. A nil c stands for a client with Go's default transport.
func Client(c *http.Client, l Limit) *http.Client {
	out := &http.Client{}
	if c != nil {
		*out = *c
	}
	base := out.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	out.Transport = &Transport{Base: base, Limit: l}
	return out
}
