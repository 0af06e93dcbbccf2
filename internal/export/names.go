package export

import (
	"strings"
	"unicode"
)

// Names later steps can use: an env var name a shell can expand
// (^[A-Za-z_][A-Za-z0-9_]*$), and an output name an expression can
// reference (^[A-Za-z_][A-Za-z0-9_-]*$: outputs may hold '-', as
// aws-account-id does). Plain ASCII: the runner and shells agree on no
// more. Checked by hand, not with regular expressions: every export's
// names are checked, and the expressions cost a compilation at start-up
// and a backtracking match per name.

// ValidEnvName reports whether name has the form of an env var name. The
// runner may still refuse it: CheckEnvName applies both rules.
func ValidEnvName(name string) bool { return validName(name, false) }

// ValidOutputName reports whether name can be set as a step output.
func ValidOutputName(name string) bool { return validName(name, true) }

// validName reports whether name is a letter or '_' followed by letters,
// digits, '_' and, if dash, '-', all ASCII.
func validName(name string, dash bool) bool {
	if name == "" || isDigit(name[0]) || name[0] == '-' {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(isLetter(c) || isDigit(c) || c == '_' || dash && c == '-') {
			return false
		}
	}
	return true
}

func isLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// refusedEnv lists the names the runner drops from GITHUB_ENV
// (SetEnvFileCommand's _setEnvBlockList). It drops them with an annotation
// only, so the step stays green with part of its export missing: we refuse
// them before anything is written instead.
var refusedEnv = []string{"NODE_OPTIONS"}

// RunnerRefuses reports whether the runner refuses to set name as an env var
// from a step. The runner compares with
// string.Equals(blocked, name, StringComparison.OrdinalIgnoreCase), so
// node_options and Node_Options are refused too. Names that pass
// ValidEnvName are ASCII, where OrdinalIgnoreCase is ASCII case folding.
func RunnerRefuses(name string) bool {
	for _, refused := range refusedEnv {
		if equalFoldASCII(refused, name) {
			return true
		}
	}
	return false
}

// equalFoldASCII compares a and b ignoring the case of ASCII letters only:
// strings.EqualFold would also match the Kelvin sign to k, which
// OrdinalIgnoreCase does not.
func equalFoldASCII(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		if lowerASCII(a[i]) != lowerASCII(b[i]) {
			return false
		}
	}
	return true
}

func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// The reasons a name is refused, shared by every caller so that a
// vault-secrets entry and an export explain a name the same way.
const (
	reasonEmpty    = "it is empty"
	reasonDigit    = "it starts with a digit"
	reasonNonASCII = "it holds letters other than A-Z and a-z, which later steps cannot use"
	reasonEnvChars = "use only letters, digits and '_', not starting with a digit"
	reasonOutChars = "use only letters, digits, '_' and '-', not starting with a digit"
	reasonRefused  = "the runner refuses to set NODE_OPTIONS from a step, whatever its letter case, and would drop it with the step still green"
)

// CheckEnvName returns a *NameError if name cannot be exported as an env
// var: it must have the form ValidEnvName accepts, and the runner must not
// refuse it (RunnerRefuses). Set.Env applies this rule; secretspec applies
// it to vault-secrets names before any request.
func CheckEnvName(name string) error { return orNil(envNameError(name)) }

// CheckOutputName returns a *NameError if name cannot be set as a step
// output.
func CheckOutputName(name string) error { return orNil(outputNameError(name)) }

// CheckStateName returns a *NameError if name cannot be saved for the post
// step.
func CheckStateName(name string) error { return orNil(stateNameError(name)) }

// orNil keeps a nil *NameError from becoming a non-nil error.
func orNil(e *NameError) error {
	if e == nil {
		return nil
	}
	return e
}

func envNameError(name string) *NameError {
	if !ValidEnvName(name) {
		return &NameError{Kind: kindEnv, Name: name, Reason: invalidReason(name, reasonEnvChars)}
	}
	if RunnerRefuses(name) {
		return &NameError{Kind: kindEnv, Name: name, Reason: reasonRefused, Refused: true}
	}
	return nil
}

func outputNameError(name string) *NameError {
	if !ValidOutputName(name) {
		return &NameError{Kind: kindOutput, Name: name, Reason: invalidReason(name, reasonOutChars)}
	}
	return nil
}

// stateNameError applies the output rule: the post step reads the value
// as the env var STATE_<name>, which Go reads whatever its characters, and
// a '-' is in use (vault-token).
func stateNameError(name string) *NameError {
	if !ValidOutputName(name) {
		return &NameError{Kind: kindState, Name: name, Reason: invalidReason(name, reasonOutChars)}
	}
	return nil
}

// invalidReason says why name does not have the form of a name, as
// precisely as the cases users meet (a key such as "123" or "пароль").
func invalidReason(name, chars string) string {
	if name == "" {
		return reasonEmpty
	}
	first := []rune(name)[0]
	if unicode.IsNumber(first) {
		return reasonDigit
	}
	for _, r := range name {
		if r > unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsNumber(r)) {
			return reasonNonASCII
		}
	}
	return chars
}

// runsCode lists env names that change what later steps run or load:
// shells, the dynamic linker, language runtimes, git, and the runner's
// own variables. A wildcard entry (`secret/data/app *`) lets whoever can
// write a key into the secret choose the name, so such a key could run
// code in every later step of the job; CheckKeyEnvName refuses them.
var (
	runsCode = map[string]bool{
		"PATH": true, "HOME": true, "TMPDIR": true, "IFS": true, "ENV": true, "BASH_ENV": true,
		"SHELLOPTS": true, "BASHOPTS": true, "PS4": true, "PROMPT_COMMAND": true,
		"PYTHONPATH": true, "PYTHONHOME": true, "PYTHONSTARTUP": true, "PERL5OPT": true, "PERL5LIB": true,
		"PERLLIB": true, "RUBYOPT": true, "RUBYLIB": true, "NODE_PATH": true,
		"JAVA_TOOL_OPTIONS": true, "_JAVA_OPTIONS": true, "JDK_JAVA_OPTIONS": true, "SSH_ASKPASS": true,
	}
	runsCodePrefixes = []string{"LD_", "DYLD_", "BASH_FUNC_", "GIT_", "GITHUB_", "ACTIONS_", "RUNNER_"}
)

const reasonRunsCode = "it changes what later steps run or load, and a key of a Vault secret must not choose it"

// CheckKeyEnvName is CheckEnvName for a name derived from a key of a
// secret read with `*` or `**`: it also refuses the names in runsCode. A
// name the user writes (`| PATH`) is the user's choice; a key is whoever
// wrote the secret's.
func CheckKeyEnvName(name string) error {
	if e := envNameError(name); e != nil {
		return e
	}
	upper := strings.ToUpper(name)
	hit := runsCode[upper]
	for _, p := range runsCodePrefixes {
		hit = hit || strings.HasPrefix(upper, p)
	}
	if hit {
		return &NameError{Kind: kindEnv, Name: name, Reason: reasonRunsCode}
	}
	return nil
}
