package app

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/federate-action/federate/internal/export"
	"github.com/federate-action/federate/internal/plan"
	"github.com/federate-action/federate/internal/runner"
	"github.com/federate-action/federate/internal/secret"
	"github.com/federate-action/federate/internal/secretspec"
	"github.com/federate-action/federate/internal/vault"
)

// KeyError is a selector that matches nothing in a secret that exists.
type KeyError struct {
	Spec secretspec.Spec
	Keys []string
}

func (e *KeyError) Error() string {
	return fmt.Sprintf("vault-secrets entry %d (%s): %s has no %s; its keys are: %s",
		e.Spec.Entry, e.Spec.Raw, e.Spec.Path, e.Spec.Selector.Text, strings.Join(e.Keys, ", "))
}

// Title is the annotation title.
func (e *KeyError) Title() string { return "Vault secret has no such key" }

// exportVault adds every selected value (env and output, as vault-action
// does) and, if asked, the token.
func exportVault(set *export.Set, p *plan.VaultPlan, r vaultResult, out *runner.Runner) error {
	var env, outputs []string
	add := func(envName, outName string, v export.Value, source string) error {
		if err := set.Output(outName, v, source); err != nil {
			return err
		}
		outputs = append(outputs, outName)
		if p.ExportEnv {
			env = append(env, envName)
			return set.Env(envName, v, source)
		}
		return nil
	}
	for _, s := range p.Specs {
		source := fmt.Sprintf("vault-secrets entry %d (%s)", s.Entry, s.Raw)
		sec := r.secrets[s.Path]
		if !sec.Found {
			if p.IgnoreNotFound {
				out.Infof("Skipping %s: not found (vault-ignore-not-found)", s.Path)
				continue
			}
			return &vault.ReadError{Path: s.Path, APIPath: sec.APIPath, NotFound: true}
		}
		if s.Selector.Wildcard != secretspec.None {
			for _, key := range sortedKeys(sec.Data) {
				text, err := vault.Text(sec.Data[key], p.Encoding)
				if err != nil {
					return err
				}
				envName, outName := s.WildcardNames(key)
				keySource := fmt.Sprintf("%s, key %q", source, key)
				if err := add(envName, outName, export.Secret(secret.New(text)), keySource); err != nil {
					var bad *export.NameError
					if errors.As(err, &bad) {
						return &KeyNameError{Spec: s, Key: key, Err: bad}
					}
					return err
				}
				maskLeaves(set, sec.Data[key])
			}
			continue
		}
		v, ok := s.Selector.Eval(sec.Data)
		if !ok {
			if p.IgnoreNotFound {
				out.Infof("Skipping %s %s: no such key (vault-ignore-not-found)", s.Path, s.Selector.Text)
				continue
			}
			return &KeyError{Spec: s, Keys: sortedKeys(sec.Data)}
		}
		text, err := vault.Text(v, p.Encoding)
		if err != nil {
			return err
		}
		if err := add(s.EnvName(), s.OutputName(), export.Secret(secret.New(text)), source); err != nil {
			return err
		}
		maskLeaves(set, v)
	}
	if p.ExportToken {
		if err := set.Env("VAULT_TOKEN", export.Secret(r.token), "vault-export-token"); err != nil {
			return err
		}
		if err := set.Env("VAULT_ADDR", export.Public(p.Address), "vault-export-token"); err != nil {
			return err
		}
		env = append(env, "VAULT_TOKEN", "VAULT_ADDR")
	}
	if p.OutputToken {
		if err := set.Output("vault-token", export.Secret(r.token), "vault-output-token"); err != nil {
			return err
		}
		outputs = append(outputs, "vault-token")
	}
	if postRevokes(p, r) {
		if err := set.State(stateVaultToken, export.Secret(r.token), "Vault leases"); err != nil {
			return err
		}
		out.Infof("Keeping the Vault token until the job ends: revoking it now would revoke the leases of %s; the post step revokes it",
			strings.Join(r.leasedPaths(), ", "))
	}
	summarizeVault(set, p, r, env, outputs)
	return nil
}

// KeyNameError is a key of a wildcard entry whose derived name later
// steps could not use. It wraps the export rule's error with the key.
type KeyNameError struct {
	Spec secretspec.Spec
	Key  string
	Err  *export.NameError
}

func (e *KeyNameError) Error() string {
	return fmt.Sprintf("vault-secrets entry %d (%s): key %q of %s cannot be exported as %s %q: %s; read it with its own entry and `| NAME`",
		e.Spec.Entry, e.Spec.Raw, e.Key, e.Spec.Path, e.Err.Kind, e.Err.Name, e.Err.Reason)
}

// Unwrap returns the export rule's error.
func (e *KeyNameError) Unwrap() error { return e.Err }

// Title is the annotation title.
func (e *KeyNameError) Title() string { return "Invalid input vault-secrets" }

// maskLeaves masks every string inside an object or array value as well:
// the whole JSON text is masked, but a later step that prints one field
// of it would otherwise show that field (vault-action masks JSON only as a
// whole).
func maskLeaves(set *export.Set, v any) {
	switch x := v.(type) {
	case map[string]any:
		for _, item := range x {
			maskLeaves(set, item)
		}
	case []any:
		for _, item := range x {
			maskLeaves(set, item)
		}
	case string:
		set.Mask(secret.New(x))
	}
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func summarizeVault(set *export.Set, p *plan.VaultPlan, r vaultResult, env, outputs []string) {
	token := "revoked at the end of the step"
	switch {
	case p.Method == "token":
		token = "the given token (not revoked)"
	case p.ExportToken || p.OutputToken:
		token = "kept: exported for later steps"
	case postRevokes(p, r):
		token = "revoked at the end of the job (it holds the leases of dynamic secrets)"
	}
	set.Summary("### federate: Vault secrets")
	set.Summary("")
	set.Summary("| | |")
	set.Summary("|---|---|")
	set.Summary("| Vault | " + p.Address + " |")
	set.Summary(fmt.Sprintf("| Login | %s at `auth/%s`%s |", p.Method, p.Mount, roleSuffix(p)))
	set.Summary("| Paths read | " + codeList(distinctPaths(p.Specs)) + " |")
	set.Summary("| Env vars | " + codeList(env) + " |")
	set.Summary("| Outputs | " + codeList(outputs) + " |")
	set.Summary("| Token | " + token + " |")
	set.Summary("")
}
