// Package runner is the only code that talks to the GitHub Actions runner:
// workflow commands on stdout (masks, annotations, log lines) and the
// file commands GITHUB_ENV, GITHUB_OUTPUT, GITHUB_STATE and
// GITHUB_STEP_SUMMARY.
package runner

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/sethvargo/go-githubactions"

	"github.com/federate-action/federate/internal/secret"
)

// Runner writes workflow commands to stdout and file commands to the files
// the runner names in its environment.
// It is safe for concurrent use: the AWS and Vault sides log and mask at
// the same time, and a mask must never be interleaved into another line.
type Runner struct {
	mu     sync.Mutex
	gha    *githubactions.Action
	getenv func(string) string
	rand   io.Reader
	masked map[string]bool // each mask is sent once, however often it is asked for
	// lockWait bounds the wait for another writer's lock on a file command.
	lockWait time.Duration
}

// New returns a Runner that prints to stdout, reads the file-command paths
// through getenv and draws heredoc delimiters from rand (crypto/rand in
// production: the delimiter must be unguessable).
func New(getenv func(string) string, stdout io.Writer, rand io.Reader) *Runner {
	return &Runner{
		gha:      githubactions.New(githubactions.WithGetenv(getenv), githubactions.WithWriter(stdout)),
		getenv:   getenv,
		rand:     rand,
		masked:   map[string]bool{},
		lockWait: defaultLockWait,
	}
}

// Mask registers every part of s as a mask. Call it as soon as a secret is
// in hand: a mask hides only log lines printed after it.
func (r *Runner) Mask(s secret.String) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, unit := range s.MaskUnits() {
		if !r.masked[unit] {
			r.masked[unit] = true
			r.gha.AddMask(unit)
		}
	}
}

// Infof prints a plain log line. The arguments often hold a server's
// error text, which we do not control: a newline in it would start a line
// of its own that the runner reads as a workflow command (::stop-commands::
// would then disable every later mask). So the line is kept one line,
// cannot start with "::", and holds no "##[", which starts a command of
// the runner's older syntax anywhere in a line.
func (r *Runner) Infof(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.gha.Infof("%s", oneLine(fmt.Sprintf(format, args...)))
}

// oneLineEscapes is oneLine's replacer, built once: a replacer with a
// multi-byte pattern builds a lookup table, which every log line would
// otherwise build again.
var oneLineEscapes = strings.NewReplacer("\r", `\r`, "\n", `\n`, "##[", `##\[`)

// oneLine escapes line breaks and "##[", and defuses a leading "::".
func oneLine(s string) string {
	s = oneLineEscapes.Replace(s)
	if strings.HasPrefix(strings.TrimLeft(s, " \t"), "::") {
		s = "(" + s + ")"
	}
	return s
}

// Debugf prints a line shown only with step debug logging enabled.
func (r *Runner) Debugf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.gha.Debugf(format, args...)
}

// Warningf prints a warning annotation.
func (r *Runner) Warningf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.gha.Warningf(format, args...)
}

// titled is implemented by errors that know the annotation title that
// best tells the user what went wrong ("Invalid input aws-region").
type titled interface{ Title() string }

// Fail prints err as one error annotation. The title comes from the first
// error in the chain that has one.
func (r *Runner) Fail(err error) {
	title := "federate failed"
	var t titled
	if errors.As(err, &t) {
		title = t.Title()
	}
	// One annotation per failure: newlines inside the message are escaped by
	// the library, so a multi-line explanation stays one annotation.
	msg := strings.TrimSpace(err.Error())
	r.mu.Lock()
	defer r.mu.Unlock()
	r.gha.WithFieldsMap(map[string]string{"title": title}).Errorf("%s", msg)
}
