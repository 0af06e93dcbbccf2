package plan

import (
	"path/filepath"
	"strings"

	"github.com/federate-action/federate/internal/inputs"
	"github.com/federate-action/federate/internal/redact"
)

// tokenFile resolves web-identity-token-file: a relative path is taken
// from the workspace, as configure-aws-credentials does, and the result
// must lie in the workspace or in the runner's temp directory (RUNNER_TEMP):
// a "../" or an absolute path elsewhere would let the input read any file
// the container can see. It returns the clean path and the directory it
// lies in; whether anything below that directory is a link is checked on
// every read (idtoken.File), since that can change.
func tokenFile(file, workspace, runnerTemp string) (path, root string, err error) {
	if workspace == "" {
		return "", "", &inputs.Error{Input: "web-identity-token-file", Value: file,
			Hint: "GITHUB_WORKSPACE is not set, so there is no workspace for the file to be in: run the step in a workflow, or set GITHUB_WORKSPACE to the directory that holds the file"}
	}
	path = filepath.Clean(file)
	if !filepath.IsAbs(path) {
		path = filepath.Join(workspace, path)
	}
	for _, dir := range []string{workspace, runnerTemp} {
		if dir != "" && within(path, filepath.Clean(dir)) {
			return path, filepath.Clean(dir), nil
		}
	}
	allowed := "the workspace (" + workspace + ")"
	if runnerTemp != "" {
		allowed += " or RUNNER_TEMP (" + runnerTemp + ")"
	}
	return "", "", &inputs.Error{Input: "web-identity-token-file", Value: file,
		Hint: "give a file inside " + allowed + ", as a path relative to the workspace or an absolute one; it resolves to " + redact.Shorten(path) + ", outside them"}
}

// within reports whether the clean path lies strictly below dir.
func within(path, dir string) bool {
	rel, err := filepath.Rel(dir, path)
	return err == nil && rel != "." && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}
