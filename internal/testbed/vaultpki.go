package testbed

import (
	"context"
	"fmt"

	"github.com/federate-action/federate/internal/idtoken/idtokentest"
)

// The PKI set-up of Vault's docs (secrets/pki/setup), which ConfigurePKI
// adds to the tutorial's: a root CA on one mount, an intermediate CA signed
// by it on another, and a certificate role on each.
const (
	// PKIRole is the jwt role whose policy may issue on both mounts (and
	// read what the tutorial's policy reads).
	PKIRole      = "pki-issuer"
	PKIRootMount = "pki"
	PKIIntMount  = "pki_int"
	// PKICertRole is the certificate role on both mounts: any name under
	// example.com, for at most 72 hours.
	PKICertRole = "example-dot-com"
	// PKILeasedCertRole is a certificate role on PKIRootMount whose
	// certificates get a lease under the token (generate_lease).
	PKILeasedCertRole = "leased"
)

// ConfigurePKI mounts and configures Vault's PKI engine as the docs do and
// adds PKIRole, a jwt role bound like the tutorial's to the jobs of tokens'
// server.
func (v *Vault) ConfigurePKI(ctx context.Context, tokens *idtokentest.Server) error {
	owner := tokens.Owner()
	role := map[string]any{"allowed_domains": "example.com", "allow_subdomains": true, "max_ttl": "72h"}
	calls := []struct {
		method, path string
		body         any
	}{
		{"POST", "sys/mounts/" + PKIRootMount, map[string]any{"type": "pki", "config": map[string]any{"max_lease_ttl": "87600h"}}},
		{"POST", PKIRootMount + "/root/generate/internal", map[string]any{"common_name": "example.com", "ttl": "87600h"}},
		{"POST", PKIRootMount + "/roles/" + PKICertRole, role},
		{"POST", PKIRootMount + "/roles/" + PKILeasedCertRole, map[string]any{"allowed_domains": "example.com", "allow_subdomains": true,
			"max_ttl": "72h", "generate_lease": true}},
		{"POST", "sys/mounts/" + PKIIntMount, map[string]any{"type": "pki", "config": map[string]any{"max_lease_ttl": "43800h"}}},
		{"PUT", "sys/policies/acl/" + PKIRole, map[string]any{"policy": TutorialPolicy + fmt.Sprintf(`
path "%s/issue/*" { capabilities = ["update"] }
path "%s/issue/*" { capabilities = ["update"] }`, PKIRootMount, PKIIntMount)}},
		{"POST", "auth/jwt/role/" + PKIRole, map[string]any{"role_type": "jwt", "user_claim": "repository",
			"bound_claims_type": "glob", "bound_claims": map[string]any{"sub": "repo:" + owner + "/*"},
			"bound_audiences": []string{"https://github.com/" + owner}, "policies": []string{PKIRole}}},
	}
	for _, c := range calls {
		if _, err := v.API(ctx, c.method, c.path, c.body); err != nil {
			return err
		}
	}
	csr, err := v.API(ctx, "POST", PKIIntMount+"/intermediate/generate/internal", map[string]any{"common_name": "example.com Intermediate"})
	if err != nil {
		return err
	}
	csrPEM, err := dataField(csr, "csr")
	if err != nil {
		return err
	}
	signed, err := v.API(ctx, "POST", PKIRootMount+"/root/sign-intermediate", map[string]any{
		"csr": csrPEM, "format": "pem_bundle", "ttl": "43800h"})
	if err != nil {
		return err
	}
	cert, err := dataField(signed, "certificate")
	if err != nil {
		return err
	}
	if _, err := v.API(ctx, "POST", PKIIntMount+"/intermediate/set-signed", map[string]any{"certificate": cert}); err != nil {
		return err
	}
	_, err = v.API(ctx, "POST", PKIIntMount+"/roles/"+PKICertRole, role)
	return err
}

// dataField returns the string field name of a Vault answer's data.
func dataField(answer map[string]any, name string) (string, error) {
	data, _ := answer["data"].(map[string]any)
	s, ok := data[name].(string)
	if !ok {
		return "", fmt.Errorf("vault: the answer has no data.%s", name)
	}
	return s, nil
}
