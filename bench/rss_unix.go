//go:build unix

package main

import (
	"os"
	"syscall"
)

// peakRSSKB is a finished child's peak resident set, in kilobytes on Linux.
func peakRSSKB(st *os.ProcessState) int64 {
	if ru, ok := st.SysUsage().(*syscall.Rusage); ok {
		return int64(ru.Maxrss)
	}
	return 0
}
