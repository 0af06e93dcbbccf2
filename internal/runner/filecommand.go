package runner

import (
	"fmt"
	"io"
	"strings"
)

// WriteError reports a file command, or a file, that could not be written. It names
// the variable, never the value.
type WriteError struct {
	File   string // GITHUB_ENV, GITHUB_OUTPUT, GITHUB_STATE, or the path of a file
	Name   string
	Reason string
}

func (e *WriteError) Error() string {
	if e.Name == "" {
		return fmt.Sprintf("cannot write %s: %s", e.File, e.Reason)
	}
	return fmt.Sprintf("cannot write %s to %s: %s", e.Name, e.File, e.Reason)
}

// Title is the annotation title.
func (e *WriteError) Title() string { return "Cannot write " + e.File }

// heredoc renders one NAME<<DELIM entry the way the toolkit's
// file-command.ts does. A random delimiter per entry: the fixed one
// allowed injecting variables (CVE-2022-35954). A name or value that
// contains the delimiter is refused, since the runner would end the value
// at that line and read the rest as new commands.
func heredoc(file, name, value string, rand io.Reader) (string, error) {
	delim, err := delimiter(rand)
	if err != nil {
		return "", &WriteError{File: file, Name: name, Reason: err.Error()}
	}
	if strings.Contains(name, delim) || strings.Contains(value, delim) {
		return "", &WriteError{File: file, Name: name, Reason: "the value contains the heredoc delimiter"}
	}
	return name + "<<" + delim + "\n" + value + "\n" + delim + "\n", nil
}

// delimiter returns "ghadelimiter_" and a random UUID, as the toolkit does.
func delimiter(rand io.Reader) (string, error) {
	var b [16]byte
	if _, err := io.ReadFull(rand, b[:]); err != nil {
		return "", fmt.Errorf("reading random delimiter: %w", err)
	}
	b[6] = b[6]&0x0f | 0x40 // version 4
	b[8] = b[8]&0x3f | 0x80 // RFC 4122 variant
	return fmt.Sprintf("ghadelimiter_%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16]), nil
}
