package mapping

import (
	"fmt"
	"strings"
	"time"

	"github.com/federate-action/federate/internal/plan"
	"github.com/federate-action/federate/internal/secretspec"
	"github.com/federate-action/federate/internal/vault"
)

// pkiValue is the text of one part of an issued certificate. The CA chain
// is its PEM blocks joined by newlines, as vault-action joins it.
func pkiValue(c vault.Certificate, part secretspec.PKIPart) string {
	switch part {
	case secretspec.PKICert:
		return c.Certificate
	case secretspec.PKIKey:
		return c.PrivateKey
	case secretspec.PKICA:
		return c.IssuingCA
	}
	return strings.Join(c.CAChain, "\n")
}

// vaultPKI exports the four parts of each issued certificate. All four
// are secret values, masked line by line as vault-action masks them: the
// private key must be, and the certificates, though public by nature, are
// masked too so that a workflow moving over logs what it logged before.
func vaultPKI(p *plan.VaultPlan, certs []vault.Certificate, add addFunc) error {
	for i, s := range p.PKI {
		if i >= len(certs) {
			return fmt.Errorf("no certificate was issued for vault-pki entry %d (%s)", s.Entry, s.Raw)
		}
		source := fmt.Sprintf("vault-pki entry %d (%s)", s.Entry, s.Raw)
		for _, part := range secretspec.PKIParts {
			env, out := s.Names(part)
			if err := add(env, out, pkiValue(certs[i], part), source, false); err != nil {
				return err
			}
		}
	}
	return nil
}

// pkiSummary lists each certificate by path, serial number and expiry:
// enough to find it in Vault (vault read pki/cert/SERIAL) or revoke it,
// never its key.
func pkiSummary(p *plan.VaultPlan, certs []vault.Certificate) string {
	var rows []string
	for i, s := range p.PKI {
		if i >= len(certs) {
			break
		}
		c := certs[i]
		expiry := "unknown"
		if !c.Expiration.IsZero() {
			expiry = c.Expiration.UTC().Format(time.RFC3339)
		}
		name, _ := s.Names(secretspec.PKICert)
		rows = append(rows, fmt.Sprintf("`%s` (`%s`): serial `%s`, expires %s", s.Path, name, c.Serial, expiry))
	}
	return strings.Join(rows, "<br>")
}
