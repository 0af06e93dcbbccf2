package idtoken

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/federate-action/federate/internal/secret"
)

// File reads a token from a file (web-identity-token-file), re-read on
// every call so a runner that refreshes the file hands out fresh tokens.
type File struct {
	// Path is the file, absolute and clean.
	Path string
	// Root is the directory Path must lie in (the workspace or the
	// runner's temp directory). Root itself may be reached through
	// symbolic links; nothing below it may be one. "" checks only Path's
	// last element.
	Root string
	// Input names the input that gave Path, for errors; ""
	// is web-identity-token-file.
	Input string
}

// FileError is a token file that cannot be used.
type FileError struct {
	Input, Path, Reason string
}

func (e *FileError) Error() string {
	return fmt.Sprintf("%s %s: %s", e.input(), e.Path, e.Reason)
}

// Title is the annotation title.
func (e *FileError) Title() string { return "Invalid input " + e.input() }

func (e *FileError) input() string {
	if e.Input == "" {
		return "web-identity-token-file"
	}
	return e.Input
}

// Token returns the file's content, trimmed. The audience is whatever the
// file's token was minted for. It returns by ctx's deadline whatever the
// file is: a read that has not ended by then is abandoned.
func (f *File) Token(ctx context.Context, _ string) (secret.String, error) {
	type result struct {
		token secret.String
		err   error
	}
	done := make(chan result, 1)
	go func() {
		token, err := f.read()
		var fe *FileError
		if errors.As(err, &fe) {
			fe.Input = f.Input
		}
		done <- result{token, err}
	}()
	select {
	case r := <-done:
		return r.token, r.err
	case <-ctx.Done():
		return secret.String{}, &FileError{Input: f.Input, Path: f.Path, Reason: "could not be read before the step's deadline (action-timeout-s); give a regular file on a local disk"}
	}
}

// read refuses, before opening anything, a path that leaves Root, a
// symbolic link anywhere below Root, and anything but a regular file: a
// link could point the action at a file elsewhere on the runner, and a
// FIFO or device could block the open or the read forever. The open
// itself follows no link and does not wait (O_NOFOLLOW, O_NONBLOCK), and
// the file opened must be the one checked, so nothing swapped in between
// is read.
func (f *File) read() (secret.String, error) {
	checked, err := f.check()
	if err != nil {
		return secret.String{}, err
	}
	fh, err := os.OpenFile(f.Path, os.O_RDONLY|openNoFollow, 0)
	if err != nil {
		if errors.Is(err, syscall.ELOOP) {
			return secret.String{}, &FileError{Path: f.Path, Reason: "is a symbolic link; give the path of the file itself"}
		}
		return secret.String{}, &FileError{Path: f.Path, Reason: "cannot be read: " + reason(err)}
	}
	defer fh.Close()
	info, err := fh.Stat()
	if err != nil || !info.Mode().IsRegular() || !os.SameFile(info, checked) {
		return secret.String{}, &FileError{Path: f.Path, Reason: "changed while it was being opened; give a regular file that nothing replaces"}
	}
	b, err := io.ReadAll(io.LimitReader(fh, maxBody))
	if err != nil {
		return secret.String{}, &FileError{Path: f.Path, Reason: "cannot be read: " + reason(err)}
	}
	token := strings.TrimSpace(string(b))
	// STS takes 4 to 20000 characters; anything else is not a token.
	if strings.Count(token, ".") != 2 || len(token) > 20000 {
		return secret.String{}, &FileError{Path: f.Path, Reason: "does not hold a JWT"}
	}
	return secret.New(token), nil
}

// check walks from Root to Path with Lstat, one element at a time, and
// returns what it found at Path: a regular file reached through no link.
func (f *File) check() (fs.FileInfo, error) {
	root := f.Root
	if root == "" {
		root = filepath.Dir(f.Path)
	}
	rel, err := filepath.Rel(root, f.Path)
	if err != nil || rel == "." || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) || filepath.IsAbs(rel) {
		return nil, &FileError{Path: f.Path, Reason: "is not inside " + root + "; give a file in the workspace"}
	}
	at := root
	elems := strings.Split(rel, string(filepath.Separator))
	for i, elem := range elems {
		at = filepath.Join(at, elem)
		info, err := os.Lstat(at)
		if err != nil {
			return nil, &FileError{Path: f.Path, Reason: "cannot be read: " + reason(err)}
		}
		last := i == len(elems)-1
		switch {
		case info.Mode()&fs.ModeSymlink != 0 && last:
			return nil, &FileError{Path: f.Path, Reason: "is a symbolic link; give the path of the file itself"}
		case info.Mode()&fs.ModeSymlink != 0:
			return nil, &FileError{Path: f.Path, Reason: "goes through " + at + ", a symbolic link; give a path with no link in it"}
		case last && !info.Mode().IsRegular():
			return nil, &FileError{Path: f.Path, Reason: "is not a regular file (it is a " + kind(info.Mode()) + "); give a file that holds the token"}
		case !last && !info.IsDir():
			return nil, &FileError{Path: f.Path, Reason: "cannot be read: " + at + " is not a directory"}
		}
		if last {
			return info, nil
		}
	}
	return nil, &FileError{Path: f.Path, Reason: "names no file"}
}

// kind names a file type that is not a regular file.
func kind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "directory"
	case m&fs.ModeNamedPipe != 0:
		return "named pipe (FIFO)"
	case m&fs.ModeSocket != 0:
		return "socket"
	case m&fs.ModeDevice != 0:
		return "device"
	}
	return "special file"
}

// reason is err's text without the path, which FileError already shows.
func reason(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}
