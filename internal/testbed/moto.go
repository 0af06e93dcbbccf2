package testbed

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os/exec"
	"strconv"
	"sync"
	"time"
)

// ErrMotoMissing is returned (wrapped) by StartMoto when moto_server is not on
// PATH, so callers can tell "not installed" from "failed to start" and fail
// loudly instead of silently skipping the end-to-end tests.
var ErrMotoMissing = errors.New("moto_server not found on PATH (install moto 5.2.1: pip install 'moto[server]==5.2.1')")

const (
	motoBinary       = "moto_server"
	motoReadyTimeout = 30 * time.Second
	motoStartTries   = 3 // a free port can be taken between probe and bind
)

// Moto is a real moto_server (the AWS STS emulator) on a free loopback port.
// URL is its endpoint, e.g. http://127.0.0.1:41234.
type Moto struct {
	URL string

	cmd      *exec.Cmd
	exited   chan struct{} // closed once the process has been waited for
	waitErr  error         // valid after exited is closed
	stopOnce sync.Once
	stopErr  error

	accountsMu   sync.Mutex // guards accountsUsed
	accountsUsed int        // how many accounts Roles has handed out
}

// StartMoto starts `moto_server -H 127.0.0.1 -p PORT` on a free port, copies
// its output to log (nil discards it) and returns once it answers HTTP, or
// after about 30s with an error. ctx bounds only the start-up; the server runs
// until Stop.
func StartMoto(ctx context.Context, log io.Writer) (*Moto, error) {
	return startMoto(ctx, log, motoBinary)
}

// startMoto is StartMoto with the binary name as a parameter, so the
// not-installed path can be tested without changing PATH.
func startMoto(ctx context.Context, log io.Writer, binary string) (*Moto, error) {
	path, err := exec.LookPath(binary)
	if err != nil {
		return nil, fmt.Errorf("start %s: %w: %v", binary, ErrMotoMissing, err)
	}
	if log == nil {
		log = io.Discard
	}
	for try := 1; ; try++ {
		m, err := launchMoto(path, log)
		if err != nil {
			return nil, err
		}
		err = m.waitReady(ctx)
		if err == nil {
			return m, nil
		}
		_ = m.Stop()
		if !errors.Is(err, errMotoExited) || try == motoStartTries {
			return nil, fmt.Errorf("start %s at %s: %w", binary, m.URL, err)
		}
	}
}

// launchMoto picks a free port and starts the process in its own group.
func launchMoto(path string, log io.Writer) (*Moto, error) {
	port, err := freePort()
	if err != nil {
		return nil, fmt.Errorf("start moto_server: pick a port: %w", err)
	}
	cmd := exec.Command(path, "-H", "127.0.0.1", "-p", strconv.Itoa(port))
	cmd.Stdout, cmd.Stderr = log, log
	cmd.WaitDelay = 5 * time.Second // do not hang on a pipe a stray child keeps open
	setProcessGroup(cmd)
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start moto_server: %w", err)
	}
	m := &Moto{URL: "http://127.0.0.1:" + strconv.Itoa(port), cmd: cmd, exited: make(chan struct{})}
	go func() {
		m.waitErr = cmd.Wait()
		close(m.exited)
	}()
	return m, nil
}

// errMotoExited marks a server that died before answering (e.g. port taken).
var errMotoExited = errors.New("moto_server exited before answering")

// waitReady polls m.URL until any HTTP answer arrives.
func (m *Moto) waitReady(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, motoReadyTimeout)
	defer cancel()
	client := &http.Client{Timeout: time.Second}
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, m.URL+"/", nil)
		if err != nil {
			return err
		}
		if resp, err := client.Do(req); err == nil {
			_ = resp.Body.Close()
			return nil
		}
		select {
		case <-m.exited:
			return fmt.Errorf("%w: %v", errMotoExited, m.waitErr)
		case <-ctx.Done():
			return fmt.Errorf("not answering HTTP: %w", ctx.Err())
		case <-tick.C:
		}
	}
}

// Stop kills the server's process group and waits for it. It is safe to call
// more than once; it reports an error only if the server had died on its own.
func (m *Moto) Stop() error {
	m.stopOnce.Do(func() {
		select {
		case <-m.exited:
			m.stopErr = fmt.Errorf("moto_server had already exited: %v", m.waitErr)
			return
		default:
		}
		if err := killProcessGroup(m.cmd); err != nil {
			m.stopErr = fmt.Errorf("stop moto_server: %w", err)
		}
		<-m.exited
	})
	return m.stopErr
}

// freePort asks the kernel for an unused loopback port.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
