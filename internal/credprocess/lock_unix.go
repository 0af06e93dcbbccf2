//go:build unix

package credprocess

import (
	"context"
	"errors"
	"fmt"
	"os"
	"syscall"
	"time"
)

// supported returns nil: the mode's cache needs flock and file owners,
// which every Unix system has.
func supported() error { return nil }

// openOwned opens path for reading only if it is a regular file (not a
// link) owned by this user and readable by no one else: credentials
// another user could have planted or read are never served.
func openOwned(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	// The checks are on the open file, so the path cannot be swapped
	// between check and read.
	fi, err := f.Stat()
	if err == nil {
		st, ok := fi.Sys().(*syscall.Stat_t)
		switch {
		case !fi.Mode().IsRegular():
			err = errors.New("not a regular file")
		case fi.Mode().Perm() != 0o600:
			err = errors.New("mode is not 0600")
		case !ok || int(st.Uid) != os.Getuid():
			err = errors.New("owned by another user")
		}
	}
	if err != nil {
		_ = f.Close()
		return nil, err
	}
	return f, nil
}

// lockPoll is how often a waiting process retries the lock: a refresh
// takes a few hundred milliseconds, so a waiter learns of its end soon.
const lockPoll = 20 * time.Millisecond

// lock takes an exclusive flock on path (created 0600), so that of many
// SDK processes started at once only one calls STS; the others wait and
// then read its cache. It waits until ctx ends.
func lock(ctx context.Context, path string) (unlock func(), err error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|syscall.O_NOFOLLOW, 0o600)
	if err != nil {
		return nil, fmt.Errorf("opening the cache lock %s: %w", path, err)
	}
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			// Closing the file releases the lock, also if the process dies.
			return func() { _ = f.Close() }, nil
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) && !errors.Is(err, syscall.EINTR) {
			_ = f.Close()
			return nil, fmt.Errorf("locking %s: %w", path, err)
		}
		select {
		case <-ctx.Done():
			_ = f.Close()
			return nil, fmt.Errorf("waiting for another credential process to refresh %s: %w", path, context.Cause(ctx))
		case <-time.After(lockPoll):
		}
	}
}
