package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// serverCPU reads a server process's CPU time, in nanoseconds from the
// scheduler (rusage's ticks are 10 ms, too coarse for one run).
type serverCPU struct{ pid int }

// findServerCPU finds the process whose command line holds mark (the dev
// Vault's -config= file, unique to this bench's directory); ok is false
// when there is none.
func findServerCPU(mark string) (serverCPU, bool) {
	dirs, _ := filepath.Glob("/proc/[0-9]*")
	for _, d := range dirs {
		cmdline, err := os.ReadFile(filepath.Join(d, "cmdline"))
		if err != nil || !bytes.Contains(cmdline, []byte(mark)) {
			continue
		}
		if pid, err := strconv.Atoi(filepath.Base(d)); err == nil {
			return serverCPU{pid: pid}, true
		}
	}
	return serverCPU{}, false
}

// used is the CPU time all the process's threads have run so far.
func (s serverCPU) used() time.Duration {
	tasks, _ := filepath.Glob(filepath.Join("/proc", strconv.Itoa(s.pid), "task", "*", "schedstat"))
	var total time.Duration
	for _, t := range tasks {
		b, err := os.ReadFile(t)
		if err != nil {
			continue
		}
		first, _, _ := strings.Cut(string(b), " ")
		if ns, err := strconv.ParseInt(first, 10, 64); err == nil {
			total += time.Duration(ns)
		}
	}
	return total
}
