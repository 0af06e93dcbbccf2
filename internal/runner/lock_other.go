//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package runner

import (
	"os"
	"time"
)

// lock is a no-op where flock(2) is not available: container actions run
// on Linux only, and appends stay whole without the lock (see pending).
func lock(*os.File, time.Duration) error { return nil }

// appendOnce writes b; without a raw write call it may take several.
func appendOnce(f *os.File, b []byte) (int, error) { return f.Write(b) }
