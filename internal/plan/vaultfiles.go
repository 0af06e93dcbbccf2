package plan

import (
	"fmt"
	"strings"

	"github.com/federate-action/federate/internal/inputs"
	"github.com/federate-action/federate/internal/secretspec"
)

// FilesNeeded reports whether an entry writes its value to a file
// (`path key > NAME`).
func (v *VaultPlan) FilesNeeded() bool {
	for _, s := range v.Specs {
		if s.ToFile {
			return true
		}
	}
	return false
}

// tokenNames are what vault-export-token and vault-output-token export:
// the token is never unmasked.
var tokenNames = map[string]bool{"VAULT_TOKEN": true, "vault-token": true}

// unmaskedNames reads vault-unmasked: one export name a line, each one an
// entry exports (its env or output name). A wildcard entry's names depend
// on the secret's keys, so a name it could export (its prefix, derived as
// its names are) is accepted too. A secret file's name is refused (it
// holds a path, which is not masked anyway, and unmasking it reads as if
// the value were), and so is the token's.
func unmaskedNames(r *inputs.Reader, v *VaultPlan) (map[string]bool, error) {
	names := r.Lines("vault-unmasked")
	if len(names) == 0 {
		return nil, nil
	}
	unmasked := map[string]bool{}
	for _, name := range names {
		if tokenNames[name] {
			return nil, &inputs.Error{Input: "vault-unmasked", Value: name,
				Hint: "the Vault token is always masked: remove it from vault-unmasked"}
		}
		if pkiName(v.PKI, name) {
			return nil, &inputs.Error{Input: "vault-unmasked", Value: name,
				Hint: "a vault-pki certificate's parts, its private key among them, are always masked: remove it from vault-unmasked"}
		}
		s, ok := exportingSpec(v.Specs, name)
		switch {
		case !ok:
			return nil, &inputs.Error{Input: "vault-unmasked", Value: name,
				Hint: "no vault-secrets entry exports this name: list the env or output name of an entry (e.g. `secret/data/ci region | REGION` exports REGION), one per line"}
		case s.ToFile:
			return nil, &inputs.Error{Input: "vault-unmasked", Value: name,
				Hint: fmt.Sprintf("vault-secrets entry %d writes its value to a file (`>`): a file's value stays masked, and its path is not masked anyway; remove %s from vault-unmasked", s.Entry, name)}
		}
		unmasked[name] = true
	}
	return unmasked, nil
}

// pkiName reports whether a vault-pki entry exports name.
func pkiName(pki []secretspec.PKISpec, name string) bool {
	for _, s := range pki {
		for _, part := range secretspec.PKIParts {
			if env, out := s.Names(part); name == env || name == out {
				return true
			}
		}
	}
	return false
}

// exportingSpec finds the entry that exports name, or a wildcard entry
// that could.
func exportingSpec(specs []secretspec.Spec, name string) (secretspec.Spec, bool) {
	for _, s := range specs {
		if s.Selector.Wildcard == secretspec.None && (s.EnvName() == name || s.OutputName() == name) {
			return s, true
		}
	}
	for _, s := range specs {
		if s.Selector.Wildcard == secretspec.None {
			continue
		}
		// Without a prefix (`path *`), the entry's names are whatever keys
		// the secret holds: nothing to check a name against before the
		// read, and every name would match. Such names cannot be unmasked.
		prefix := secretspec.DeriveName(s.Name)
		if prefix == "" {
			continue
		}
		if strings.HasPrefix(name, prefix) || strings.HasPrefix(name, strings.ToUpper(prefix)) {
			return s, true
		}
	}
	return secretspec.Spec{}, false
}
