package cli

import (
	"os"
	"strings"

	"github.com/federate-action/federate/internal/inputs"
	"github.com/federate-action/federate/internal/secretspec"
)

// stepEnv is the environment the pipeline reads: INPUT_<NAME> (upper-cased,
// hyphens kept, as the runner passes inputs) from the flags only, so plan
// validates them exactly as the action's; everything else (the token
// service's variables, AWS_*, proxies, the CI platform's variables) from
// the real environment.
func stepEnv(values map[string]string, flags []Flag, real func(string) string) func(string) string {
	in := map[string]string{}
	for _, f := range flags {
		if v, ok := values[f.Name]; ok && f.Input {
			in[inputEnvName(f.Name)] = v
		}
	}
	return func(name string) string {
		if strings.HasPrefix(name, "INPUT_") {
			return in[name]
		}
		switch name {
		case "GITHUB_ENV", "GITHUB_OUTPUT", "GITHUB_STATE", "GITHUB_STEP_SUMMARY":
			// The set is never committed from the command line; plan
			// still wants the file commands named, and a stray write
			// would go nowhere.
			return os.DevNull
		}
		return real(name)
	}
}

// inputEnvName is the variable the runner passes an input as.
func inputEnvName(name string) string {
	return "INPUT_" + strings.ToUpper(strings.ReplaceAll(name, " ", "_"))
}

// noFilesHint is what the command line says instead of writing a file.
const noFilesHint = "federate exec and env keep the credentials in memory and write no files; use role-to-assume (one role) and vault-secrets entries without `>`, or run the action in a workflow for profile files"

// refuseFiles refuses the inputs that write files (AWS profile files, a
// refresh setup, Vault secrets written to files): the command line puts
// nothing on disk. It runs before any request, so nothing is fetched for
// a run that would fail; a malformed input is left for plan to report.
func refuseFiles(getenv func(string) string) error {
	r := inputs.New(getenv)
	for _, name := range []string{"aws-profiles", "aws-profile"} {
		if v := r.String(name); v != "" {
			return &inputs.Error{Input: name, Value: v, Hint: noFilesHint}
		}
	}
	if refresh, err := r.Bool("refresh-credentials", false); err == nil && refresh {
		return &inputs.Error{Input: "refresh-credentials", Value: "true", Hint: noFilesHint}
	}
	specs, err := secretspec.Parse(r.String("vault-secrets"))
	if err != nil {
		return nil
	}
	for _, s := range specs {
		if s.ToFile {
			return &inputs.Error{Input: "vault-secrets", Value: s.Raw, Hint: noFilesHint}
		}
	}
	return nil
}
