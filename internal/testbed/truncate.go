package testbed

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"strconv"
)

// proxyTruncated proxies r, then sends the real status and headers, announcing
// the full Content-Length, but only the first half of the body before closing
// the connection: the client sees an unexpected EOF mid-body.
func (p *FaultProxy) proxyTruncated(w http.ResponseWriter, r *http.Request) {
	rec := &recordedResponse{header: http.Header{}}
	p.proxy.ServeHTTP(rec, r)
	if err := writeTruncated(w, rec); err != nil {
		panic(http.ErrAbortHandler)
	}
}

// writeTruncated hijacks w's connection and writes rec cut in half.
func writeTruncated(w http.ResponseWriter, rec *recordedResponse) error {
	conn, buf, err := http.NewResponseController(w).Hijack()
	if err != nil {
		return errNoHijack
	}
	defer conn.Close()
	body := rec.body.Bytes()
	h := rec.header.Clone()
	h.Del("Transfer-Encoding")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	h.Set("Connection", "close")
	fmt.Fprintf(buf, "HTTP/1.1 %d %s\r\n", rec.status(), http.StatusText(rec.status()))
	_ = h.Write(buf)
	_, _ = buf.WriteString("\r\n")
	_, _ = buf.Write(body[:len(body)/2])
	return buf.Flush()
}

// recordedResponse buffers what the reverse proxy would have sent.
type recordedResponse struct {
	header http.Header
	code   int
	body   bytes.Buffer
}

func (r *recordedResponse) Header() http.Header { return r.header }

func (r *recordedResponse) WriteHeader(code int) {
	if r.code == 0 {
		r.code = code
	}
}

func (r *recordedResponse) Write(b []byte) (int, error) {
	r.WriteHeader(http.StatusOK)
	return r.body.Write(b)
}

// Flush satisfies http.Flusher for streaming responses; the data is buffered anyway.
func (r *recordedResponse) Flush() {}

// status is the recorded status, 200 if the handler never set one.
func (r *recordedResponse) status() int {
	if r.code == 0 {
		return http.StatusOK
	}
	return r.code
}

// errNoHijack reports a ResponseWriter that cannot hand over its connection.
var errNoHijack = errors.New("fault proxy: connection cannot be hijacked")
