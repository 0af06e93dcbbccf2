//go:build unix

package testbed

import (
	"os/exec"
	"syscall"
)

// setProcessGroup starts cmd in a process group of its own, so a wrapper
// (the pyenv shim, a shell) and everything it spawned can be killed together.
func setProcessGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
}

// killProcessGroup sends SIGKILL to cmd's whole process group.
func killProcessGroup(cmd *exec.Cmd) error {
	if cmd.Process == nil {
		return nil
	}
	return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
}
