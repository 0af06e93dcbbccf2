package idtoken

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"syscall"

	"github.com/federate-action/federate/internal/secret"
)

// File reads a token from a file (web-identity-token-file), re-read on
// every call so a runner that refreshes the file hands out fresh tokens.
type File struct {
	Path string
}

// FileError is a token file that cannot be used.
type FileError struct {
	Path, Reason string
}

func (e *FileError) Error() string {
	return fmt.Sprintf("web-identity-token-file %s: %s", e.Path, e.Reason)
}

// Title is the annotation title.
func (e *FileError) Title() string { return "Invalid input web-identity-token-file" }

// Token returns the file's content, trimmed. The audience is whatever the
// file's token was minted for. A symlink is refused (O_NOFOLLOW, so it
// cannot be swapped in between a check and the open): it could point the
// action at a file elsewhere on the runner.
func (f *File) Token(_ context.Context, _ string) (secret.String, error) {
	fh, err := os.OpenFile(f.Path, os.O_RDONLY|syscall.O_NOFOLLOW, 0)
	if err != nil {
		if errors.Is(err, syscall.ELOOP) {
			return secret.String{}, &FileError{Path: f.Path, Reason: "is a symbolic link; give the path of the file itself"}
		}
		return secret.String{}, &FileError{Path: f.Path, Reason: "cannot be read: " + err.Error()}
	}
	defer fh.Close()
	info, err := fh.Stat()
	if err != nil || !info.Mode().IsRegular() {
		return secret.String{}, &FileError{Path: f.Path, Reason: "is not a regular file"}
	}
	b, err := io.ReadAll(io.LimitReader(fh, maxBody))
	if err != nil {
		return secret.String{}, &FileError{Path: f.Path, Reason: "cannot be read: " + err.Error()}
	}
	token := strings.TrimSpace(string(b))
	// STS takes 4 to 20000 characters; anything else is not a token.
	if strings.Count(token, ".") != 2 || len(token) > 20000 {
		return secret.String{}, &FileError{Path: f.Path, Reason: "does not hold a JWT"}
	}
	return secret.New(token), nil
}
