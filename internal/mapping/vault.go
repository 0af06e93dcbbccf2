package mapping

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/federate-action/federate/internal/export"
	"github.com/federate-action/federate/internal/plan"
	"github.com/federate-action/federate/internal/secret"
	"github.com/federate-action/federate/internal/secretspec"
	"github.com/federate-action/federate/internal/vault"
)

// StateVaultToken names the GITHUB_STATE entry that hands the post step a
// token to revoke; the post step reads it as STATE_vault-token.
const StateVaultToken = "vault-token"

// VaultResult is what the Vault side fetched, and what became of its token.
type VaultResult struct {
	Secrets map[string]vault.Secret // by path as the user wrote it
	// Certificates are the issued certificates, in the order of the
	// plan's PKI entries.
	Certificates []vault.Certificate
	Token        secret.String
	// LeasedPaths are the paths read as dynamic secrets; when PostRevokes
	// is set, their leases keep the token alive until the post step.
	LeasedPaths []string
	PostRevokes bool
	// Batch is a batch token, which Vault cannot revoke: it expires at the
	// end of its TTL.
	Batch bool
	// Masked are the step's other secrets that are masked in the log but
	// not exported (the runner's request token, the environment's AWS
	// keys): no vault-unmasked value may hold one, nor any of the login's
	// credentials, which Vault takes from the plan itself.
	Masked []secret.String
}

// exported records the names one side set, for the summary.
type exported struct{ env, outputs []string }

// Vault adds every selected value (env and output, as vault-action does)
// and, if asked, the token, then the summary. The notes are log lines for
// the caller to print (entries skipped under vault-ignore-not-found, a
// token kept for the post step), returned with an error too.
func Vault(set *export.Set, p *plan.VaultPlan, r VaultResult) (notes []string, err error) {
	var names exported
	var unmasked []unmaskedValue
	add := func(envName, outName, text, source string, isPath bool) error {
		v := export.Secret(secret.New(text))
		switch {
		case isPath:
			v = export.Public(text) // a secret file's path: the value is in the file
		case p.Unmasked[envName] || p.Unmasked[outName]:
			v = export.Public(text)
			unmasked = append(unmasked, unmaskedValue{name: outName, source: source, text: text})
		}
		if err := set.Output(outName, v, source); err != nil {
			return err
		}
		names.outputs = append(names.outputs, outName)
		if p.ExportEnv {
			names.env = append(names.env, envName)
			return set.Env(envName, v, source)
		}
		return nil
	}
	for _, s := range p.Specs {
		note, err := vaultEntry(set, p, s, r.Secrets[s.Path], add)
		if note != "" {
			notes = append(notes, note)
		}
		if err != nil {
			return notes, err
		}
	}
	if err := vaultPKI(p, r.Certificates, add); err != nil {
		return notes, err
	}
	if p.ExportToken {
		if err := set.Env("VAULT_TOKEN", export.Secret(r.Token), "vault-export-token"); err != nil {
			return nil, err
		}
		if err := set.Env("VAULT_ADDR", export.Public(p.Address), "vault-export-token"); err != nil {
			return nil, err
		}
		names.env = append(names.env, "VAULT_TOKEN", "VAULT_ADDR")
	}
	if p.OutputToken {
		if err := set.Output("vault-token", export.Secret(r.Token), "vault-output-token"); err != nil {
			return nil, err
		}
		names.outputs = append(names.outputs, "vault-token")
	}
	if r.PostRevokes {
		if err := set.State(StateVaultToken, export.Secret(r.Token), "Vault leases"); err != nil {
			return nil, err
		}
		notes = append(notes, fmt.Sprintf("Keeping the Vault token until the job ends: revoking it now would revoke the leases of %s; the post step revokes it",
			strings.Join(r.LeasedPaths, ", ")))
	}
	if err := checkUnmasked(set, append(append([]secret.String{r.Token}, p.LoginSecrets()...), r.Masked...), unmasked); err != nil {
		return notes, err
	}
	summarizeVault(set, p, r, names)
	return notes, nil
}

// addFunc exports one value under its env and output names, masked unless
// vault-unmasked names it, or the path of a secret file (isPath), which
// is not masked.
type addFunc func(envName, outName, text, source string, isPath bool) error

// vaultEntry exports what one vault-secrets entry selects, or returns a
// note when vault-ignore-not-found skips it.
func vaultEntry(set *export.Set, p *plan.VaultPlan, s secretspec.Spec, sec vault.Secret, add addFunc) (note string, err error) {
	source := fmt.Sprintf("vault-secrets entry %d (%s)", s.Entry, s.Raw)
	if !sec.Found {
		if p.IgnoreNotFound {
			return fmt.Sprintf("Skipping %s: not found (vault-ignore-not-found)", s.Path), nil
		}
		return "", &vault.ReadError{Path: s.Path, APIPath: sec.APIPath, NotFound: true}
	}
	if s.Selector.Wildcard != secretspec.None {
		for _, key := range sortedKeys(sec.Data) {
			text, err := vault.Text(sec.Data[key], p.Encoding)
			if err != nil {
				return "", err
			}
			envName, outName := s.WildcardNames(key)
			keySource := fmt.Sprintf("%s, key %q", source, key)
			var bad *export.NameError
			if err := export.CheckKeyEnvName(envName); p.ExportEnv && errors.As(err, &bad) {
				return "", &KeyNameError{Spec: s, Key: key, Err: bad}
			}
			if err := add(envName, outName, text, keySource, false); err != nil {
				if errors.As(err, &bad) {
					return "", &KeyNameError{Spec: s, Key: key, Err: bad}
				}
				return "", err
			}
			if !p.Unmasked[envName] && !p.Unmasked[outName] {
				maskLeaves(set, sec.Data[key])
			}
		}
		return "", nil
	}
	v, ok, err := s.Selector.Select(sec.Data)
	if err != nil {
		return "", fmt.Errorf("%s: %w", source, err)
	}
	if !ok {
		if p.IgnoreNotFound {
			return fmt.Sprintf("Skipping %s %s: no such key (vault-ignore-not-found)", s.Path, s.Selector.Text), nil
		}
		return "", &KeyError{Spec: s, Keys: sortedKeys(sec.Data)}
	}
	text, err := vault.Text(v, p.Encoding)
	if err != nil {
		return "", err
	}
	if s.ToFile {
		return "", vaultFile(set, p, s, text, v, source, add)
	}
	if err := add(s.EnvName(), s.OutputName(), text, source, false); err != nil {
		return "", err
	}
	if !p.Unmasked[s.EnvName()] && !p.Unmasked[s.OutputName()] {
		maskLeaves(set, v)
	}
	return "", nil
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func summarizeVault(set *export.Set, p *plan.VaultPlan, r VaultResult, names exported) {
	token := "revoked at the end of the step"
	switch {
	case p.Method == "token":
		token = "the given token (not revoked)"
	case p.ExportToken || p.OutputToken:
		token = "kept: exported for later steps"
	case r.Batch:
		token = "a batch token: Vault cannot revoke it, so it expires at the end of its TTL"
	case r.PostRevokes:
		token = "revoked at the end of the job (it holds the leases of dynamic secrets)"
	}
	role := ""
	if p.LoginRole() != "" {
		role = ", role " + p.LoginRole()
	}
	rows := [][2]string{
		{"Vault", p.Address},
		{"Login", fmt.Sprintf("%s at `auth/%s`%s", p.Method, p.Mount, role)},
		{"Paths read", codeList(p.Paths())},
	}
	if len(p.PKI) > 0 {
		rows = append(rows, [2]string{"Certificates", pkiSummary(p, r.Certificates)})
	}
	table(set, "Vault secrets", append(rows, [][2]string{
		{"Env vars", codeList(names.env)},
		{"Outputs", codeList(names.outputs)},
		{"Token", token},
	}...))
}
