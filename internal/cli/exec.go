package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"

	"github.com/federate-action/federate/internal/app"
	"github.com/federate-action/federate/internal/export"
)

// Signals are the signals exec passes on to its command, and that stop
// the computation before the command runs: SIGHUP too, so closing the
// terminal still ends the command and revokes the Vault token.
var Signals = []os.Signal{os.Interrupt, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT}

// forwarder sends Signals to exec's command once it runs, and cancels the
// computation before.
type forwarder struct {
	mu     sync.Mutex
	child  *os.Process
	cancel context.CancelFunc
	// caught is the signal that cancelled the computation, if one did.
	caught os.Signal
}

// listen handles signals until stop is called.
func (f *forwarder) listen(signals <-chan os.Signal) (stop func()) {
	done := make(chan struct{})
	go func() {
		for {
			select {
			case <-done:
				return
			case s := <-signals:
				f.mu.Lock()
				if f.child != nil {
					_ = f.child.Signal(s)
				} else {
					if f.caught == nil {
						f.caught = s
					}
					f.cancel()
				}
				f.mu.Unlock()
			}
		}
	}()
	return func() { close(done) }
}

// set records the running command, or nil once it has ended.
func (f *forwarder) set(p *os.Process) {
	f.mu.Lock()
	f.child = p
	f.mu.Unlock()
}

// runChild runs argv with the parent's environment plus the set's env
// vars, and returns its exit code (128+N when signal N killed it). The
// Vault token is revoked once the command has ended: nothing else holds it.
func runChild(ctx context.Context, res *app.Result, argv []string, fwd *forwarder, d Deps) int {
	defer res.Revoke(ctx)
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = childEnv(d.Environ(), res.Set.EnvVars())
	cmd.Stdin, cmd.Stdout, cmd.Stderr = d.Stdin, d.Stdout, d.Stderr
	// Held while starting, so a signal that arrives meanwhile is
	// forwarded rather than lost.
	fwd.mu.Lock()
	if ctx.Err() != nil {
		// A signal came after the computation ended but before the
		// command started: the command must not run.
		code := signalCode(fwd.caught)
		fwd.mu.Unlock()
		fmt.Fprintf(d.Stderr, "federate: interrupted; %s was not started\n", argv[0])
		return code
	}
	err := cmd.Start()
	if err == nil {
		fwd.child = cmd.Process
	}
	fwd.mu.Unlock()
	if err != nil {
		fmt.Fprintf(d.Stderr, "federate: cannot run %s: %v\n", argv[0], err)
		if errors.Is(err, exec.ErrNotFound) || errors.Is(err, fs.ErrNotExist) {
			return 127
		}
		return 126
	}
	err = cmd.Wait()
	fwd.set(nil)
	var exitErr *exec.ExitError
	if err != nil && !errors.As(err, &exitErr) {
		fmt.Fprintf(d.Stderr, "federate: waiting for %s: %v\n", argv[0], err)
		return 1
	}
	return exitCode(cmd.ProcessState)
}

// signalCode is the shell's exit code for a process stopped by s: 128+N,
// 130 (SIGINT's) when no signal is known.
func signalCode(s os.Signal) int {
	if n, ok := s.(syscall.Signal); ok {
		return 128 + int(n)
	}
	return 128 + int(syscall.SIGINT)
}

// exitCode is the shell's rendering of how a process ended.
func exitCode(s *os.ProcessState) int {
	if ws, ok := s.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return 128 + int(ws.Signal())
	}
	return s.ExitCode()
}

// childEnv is environ with the set's variables added, each replacing any
// variable of the same name.
func childEnv(environ []string, vars []export.Var) []string {
	set := map[string]bool{}
	for _, v := range vars {
		set[v.Name] = true
	}
	env := make([]string, 0, len(environ)+len(vars))
	for _, kv := range environ {
		name, _, _ := strings.Cut(kv, "=")
		if !set[name] {
			env = append(env, kv)
		}
	}
	for _, v := range vars {
		env = append(env, v.Name+"="+v.Value.Reveal())
	}
	return env
}
