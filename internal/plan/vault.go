package plan

import (
	"crypto/tls"
	"crypto/x509"
	"net/http"
	"regexp"
	"strings"
	"sync"

	"github.com/federate-action/federate/internal/inputs"
	"github.com/federate-action/federate/internal/secret"
	"github.com/federate-action/federate/internal/secretspec"
)

// VaultPlan is one Vault login and the secrets to read with it.
type VaultPlan struct {
	Address   string
	Method    string // jwt, token, approle, cert, aws, userpass, ldap, github, kubernetes, or another with AuthBody
	Mount     string // auth mount path; defaults to the method's name
	Role      string
	Namespace string
	Audience  string // "" asks for GitHub's default audience (https://github.com/OWNER)

	Token    secret.String // method token
	RoleID   string        // method approle
	SecretID secret.String // method approle; zero for a role with bind_secret_id=false
	AWSLogin *AWSLoginPlan // method aws

	Username            string         // methods userpass and ldap
	Password            secret.String  // methods userpass and ldap
	GitHubToken         secret.String  // method github
	KubernetesTokenPath string         // method kubernetes: the service account token, read at login
	AuthPayload         secret.String  // any other method: vault-auth-payload as given
	AuthBody            map[string]any // AuthPayload decoded: the login body

	Specs          []secretspec.Spec
	PKI            []secretspec.PKISpec // certificates to issue (vault-pki)
	ExportEnv      bool
	ExportToken    bool // VAULT_TOKEN and VAULT_ADDR for later steps
	OutputToken    bool
	IgnoreNotFound bool
	Encoding       string // "", base64, hex or utf8: how string values are decoded
	// Unmasked are the export names (env or output) of vault-unmasked,
	// whose values are exported unmasked.
	Unmasked map[string]bool
	// Files is the step's directory of files (entries `path key > NAME`),
	// shared with the AWS side; set by Build.
	Files *FilesPlan

	TLS         TLSPlan
	Headers     http.Header
	MaxAttempts int
}

// TLSPlan is how to trust and authenticate to Vault.
type TLSPlan struct {
	RootCAs    *x509.CertPool // nil: the system's roots
	ClientCert *tls.Certificate
	SkipVerify bool
}

// KeepsToken reports whether the token must outlive the job: a token the
// user gave is theirs to revoke, and an exported or output token is the
// user's to use.
func (v *VaultPlan) KeepsToken() bool {
	return v.Method == "token" || v.ExportToken || v.OutputToken
}

var vaultMethods = map[string]bool{"jwt": true, "token": true, "approle": true, "cert": true, "aws": true,
	"userpass": true, "ldap": true, "github": true, "kubernetes": true}

// mountPattern is an auth mount or namespace path: segments of letters,
// digits and ._- joined by '/'. Nothing that could end a header.
// Compiled on first use: a run without Vault never needs it.
var mountPattern = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[\w.-]+(/[\w.-]+)*$`) })

// validMountPath reports whether s matches mountPattern with no "." or
// ".." segment, which Vault would resolve to another path (out of auth/).
func validMountPath(s string) bool {
	if !mountPattern().MatchString(s) {
		return false
	}
	for _, seg := range strings.Split(s, "/") {
		if seg == "." || seg == ".." {
			return false
		}
	}
	return true
}

func buildVault(r *inputs.Reader) (*VaultPlan, error) {
	addr := r.String("vault-url")
	if addr == "" {
		return nil, unusedInputs(r, vaultInputs, "vault-url", "${{ vars.VAULT_ADDR }}")
	}
	v := &VaultPlan{}
	var err error
	if v.Address, err = serverURL("vault-url", addr, "https://vault.example.com:8200"); err != nil {
		return nil, err
	}
	if v.Method = strings.ToLower(r.String("vault-method")); v.Method == "" {
		v.Method = "jwt"
	}
	if err := checkMethod(r, v.Method); err != nil {
		return nil, err
	}
	if v.Mount = strings.Trim(r.String("vault-path"), "/"); v.Mount == "" {
		v.Mount = v.Method
	}
	if !validMountPath(v.Mount) {
		return nil, &inputs.Error{Input: "vault-path", Value: v.Mount, Hint: "use the auth mount's path, e.g. jwt or github/jwt"}
	}
	v.Role = r.String("vault-role")
	v.Namespace = strings.Trim(r.String("vault-namespace"), "/")
	if v.Namespace != "" && !validMountPath(v.Namespace) {
		return nil, &inputs.Error{Input: "vault-namespace", Value: v.Namespace, Hint: "use a namespace path such as admin/team-a"}
	}
	v.Audience = r.String("vault-audience")
	if err := unusedLoginInputs(r, v.Method); err != nil {
		return nil, err
	}
	if err := vaultCredentials(r, v); err != nil {
		return nil, err
	}
	if err := vaultCertAWS(r, v); err != nil {
		return nil, err
	}
	if v.Specs, err = secretspec.Parse(r.String("vault-secrets")); err != nil {
		return nil, err
	}
	if v.PKI, err = secretspec.ParsePKI(r.String("vault-pki")); err != nil {
		return nil, err
	}
	if err := vaultFlags(r, v); err != nil {
		return nil, err
	}
	if len(v.Specs) == 0 && len(v.PKI) == 0 && !v.ExportToken && !v.OutputToken {
		return nil, &inputs.Error{Input: "vault-secrets",
			Hint: "vault-url is set but nothing is asked of Vault: list secrets as `path key | NAME;`, certificates in vault-pki, or set vault-export-token"}
	}
	if v.Unmasked, err = unmaskedNames(r, v); err != nil {
		return nil, err
	}
	if v.TLS, err = vaultTLS(r); err != nil {
		return nil, err
	}
	if v.Headers, err = extraHeaders(r.String("vault-extra-headers")); err != nil {
		return nil, err
	}
	v.MaxAttempts, err = r.Int("vault-retry-max-attempts", defaultVaultAttempts, 1, 100)
	return v, err
}

// defaultVaultAttempts: a few tries ride out a leader election or a
// performance standby's 412; Vault has no throttling worth waiting minutes for.
const defaultVaultAttempts = 5

func vaultCredentials(r *inputs.Reader, v *VaultPlan) error {
	switch v.Method {
	case "jwt":
		return nil // the ID token is fetched at login
	case "token":
		if v.Token = secret.New(r.String("vault-token")); v.Token.IsZero() {
			return &inputs.Error{Input: "vault-token", Hint: "vault-method is token: pass the token from a secret, e.g. ${{ secrets.VAULT_TOKEN }} (better: use vault-method jwt and store nothing)"}
		}
	case "approle":
		if v.RoleID = r.String("vault-role-id"); v.RoleID == "" {
			return &inputs.Error{Input: "vault-role-id", Hint: "vault-method is approle: set vault-role-id (and vault-secret-id, unless the role has bind_secret_id=false)"}
		}
		// A role with bind_secret_id=false logs in with its role id alone
		// (its CIDR or other bounds protect it), as vault-action allows.
		v.SecretID = secret.New(r.String("vault-secret-id"))
	case "userpass", "ldap":
		return passwordCredentials(r, v)
	case "github":
		return githubCredentials(r, v)
	case "kubernetes":
		return kubernetesCredentials(r, v)
	case "cert", "aws":
		return nil // vaultCertAWS checks their inputs
	default:
		return payloadCredentials(r, v)
	}
	return nil
}

func vaultFlags(r *inputs.Reader, v *VaultPlan) error {
	var err error
	for _, f := range []struct {
		name string
		dst  *bool
		def  bool
	}{
		{"vault-export-env", &v.ExportEnv, true},
		{"vault-export-token", &v.ExportToken, false},
		{"vault-output-token", &v.OutputToken, false},
		{"vault-ignore-not-found", &v.IgnoreNotFound, false},
		{"vault-tls-skip-verify", &v.TLS.SkipVerify, false},
	} {
		if *f.dst, err = r.Bool(f.name, f.def); err != nil {
			return err
		}
	}
	switch v.Encoding = strings.ToLower(r.String("vault-secret-encoding-type")); v.Encoding {
	case "", "base64", "hex", "utf8":
		return nil
	}
	return &inputs.Error{Input: "vault-secret-encoding-type", Value: v.Encoding, Hint: "use base64, hex or utf8, or leave it unset"}
}

// Paths lists each path the entries read once, in the order first named:
// a path is read once, so that the keys of a dynamic secret come from one
// lease.
func (v *VaultPlan) Paths() []string {
	seen := map[string]bool{}
	var paths []string
	for _, s := range v.Specs {
		if !seen[s.Path] {
			seen[s.Path] = true
			paths = append(paths, s.Path)
		}
	}
	return paths
}

// LoginRole is the role to name in logs and the summary: the jwt,
// kubernetes, cert or aws role. approle's role is its role id, which is
// not shown.
func (v *VaultPlan) LoginRole() string {
	if v.Method != "jwt" && v.Method != "kubernetes" && v.Method != "cert" && v.Method != "aws" {
		return ""
	}
	return v.Role
}
