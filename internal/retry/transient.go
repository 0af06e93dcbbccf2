package retry

import (
	"context"
	"errors"
	"io"
	"net"
	"syscall"
)

// Network reports whether err is a network fault worth another attempt:
// a timeout, a refused or reset connection, or a response cut short. A
// context's own deadline or cancellation never is: the step is out of time.
func Network(err error) bool {
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return false
	}
	var netErr net.Error
	if errors.As(err, &netErr) && netErr.Timeout() {
		return true
	}
	// net.ErrClosed: a connection the peer reset while we were still
	// writing the request reads as "use of closed network connection".
	return errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, syscall.ECONNREFUSED) ||
		errors.Is(err, syscall.ECONNABORTED) ||
		errors.Is(err, syscall.EPIPE) ||
		errors.Is(err, net.ErrClosed) ||
		errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, io.EOF)
}

// transientStatuses are the answers that say "ask again later": a request
// timeout, throttling, a server fault, or a gateway that could not reach
// the server. The list is explicit, as go-containerregistry's is: 501 (not
// implemented), 505 (HTTP version) and 511 (a captive portal) are 5xx too,
// but asking again gets the same answer.
var transientStatuses = map[int]bool{
	408: true, // Request Timeout
	429: true, // Too Many Requests
	500: true, // Internal Server Error
	502: true, // Bad Gateway
	503: true, // Service Unavailable
	504: true, // Gateway Timeout
}

// HTTPStatus reports whether an HTTP status is transient.
func HTTPStatus(code int) bool {
	return transientStatuses[code]
}

// Temporary reports whether err says of itself that it is temporary (our
// own error types do), or is a transient network fault. Only a "yes" is
// taken from Temporary(): syscall errors answer "no" for a reset
// connection, which is worth another attempt.
func Temporary(err error) bool {
	var temp interface{ Temporary() bool }
	if errors.As(err, &temp) && temp.Temporary() {
		return true
	}
	return Network(err)
}
