package idtoken

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"time"

	"github.com/federate-action/federate/internal/redact"
	"github.com/federate-action/federate/internal/secret"
)

// commandTimeout bounds one run of the command when ctx has a later
// deadline: buildkite-agent asks the agent API, which answers in seconds.
const commandTimeout = 30 * time.Second

// Command runs a program that prints a token, such as
// `buildkite-agent oidc request-token --audience AUD`. Each call runs it
// again, so every call gets a fresh token.
type Command struct {
	Path string   // absolute path of the program
	Args []string // before --audience AUD
}

// CommandError is the command failing or printing no token. It holds the
// command's stderr, shortened; never its stdout, which may be a token.
type CommandError struct {
	Command string
	Reason  string
}

func (e *CommandError) Error() string { return e.Command + ": " + e.Reason }

// Title is the annotation title.
func (e *CommandError) Title() string { return "Cannot get an ID token" }

// Token runs the command with --audience audience (none when audience is
// "", which leaves the platform's default) and returns what it printed.
func (c *Command) Token(ctx context.Context, audience string) (secret.String, error) {
	ctx, cancel := context.WithTimeout(ctx, commandTimeout)
	defer cancel()
	args := append([]string(nil), c.Args...)
	if audience != "" {
		args = append(args, "--audience", audience)
	}
	name := strings.Join(append([]string{c.Path}, c.Args...), " ")
	cmd := exec.CommandContext(ctx, c.Path, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &limited{buf: &stdout, max: maxBody}
	cmd.Stderr = &limited{buf: &stderr, max: 64 << 10}
	cmd.WaitDelay = time.Second // a grandchild holding the pipes must not hold us
	err := cmd.Run()
	if ctx.Err() != nil {
		return secret.String{}, &CommandError{Command: name, Reason: "did not finish in time"}
	}
	if err != nil {
		reason := err.Error()
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			reason = fmt.Sprintf("exited with status %d", exit.ExitCode())
		}
		msg := stderr.String()
		if out := strings.TrimSpace(stdout.String()); out != "" {
			// Whatever it printed may be a token: never echo it.
			msg = strings.ReplaceAll(msg, out, "***")
		}
		if msg = redact.Shorten(msg); msg != "" {
			reason += ": " + msg
		}
		return secret.String{}, &CommandError{Command: name, Reason: reason}
	}
	token := strings.TrimSpace(stdout.String())
	if strings.Count(token, ".") != 2 || len(token) > 20000 {
		return secret.String{}, &CommandError{Command: name, Reason: "printed no JWT"}
	}
	return secret.New(token), nil
}

// limited keeps the first max bytes written and drops the rest, so a
// runaway command cannot fill memory.
type limited struct {
	buf *bytes.Buffer
	max int
}

func (l *limited) Write(p []byte) (int, error) {
	if room := l.max - l.buf.Len(); room > 0 {
		if len(p) > room {
			l.buf.Write(p[:room])
		} else {
			l.buf.Write(p)
		}
	}
	return len(p), nil
}
