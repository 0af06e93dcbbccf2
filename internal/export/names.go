package export

import "regexp"

// Names later steps can use: an env var name a shell can expand, and an
// output name an expression can reference (outputs may hold '-', as
// aws-account-id does). Plain ASCII: the runner and shells agree on no more.
var (
	envName    = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	outputName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_-]*$`)
)

// ValidEnvName reports whether name can be exported as an env var.
func ValidEnvName(name string) bool { return envName.MatchString(name) }

// ValidOutputName reports whether name can be set as a step output.
func ValidOutputName(name string) bool { return outputName.MatchString(name) }

// refusedEnv lists names the runner refuses to take from GITHUB_ENV.
var refusedEnv = map[string]bool{"NODE_OPTIONS": true}

// RunnerRefuses reports whether the runner refuses to set name as an env
// var from a step, valid as the name is.
func RunnerRefuses(name string) bool { return refusedEnv[name] }
