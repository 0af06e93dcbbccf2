package runner

import "time"

// SetLockWait shortens the wait for another writer's lock, so a test of a
// stuck lock takes milliseconds.
func SetLockWait(r *Runner, d time.Duration) { r.lockWait = d }
