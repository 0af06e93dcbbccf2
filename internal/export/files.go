package export

import (
	"fmt"
	"io/fs"
	"path/filepath"
)

// File is a file the runner writes before any file command: a profile
// file later steps read, or a copy of a program they run.
type File struct {
	Path string // absolute and clean, as this process sees it
	// Value is the content of a file written from memory; From is the file
	// whose content is copied instead (an executable). One of the two.
	Value  Value
	From   string
	Mode   fs.FileMode
	Source string
}

// Modes of the files a Set writes: only the job's user may read a file
// that holds credentials, or run (or change) a program that makes them.
const (
	fileMode       fs.FileMode = 0o600
	executableMode fs.FileMode = 0o700
)

// File adds a file written with v as its content, mode 0600. It does not
// mask v: a whole file is no useful mask, so mask the credentials in it
// (Mask) where they are made.
func (s *Set) File(path string, v Value, source string) error {
	return s.addFile(File{Path: path, Value: v, Mode: fileMode, Source: source})
}

// Executable adds a copy of the file at from (for example /proc/self/exe),
// mode 0700, so later steps can run it.
func (s *Set) Executable(path, from, source string) error {
	if from == "" {
		return &FileError{Path: path, Source: source, Reason: "no file to copy"}
	}
	return s.addFile(File{Path: path, From: from, Mode: executableMode, Source: source})
}

func (s *Set) addFile(f File) error {
	if !filepath.IsAbs(f.Path) || filepath.Clean(f.Path) != f.Path {
		return &FileError{Path: f.Path, Source: f.Source, Reason: "the path must be absolute and clean (no . or .. segments, no trailing /)"}
	}
	for _, have := range s.files {
		if have.Path == f.Path {
			return &CollisionError{Kind: kindFile, Name: f.Path, First: have.Source, Second: f.Source}
		}
	}
	s.files = append(s.files, f)
	return nil
}

// Files returns the files in the order they were added.
func (s *Set) Files() []File { return s.files }

// FileError is a file that cannot be added to a Set.
type FileError struct {
	Path, Source, Reason string
}

var _ error = (*FileError)(nil)

func (e *FileError) Error() string {
	return fmt.Sprintf("cannot write file %s (from %s): %s", e.Path, e.Source, e.Reason)
}

// Title is the annotation title.
func (e *FileError) Title() string { return "Cannot write file " + e.Path }
