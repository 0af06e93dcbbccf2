package testbed

import (
	"strings"
	"time"
)

// Fault is what a FaultProxy does with one request instead of, or before,
// passing it through. The zero Fault passes the request through unchanged.
type Fault struct {
	Status      int               // answer this status instead of proxying (0 = proxy the request)
	Body        string            // body of the Status answer
	ContentType string            // default text/xml when Body starts with '<', else application/json
	Header      map[string]string // extra headers of the Status answer, e.g. Retry-After
	Delay       time.Duration     // wait before answering/proxying; ends early if the client goes away
	Reset       bool              // hijack the connection and close it without a response
	Truncate    bool              // proxy, but cut the response body in half and close
}

// contentType is the Content-Type of the Status answer.
func (f Fault) contentType() string {
	switch {
	case f.ContentType != "":
		return f.ContentType
	case strings.HasPrefix(strings.TrimLeft(f.Body, " \t\r\n"), "<"):
		return "text/xml"
	default:
		return "application/json"
	}
}

// passesThrough reports whether f leaves the request alone, as the zero
// Fault does: no status, delay, reset or truncation (Body, ContentType and
// Header only matter with a Status).
func (f Fault) passesThrough() bool {
	return f.Status == 0 && f.Delay <= 0 && !f.Reset && !f.Truncate
}
