package mapping

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/federate-action/federate/internal/export"
	"github.com/federate-action/federate/internal/plan"
	"github.com/federate-action/federate/internal/secret"
	"github.com/federate-action/federate/internal/secretspec"
)

// secretsDir is the subdirectory of the step's files directory that holds
// the Vault secrets written to files, apart from the AWS config files.
const secretsDir = "secrets"

// vaultFile adds the file of an entry written as `path key > NAME`: the
// value, mode 0600, in the step's files directory, and NAME (env and
// output, as any entry) set to the file's path on the host. The value is
// masked (as a whole and its JSON leaves) and is never put in env or
// outputs. NAME is a valid env name (Parse checks it), so it is a safe
// file name; two entries of one NAME are refused by the export.
func vaultFile(set *export.Set, p *plan.VaultPlan, s secretspec.Spec, text string, v any, source string, add addFunc) error {
	if !p.Files.Needed() || p.Files.FilesDir == "" {
		return fmt.Errorf("vault-secrets entry %d writes a file, but the step has no files directory", s.Entry)
	}
	set.Mask(secret.New(text))
	maskLeaves(set, v)
	if err := set.File(filepath.Join(p.Files.FilesDir, secretsDir, s.Name), export.Secret(secret.New(text)), source); err != nil {
		return err
	}
	if err := add(s.EnvName(), s.OutputName(), filepath.Join(p.Files.HostFilesDir, secretsDir, s.Name), source, true); err != nil {
		return err
	}
	return filesState(set, p.Files.FilesDir, source)
}

// filesState hands the post step the files directory to delete, unless
// the AWS side already has: both sides share one directory and one state.
func filesState(set *export.Set, dir, source string) error {
	for _, v := range set.StateVars() {
		if v.Name == StateAWSFilesDir {
			return nil
		}
	}
	return set.State(StateAWSFilesDir, export.Public(dir), source)
}

// unmaskedValue is a value exported unmasked (vault-unmasked).
type unmaskedValue struct {
	name, source, text string
}

// minContainedMask is the shortest mask an unmasked value is refused for
// containing; shorter masks (a JSON secret's "a" or "80") would refuse
// nearly every value, and a value equal to one is refused whatever its
// length.
const minContainedMask = 4

// checkUnmasked refuses an unmasked value that equals or contains a value
// masked elsewhere in the step (another secret, a token, a credential):
// its output is handed to other jobs as it is, secret inside, whatever the
// log masks. masked are secrets the set does not hold.
func checkUnmasked(set *export.Set, masked []secret.String, values []unmaskedValue) error {
	if len(values) == 0 {
		return nil
	}
	var units []string
	for _, m := range append(set.Masks(), masked...) {
		for _, u := range m.MaskUnits() {
			// An object's value is exported as JSON text, where a leaf
			// holding " or \ or a control character appears escaped: the
			// escaped form carries the secret as surely as the plain one.
			units = append(units, u, jsonEscaped(u))
		}
	}
	for _, v := range values {
		for _, u := range units {
			if v.text == u || (len(u) >= minContainedMask && strings.Contains(v.text, u)) {
				return &UnmaskedError{Name: v.name, Source: v.source}
			}
		}
	}
	return nil
}

// jsonEscaped is s as it appears inside a JSON string.
func jsonEscaped(s string) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a string always encodes
	out := strings.TrimSuffix(b.String(), "\n")
	return strings.TrimSuffix(strings.TrimPrefix(out, `"`), `"`)
}

// UnmaskedError is a vault-unmasked value that holds a secret masked
// elsewhere in the step. It names the entry, never the value.
type UnmaskedError struct {
	Name, Source string
}

func (e *UnmaskedError) Error() string {
	return fmt.Sprintf("vault-unmasked names %s, but the value of %s equals or contains a secret masked elsewhere in this step: it would hand that secret to later steps and jobs unmasked; remove %s from vault-unmasked", e.Name, e.Source, e.Name)
}

// Title is the annotation title.
func (e *UnmaskedError) Title() string { return "Unmasked value holds a secret" }
