package runner

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// filesDirPrefix starts the name of every directory of files a step
// writes under RUNNER_TEMP (federate-<random hex>).
const filesDirPrefix = "federate-"

// RemoveFilesDir deletes a directory of files a step wrote, for the post
// step. The path comes from GITHUB_STATE, which any earlier step of the
// job could have appended to, so it is removed only if it is a directory
// (not a link to one) directly under runnerTemp whose name starts with
// federate-: never a workspace, a home, or what a link points at.
func RemoveFilesDir(dir, runnerTemp string) error {
	if runnerTemp == "" || !filepath.IsAbs(runnerTemp) {
		return fmt.Errorf("not removing %s: RUNNER_TEMP is not an absolute path", dir)
	}
	name := filepath.Base(dir)
	if !filepath.IsAbs(dir) || filepath.Clean(dir) != dir || filepath.Dir(dir) != filepath.Clean(runnerTemp) ||
		!strings.HasPrefix(name, filesDirPrefix) || name == filesDirPrefix {
		return fmt.Errorf("not removing %s: it is not a %s* directory directly under RUNNER_TEMP (%s)", dir, filesDirPrefix, runnerTemp)
	}
	info, err := os.Lstat(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil // already gone: nothing left to protect
	}
	if err != nil {
		return err
	}
	if !info.IsDir() {
		return fmt.Errorf("not removing %s: it is not a directory (a link, or a file)", dir)
	}
	// RemoveAll removes links inside the directory, never what they point at.
	return os.RemoveAll(dir)
}
