//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package runner

import (
	"errors"
	"fmt"
	"os"
	"syscall"
	"time"
)

// lock takes an exclusive flock(2) on f, waiting at most wait for another
// holder. A file system without flock support is written unlocked: the
// lock only orders writers that cooperate, and appends stay whole without
// it (see pending).
func lock(f *os.File, wait time.Duration) error {
	rc, err := f.SyscallConn()
	if err != nil {
		return nil //nolint:nilerr // no descriptor to lock: write unlocked
	}
	deadline := time.Now().Add(wait)
	for pause := time.Millisecond; ; pause = min(2*pause, 50*time.Millisecond) {
		var lerr error
		if err := rc.Control(func(fd uintptr) {
			lerr = syscall.Flock(int(fd), syscall.LOCK_EX|syscall.LOCK_NB)
		}); err != nil {
			return nil //nolint:nilerr // as above
		}
		switch {
		case lerr == nil:
			return nil
		case !errors.Is(lerr, syscall.EWOULDBLOCK):
			return nil // ENOLCK, EOPNOTSUPP...: this file system cannot lock
		case time.Now().After(deadline):
			return fmt.Errorf("another process has held a lock (flock) on it for %s", wait)
		}
		time.Sleep(pause)
	}
}

// appendOnce writes b with a single write(2), retried only when nothing
// was written (a signal, or a full pipe). It returns how much was
// written, which may be less than len(b).
func appendOnce(f *os.File, b []byte) (int, error) {
	rc, err := f.SyscallConn()
	if err != nil {
		return 0, err
	}
	var n int
	var werr error
	if err := rc.Write(func(fd uintptr) bool {
		for {
			n, werr = syscall.Write(int(fd), b)
			switch {
			case errors.Is(werr, syscall.EINTR):
				continue
			case errors.Is(werr, syscall.EAGAIN):
				return false // a full pipe: nothing written yet, wait and try again
			}
			return true
		}
	}); err != nil {
		return 0, err
	}
	if n < 0 {
		n = 0
	}
	if werr != nil {
		return n, &os.PathError{Op: "write", Path: f.Name(), Err: werr}
	}
	return n, nil
}
