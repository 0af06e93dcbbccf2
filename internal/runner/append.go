package runner

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"time"
)

// pending is one file command waiting to be written.
//
// The file may be shared: a step can run several processes that append to
// GITHUB_ENV at once (a matrix tool, `a & b & wait`, other copies of this
// action). Three rules keep every writer's entries whole:
//
//   - The whole text goes in ONE write(2) on an O_APPEND descriptor. Linux
//     places and writes it under the inode lock (on local file systems,
//     which the runner's file_commands directory is), so no other append lands
//     inside it; a write split in two could have another writer's line
//     between the halves.
//   - The file is locked with flock(2) from open to close, for writers that
//     take the lock too (flock(1) in a script, other copies of this
//     action): their multi-write entries and ours never interleave. Writers
//     that do not lock (the toolkit, `echo >>`) are not held up, and the
//     other two rules do not depend on the lock.
//   - A failed commit never truncates: others may have appended after our
//     bytes, and a truncate would cut their entries (or leave one of their
//     heredocs open, which makes the runner reject the whole file). It
//     overwrites exactly the bytes it wrote, in place, with newlines: the
//     runner skips empty lines, so the file reads as if we had never
//     written, the secrets are gone from disk, and no other byte moves.
type pending struct {
	name string // GITHUB_ENV, GITHUB_OUTPUT or GITHUB_STATE (or two of them: see sameFileOnce)
	path string
	text string
	f    *os.File // O_APPEND, locked: where text is written
	// undo is the same file opened without O_APPEND, to overwrite our bytes
	// in place (Linux's pwrite ignores the offset on an O_APPEND descriptor).
	// Nil for a pipe or a device, where nothing written can be taken back.
	undo       *os.File
	start, end int64 // the bytes this commit wrote, once it has
}

// defaultLockWait bounds the wait for another writer's lock: one that holds it
// longer is stuck, and the step fails rather than hang or interleave.
const defaultLockWait = 10 * time.Second

func (p *pending) open(lockWait time.Duration) error {
	if p.text == "" {
		return nil
	}
	path := p.path
	if path == "" {
		return &WriteError{File: p.name, Reason: "the variable is not set: run inside GitHub Actions, or point it at a file for a local run"}
	}
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		return &WriteError{File: p.name, Reason: err.Error()}
	}
	p.f = f
	info, err := f.Stat()
	if err != nil {
		return &WriteError{File: p.name, Reason: err.Error()}
	}
	if !info.Mode().IsRegular() {
		return nil
	}
	if err := lock(f, lockWait); err != nil {
		return &WriteError{File: p.name, Reason: err.Error() + "; nothing was written"}
	}
	undo, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return &WriteError{File: p.name, Reason: err.Error()}
	}
	p.undo = undo
	if undoInfo, err := undo.Stat(); err != nil || !os.SameFile(info, undoInfo) {
		return &WriteError{File: p.name, Reason: "the file was replaced while it was being opened"}
	}
	return nil
}

// write appends the text with one write call and records where it went.
// A short write is a failure: the rest cannot follow in a second call
// without another writer's bytes possibly landing in between.
func (p *pending) write() error {
	if p.f == nil {
		return nil
	}
	n, err := appendOnce(p.f, []byte(p.text))
	if n > 0 && p.undo != nil {
		// On an O_APPEND descriptor the offset after a write is the end of
		// what that write appended, wherever other writers had got to.
		end, serr := p.f.Seek(0, io.SeekCurrent)
		if serr != nil {
			return &WriteError{File: p.name, Reason: "cannot tell where the entries went, so they cannot be undone: " + serr.Error()}
		}
		p.start, p.end = end-int64(n), end
	}
	if err == nil && n < len(p.text) {
		err = fmt.Errorf("short write: %d of %d bytes (disk full?)", n, len(p.text))
	}
	if err != nil {
		return &WriteError{File: p.name, Reason: err.Error()}
	}
	return nil
}

// blank overwrites the bytes this commit wrote with newlines. Only what
// is still there: a writer that does not merely append (`> $GITHUB_ENV`)
// may have shortened the file since, and writing past its end would leave
// a hole of NUL bytes, a line the runner rejects.
func (p *pending) blank() error {
	if p.end <= p.start || p.undo == nil {
		return nil
	}
	info, err := p.undo.Stat()
	if err != nil {
		return &WriteError{File: p.name, Reason: "could not undo a partial write: " + err.Error()}
	}
	end := min(p.end, info.Size())
	if end <= p.start {
		p.start, p.end = 0, 0
		return nil // another writer already cut our bytes off
	}
	if _, err := p.undo.WriteAt(bytes.Repeat([]byte{'\n'}, int(end-p.start)), p.start); err != nil {
		return &WriteError{File: p.name, Reason: "could not undo a partial write: " + err.Error()}
	}
	p.start, p.end = 0, 0
	return nil
}

// sameFileOnce folds the file commands that name one file into one: a
// local run may point GITHUB_ENV and GITHUB_OUTPUT at the same file, and
// since a flock belongs to an open file, opening it a second time would
// wait on our own lock. The folded text still goes in one write.
func sameFileOnce(files []*pending) []*pending {
	var out []*pending
	var infos []os.FileInfo
next:
	for _, p := range files {
		info, err := os.Stat(p.path)
		if p.text != "" && p.path != "" && err == nil {
			for i, q := range out {
				if q.text != "" && infos[i] != nil && os.SameFile(infos[i], info) {
					q.name += " and " + p.name
					q.text += p.text
					continue next
				}
			}
		} else {
			info = nil
		}
		out = append(out, p)
		infos = append(infos, info)
	}
	return out
}

// close closes both descriptors, which releases the lock.
func (p *pending) close() {
	for _, f := range []*os.File{p.undo, p.f} {
		if f != nil {
			_ = f.Close()
		}
	}
}

// undo blanks out what this commit wrote to every file.
func undo(files []*pending) error {
	var errs []error
	for _, p := range files {
		errs = append(errs, p.blank())
	}
	return errors.Join(errs...)
}
