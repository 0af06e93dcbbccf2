package app

import (
	"github.com/federate-action/federate/internal/mapping"
	"github.com/federate-action/federate/internal/runner"
)

// removeFilesDir deletes the step's directory of files (AWS profile files
// and Vault secret files, which share it) the main step saved in
// GITHUB_STATE, and reports whether there was one. The files hold
// credentials and secrets: they must not outlive the job on a self-hosted
// runner. A failure is a warning, naming the directory to delete.
func removeFilesDir(getenv func(string) string, out *runner.Runner) bool {
	dir := getenv("STATE_" + mapping.StateAWSFilesDir)
	if dir == "" {
		return false
	}
	if err := runner.RemoveFilesDir(dir, getenv("RUNNER_TEMP")); err != nil {
		out.Warningf("could not delete the AWS profile files and Vault secret files: %v; AWS credentials expire on their own, Vault secrets do not: delete the directory on a self-hosted runner", err)
		return true
	}
	out.Infof("federate: deleted the AWS profile files and Vault secret files in %s", dir)
	return true
}
