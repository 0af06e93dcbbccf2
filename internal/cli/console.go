package cli

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"sync"
)

// console turns the workflow commands the pipeline prints (it speaks to
// the GitHub runner) into plain lines on a terminal's stderr: masks are
// dropped (there is no log to mask, and a mask line holds the secret),
// warnings and errors are shown, progress and debug lines only with
// --verbose.
type console struct {
	mu      sync.Mutex
	w       io.Writer
	verbose bool
	buf     []byte
}

// Write takes any part of the output; a line is shown once it is whole.
func (c *console) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.buf = append(c.buf, p...)
	for {
		i := bytes.IndexByte(c.buf, '\n')
		if i < 0 {
			return len(p), nil
		}
		line := string(c.buf[:i])
		c.buf = c.buf[i+1:]
		if out, ok := c.render(line); ok {
			if _, err := fmt.Fprintln(c.w, out); err != nil {
				return len(p), err
			}
		}
	}
}

// commandData undoes the workflow-command escaping of a message.
var commandData = strings.NewReplacer("%0D", "\r", "%0A", "\n", "%25", "%")

// render is what a line becomes, if it is shown.
func (c *console) render(line string) (string, bool) {
	if !strings.HasPrefix(line, "::") {
		return "federate: " + line, c.verbose
	}
	head, msg, ok := strings.Cut(line[2:], "::")
	if !ok {
		return "federate: " + line, c.verbose
	}
	cmd, _, _ := strings.Cut(head, " ")
	msg = commandData.Replace(msg)
	switch cmd {
	case "warning":
		return "federate: warning: " + msg, true
	case "error":
		return "federate: " + msg, true
	case "debug", "notice":
		return "federate: " + msg, c.verbose
	}
	// add-mask and anything else is for the runner only.
	return "", false
}
