package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"syscall"
)

// maxInputFile bounds an @path value: policies, secret lists and PEMs are
// far smaller, and a larger file is a wrong path, not an input.
const maxInputFile = 1 << 20

// ReadInputFile reads the file an @path value names. It opens without
// blocking, so a FIFO cannot hang the command, refuses anything but a
// regular file (symbolic links followed), so /dev/zero or a directory is
// an error, and refuses more than 1 MiB.
func ReadInputFile(path string) ([]byte, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("it is %s, not a regular file", describeMode(info.Mode()))
	}
	if info.Size() > maxInputFile {
		return nil, fmt.Errorf("it is %d bytes, more than the 1 MiB limit", info.Size())
	}
	// The size can change after Stat: read one byte past the limit to tell.
	b, err := io.ReadAll(io.LimitReader(f, maxInputFile+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxInputFile {
		return nil, errors.New("it is more than the 1 MiB limit")
	}
	return b, nil
}

// describeMode names a file type for an error.
func describeMode(m os.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&os.ModeNamedPipe != 0:
		return "a named pipe"
	case m&os.ModeSocket != 0:
		return "a socket"
	case m&os.ModeDevice != 0:
		return "a device"
	}
	return "a special file"
}
