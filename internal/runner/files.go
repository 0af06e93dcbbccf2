package runner

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/federate-action/federate/internal/export"
)

// dirMode is the mode of every directory the runner creates for a file:
// only the job's user may list or enter it.
const dirMode os.FileMode = 0o700

// created is what writeFiles made, so that a failed commit can take it all
// back: a failed step leaves no credentials file behind.
type created struct {
	files []string
	dirs  []string // in creation order: parents before children
	owner *owner   // who later steps run as; nil until an existing directory is seen
}

// owner is a uid and gid to hand what we create to. A container action
// runs as root, but later steps run as the runner's user on the host: a
// root-owned 0700 directory or 0600 file would be unreadable to them. The
// user they run as owns the directory the files go under (RUNNER_TEMP), so
// what we create goes to the owner of the nearest directory that already
// exists.
type owner struct{ uid, gid int }

// adopt records the owner of an existing directory, once.
func (c *created) adopt(info os.FileInfo) {
	if c.owner != nil {
		return
	}
	c.owner = ownerOf(info)
}

// handOver gives what chown changes to the owner, when we are root and
// the owner is someone else; another user could not chown, and needs not.
func (c *created) handOver(chown func(uid, gid int) error) error {
	if c.owner == nil || os.Geteuid() != 0 || c.owner.uid == 0 {
		return nil
	}
	return chown(c.owner.uid, c.owner.gid)
}

// writeFiles writes every file, creating missing directories. A path that
// already exists is refused (O_EXCL) and left as it is: it is not ours,
// and following a link planted there would write our credentials
// wherever it points. Each file is synced before the file commands that
// point later steps at it are written.
func writeFiles(files []export.File) (*created, error) {
	made := &created{}
	for _, f := range files {
		if err := made.mkdirAll(filepath.Dir(f.Path)); err != nil {
			return made, &WriteError{File: f.Path, Reason: err.Error()}
		}
		if err := made.write(f); err != nil {
			return made, &WriteError{File: f.Path, Reason: err.Error()}
		}
	}
	return made, nil
}

// mkdirAll creates dir and its missing parents with dirMode, recording
// each one it creates. A directory that exists is used as it is, through a
// link if it is one (RUNNER_TEMP may be): what keeps a planted link from
// redirecting our credentials is O_EXCL on the file itself.
func (c *created) mkdirAll(dir string) error {
	info, err := os.Stat(dir)
	if err == nil {
		if !info.IsDir() {
			return fmt.Errorf("%s is not a directory", dir)
		}
		c.adopt(info)
		return nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return err
	}
	if parent := filepath.Dir(dir); parent != dir {
		if err := c.mkdirAll(parent); err != nil {
			return err
		}
	}
	if err := os.Mkdir(dir, dirMode); err != nil {
		return err
	}
	c.dirs = append(c.dirs, dir)
	// The umask may have taken bits away; the mode is exactly dirMode.
	if err := os.Chmod(dir, dirMode); err != nil {
		return err
	}
	return c.handOver(func(uid, gid int) error { return os.Lchown(dir, uid, gid) })
}

// write creates one file and fills it from its Value or its From file.
func (c *created) write(f export.File) (err error) {
	var src io.Reader
	if f.From != "" {
		in, err := os.Open(f.From)
		if err != nil {
			return fmt.Errorf("reading the file to copy: %w", err)
		}
		defer func() { _ = in.Close() }()
		src = in
	}
	out, err := os.OpenFile(f.Path, os.O_CREATE|os.O_EXCL|os.O_WRONLY|createNoFollow, f.Mode)
	if err != nil {
		return err
	}
	c.files = append(c.files, f.Path)
	defer func() { err = errors.Join(err, out.Close()) }()
	if err := out.Chmod(f.Mode); err != nil {
		return err
	}
	if err := c.handOver(out.Chown); err != nil {
		return err
	}
	if src != nil {
		_, err = io.Copy(out, src)
	} else {
		_, err = io.WriteString(out, f.Value.Reveal())
	}
	if err != nil {
		return err
	}
	return out.Sync()
}

// remove deletes every file, then every directory (children first), that
// writeFiles created.
func (c *created) remove() error {
	var errs []error
	for _, p := range c.files {
		if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
			errs = append(errs, fmt.Errorf("could not remove %s: %w", p, err))
		}
	}
	for i := len(c.dirs) - 1; i >= 0; i-- {
		if err := os.Remove(c.dirs[i]); err != nil && !errors.Is(err, os.ErrNotExist) {
			errs = append(errs, fmt.Errorf("could not remove %s: %w", c.dirs[i], err))
		}
	}
	return errors.Join(errs...)
}
