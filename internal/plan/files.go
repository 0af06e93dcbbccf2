package plan

import (
	"fmt"
	"path"

	"github.com/federate-action/federate/internal/inputs"
)

// FilesPlan is the step's one directory of files for later steps on the
// host: the AWS config files and the Vault secrets written to files
// (`path key > NAME`) share it, so the post step deletes one directory.
type FilesPlan struct {
	// TempDir is RUNNER_TEMP as the step sees it, and HostTempDir as later
	// steps see it (the runner-temp input); both set only when files are
	// needed. FilesDir and HostFilesDir are the step's own directory in
	// them, set by SetFilesDir once the caller has drawn the random suffix
	// (the plan does no I/O, so it draws nothing).
	TempDir, HostTempDir   string
	FilesDir, HostFilesDir string
}

// Needed reports whether the step writes files.
func (f *FilesPlan) Needed() bool { return f != nil && f.TempDir != "" }

// buildFiles finds where the files go, when either side writes any. The
// container sees the runner's temp directory at RUNNER_TEMP; later steps on
// the host see it at runner-temp (action.yml passes ${{ runner.temp }}); a
// binary run on the host directly sees one path, so without runner-temp
// the two are the same. Whether RUNNER_TEMP is a directory is checked by
// the caller that creates the files.
func buildFiles(r *inputs.Reader, p *Plan) error {
	p.Files = &FilesPlan{}
	var writers string
	switch {
	case p.AWS != nil && p.AWS.FilesNeeded():
		writers = "aws-profiles, aws-profile and refresh-credentials write AWS config files"
	case p.Vault != nil && p.Vault.FilesNeeded():
		writers = "vault-secrets entries written as `path key > NAME` write files"
	default:
		return nil
	}
	temp := r.Env("RUNNER_TEMP")
	if temp == "" || !cleanAbs(temp) {
		return &EnvError{Heading: "No runner temp directory",
			Message: fmt.Sprintf("%s to the runner's temp directory, but RUNNER_TEMP is %q: use runner 2.329 or later, which mounts it into the container, or set RUNNER_TEMP to an absolute directory for a local run", writers, temp)}
	}
	p.Files.TempDir, p.Files.HostTempDir = path.Clean(temp), path.Clean(temp)
	if host := r.String("runner-temp"); host != "" {
		if !cleanAbs(host) {
			return &inputs.Error{Input: "runner-temp", Value: host,
				Hint: "leave it unset: action.yml passes the runner's temp directory, an absolute path on the host"}
		}
		p.Files.HostTempDir = path.Clean(host)
	}
	// Both sides point at the one directory; a side of a plan that writes
	// no files keeps a nil FilesPlan.
	if p.AWS != nil {
		p.AWS.FilesPlan = p.Files
	}
	if p.Vault != nil {
		p.Vault.Files = p.Files
	}
	return nil
}

// validFilesSuffix reports whether s is 8 lowercase hex digits
// (^[0-9a-f]{8}$).
func validFilesSuffix(s string) bool {
	if len(s) != 8 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// SetFilesDir names the step's own directory in TempDir and HostTempDir:
// federate-SUFFIX, SUFFIX being 8 random hex digits the caller drew. It
// refuses a plan that writes no files, or another suffix shape.
func (f *FilesPlan) SetFilesDir(suffix string) error {
	if !f.Needed() {
		return fmt.Errorf("the plan writes no files")
	}
	if !validFilesSuffix(suffix) {
		return fmt.Errorf("files directory suffix %q is not 8 lowercase hex digits", suffix)
	}
	f.FilesDir = path.Join(f.TempDir, "federate-"+suffix)
	f.HostFilesDir = path.Join(f.HostTempDir, "federate-"+suffix)
	return nil
}
