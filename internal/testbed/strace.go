package testbed

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
)

// ErrStraceMissing is returned (wrapped) when strace is not installed
// (Debian package strace).
var ErrStraceMissing = errors.New("strace is needed: apt-get install -y strace")

// Strace records the files a step's processes open, through every fork,
// container runtime and namespace in between: the file names are the ones
// the program asked for, as it sees its file system. Run the step with
// Step.Under set to Command().
type Strace struct {
	out string
}

// NewStrace checks that strace is installed and records into file.
func NewStrace(file string) (*Strace, error) {
	if _, err := exec.LookPath("strace"); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrStraceMissing, err)
	}
	return &Strace{out: file}, nil
}

// Command is the command line to run a step under: -f follows every
// child, -Y names each process by its command (a container's program is
// told apart from podman, conmon and runc that way), -s keeps long paths
// whole. "?open": arm64 has only openat, and strace must not refuse that.
// --seccomp-bpf stops the traced processes only at the calls traced, so
// podman, conmon and runc are not slowed down at every other call.
func (s *Strace) Command() []string {
	return []string{"strace", "-f", "--seccomp-bpf", "-qq", "-Y", "-s", "4096", "-e", "signal=none",
		"-e", "trace=openat,?open", "-o", s.out}
}

// Opened returns, in order, the paths that processes named command opened
// successfully (directories included: reading one starts with opening it).
func (s *Strace) Opened(command string) ([]string, error) {
	b, err := os.ReadFile(s.out)
	if err != nil {
		return nil, err
	}
	return openedPaths(string(b), command)
}

var (
	// straceCall is the start of a call: "123<comm> openat(AT_FDCWD, "/x", ..." or open("/x", ...
	straceCall = regexp.MustCompile(`^(\d+)<([^>]*)> (?:openat\([^,]+, |open\()("(?:[^"\\]|\\.)*")`)
	// straceResumed is the second half of a call strace had to split
	// because another thread ran in between.
	straceResumed = regexp.MustCompile(`^(\d+)<[^>]*> <\.\.\. open(?:at)? resumed>`)
	// straceResult is a call's return value: a file descriptor or -1 ERRNO.
	straceResult = regexp.MustCompile(` = (-?\d+)(?: [A-Z]+ .*)?$`)
)

// openedPaths parses strace -f -Y output (see Command).
func openedPaths(trace, command string) ([]string, error) {
	var opened []string
	pending := map[string]string{} // pid -> path of its unfinished call
	for _, line := range strings.Split(trace, "\n") {
		var pid, path string
		if m := straceCall.FindStringSubmatch(line); m != nil {
			if m[2] != command {
				continue
			}
			unquoted, err := strconv.Unquote(m[3])
			if err != nil {
				return nil, fmt.Errorf("strace line %q: %w", line, err)
			}
			pid, path = m[1], unquoted
			if strings.HasSuffix(line, "<unfinished ...>") {
				pending[pid] = path
				continue
			}
		} else if m := straceResumed.FindStringSubmatch(line); m != nil {
			pid = m[1]
			if path = pending[pid]; path == "" {
				continue // another command's call
			}
			delete(pending, pid)
		} else {
			continue
		}
		if r := straceResult.FindStringSubmatch(line); r != nil && !strings.HasPrefix(r[1], "-") {
			opened = append(opened, path)
		}
	}
	return opened, nil
}
