package e2e

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/federate-action/federate/internal/runner/runnertest"
	"github.com/federate-action/federate/internal/testbed"
)

var (
	pkiOnce sync.Once
	pkiErr  error
)

// pkiVault is the package's Vault with the PKI engine configured
// (testbed.ConfigurePKI). It returns the binary, the inputs of a jwt login
// with the role that may issue, and the runner's env.
func pkiVault(t *testing.T) (bin string, in, env map[string]string) {
	t.Helper()
	bin, v, tokens := vaultServer(t)
	pkiOnce.Do(func() { pkiErr = v.ConfigurePKI(context.Background(), tokens) })
	require.NoError(t, pkiErr, "configuring Vault's PKI engine")
	return bin, with(vaultInputs(v, ""), map[string]string{"vault-role": testbed.PKIRole}), tlsEnv(t, tokens)
}

// The mounts and certificate role testbed.ConfigurePKI sets up.
const (
	pkiRootMount = testbed.PKIRootMount
	pkiIntMount  = testbed.PKIIntMount
	pkiCertRole  = testbed.PKICertRole
)

// parseCert decodes the one PEM certificate of text.
func parseCert(t *testing.T, text string) *x509.Certificate {
	t.Helper()
	block, rest := pem.Decode([]byte(text))
	require.NotNil(t, block, text)
	assert.Empty(t, strings.TrimSpace(string(rest)))
	c, err := x509.ParseCertificate(block.Bytes)
	require.NoError(t, err)
	return c
}

// vaultSerial writes a serial number as Vault does: hex bytes joined by ':'.
func vaultSerial(c *x509.Certificate) string {
	var parts []string
	for _, b := range c.SerialNumber.Bytes() {
		parts = append(parts, fmt.Sprintf("%02x", b))
	}
	return strings.Join(parts, ":")
}

func TestVaultPKI_IssuesCertificatesAlongsideSecrets(t *testing.T) {
	t.Parallel()
	bin, in, env := pkiVault(t)
	in = with(in, map[string]string{
		"vault-secrets": "secret/data/aws accessKey | AWS_KEY",
		// vault-action's form (no name: named after the role), then ours.
		"vault-pki": fmt.Sprintf("%s/issue/%s {\"common_name\": \"ci.example.com\", \"ttl\": \"1h\"};\n%s/issue/%s {\n  \"common_name\": \"int.example.com\"\n} | INT",
			pkiRootMount, pkiCertRole, pkiIntMount, pkiCertRole),
	})
	res := run(t, testbed.Step{Binary: bin, Inputs: in, Env: env})
	require.Equal(t, 0, res.ExitCode, res.Stdout)

	envs, outs := runnertest.ToMap(res.Env), runnertest.ToMap(res.Outputs)
	assert.Equal(t, "test", envs["AWS_KEY"])
	visible := runnertest.Visible(res.Stdout, res.Stderr)
	masks := runnertest.Masks(res.Stdout)
	for _, tt := range []struct {
		prefix, outPrefix, cn string
		chainLen              int
	}{
		{"EXAMPLEDOTCOM", "exampledotcom", "ci.example.com", 1},
		{"INT", "INT", "int.example.com", 2},
	} {
		names := map[string]string{"_CERT": "_cert", "_KEY": "_key", "_CA": "_ca", "_CA_CHAIN": "_ca_chain"}
		if tt.prefix == tt.outPrefix {
			names = map[string]string{"_CERT": "_CERT", "_KEY": "_KEY", "_CA": "_CA", "_CA_CHAIN": "_CA_CHAIN"}
		}
		for envSuffix, outSuffix := range names {
			require.NotEmpty(t, envs[tt.prefix+envSuffix], tt.prefix+envSuffix)
			assert.Equal(t, envs[tt.prefix+envSuffix], outs[tt.outPrefix+outSuffix], "env and output hold one value")
		}
		cert := parseCert(t, envs[tt.prefix+"_CERT"])
		assert.Equal(t, tt.cn, cert.Subject.CommonName)
		_, err := tls.X509KeyPair([]byte(envs[tt.prefix+"_CERT"]), []byte(envs[tt.prefix+"_KEY"]))
		assert.NoError(t, err, "the key is the certificate's")
		ca := parseCert(t, envs[tt.prefix+"_CA"])
		assert.NoError(t, cert.CheckSignatureFrom(ca), "the issuing CA signed the certificate")

		chain := envs[tt.prefix+"_CA_CHAIN"]
		blocks := strings.Split(strings.TrimSpace(chain), "\n-----BEGIN CERTIFICATE-----")
		assert.Len(t, blocks, tt.chainLen, chain)
		assert.True(t, strings.HasPrefix(chain, envs[tt.prefix+"_CA"]), "the chain starts with the issuing CA")

		for _, line := range strings.Split(envs[tt.prefix+"_KEY"], "\n") {
			if line = strings.TrimSpace(line); line == "" || strings.HasPrefix(line, "-----") {
				continue
			}
			assert.Contains(t, masks, line, "every line of the private key is masked")
			assert.NotContains(t, visible, line)
		}
		assert.Contains(t, res.Summary, "serial `"+vaultSerial(cert)+"`")
		assert.Contains(t, res.Summary, cert.NotAfter.UTC().Format("2006-01-02T15:04:05Z"))
	}
	assert.NotContains(t, res.Summary, "PRIVATE KEY")
	assert.Contains(t, res.Stdout, "Vault token revoked")
}

func TestVaultPKI_Failures(t *testing.T) {
	t.Parallel()
	bin, in, env := pkiVault(t)
	tests := []struct {
		name      string
		change    map[string]string
		wantTitle string
		wantText  []string
	}{
		{"policy_does_not_allow_issuing", map[string]string{"vault-role": tutorialRole,
			"vault-pki": pkiRootMount + "/issue/" + pkiCertRole + ` {"common_name": "ci.example.com"}`},
			"Vault denied a certificate", []string{"permission denied issuing a certificate at " + pkiRootMount + "/issue/" + pkiCertRole, `"update" capability`}},
		{"role_refuses_the_common_name", map[string]string{
			"vault-pki": pkiRootMount + "/issue/" + pkiCertRole + ` {"common_name": "evil.example.org"}`},
			"Vault could not issue a certificate", []string{"Vault refused to issue a certificate at " + pkiRootMount + "/issue/" + pkiCertRole, "evil.example.org"}},
		{"unknown_role", map[string]string{
			"vault-pki": pkiRootMount + "/issue/nope {\"common_name\": \"ci.example.com\"}"},
			"Vault could not issue a certificate", []string{"Vault refused to issue a certificate at " + pkiRootMount + "/issue/nope", "unknown role"}},
		{"unknown_mount", map[string]string{
			"vault-pki": "pki_absent/issue/web {\"common_name\": \"ci.example.com\"}"},
			"Vault denied a certificate", []string{"permission denied issuing a certificate at pki_absent/issue/web"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			res := run(t, testbed.Step{Binary: bin, Inputs: with(in, tt.change), Env: env})
			assert.Equal(t, 1, res.ExitCode)
			assertOneError(t, res.Stdout, tt.wantTitle, tt.wantText...)
			assert.Empty(t, res.EnvRaw)
			assert.Empty(t, res.OutputRaw)
		})
	}
}

// A role with generate_lease gives the certificate a lease under the
// token: revoking the token at the end of the step would revoke the
// certificate, so the token is kept for the post step, as for dynamic
// secrets.
func TestVaultPKI_LeasedCertificateKeepsTheTokenForThePostStep(t *testing.T) {
	t.Parallel()
	bin, in, env := pkiVault(t)
	_, v, _ := vaultServer(t)
	in = with(in, map[string]string{"vault-pki": pkiRootMount + "/issue/" + testbed.PKILeasedCertRole + ` {"common_name": "lease.example.com"} | L`})
	res := run(t, testbed.Step{Binary: bin, Inputs: in, Env: env})
	require.Equal(t, 0, res.ExitCode, res.Stdout)

	assert.Contains(t, res.Stdout, "Keeping the Vault token until the job ends")
	assert.Contains(t, res.Stdout, pkiRootMount+"/issue/"+testbed.PKILeasedCertRole)
	assert.True(t, tokenWorks(t, v, vaultTokenFrom(t, res.Stdout)), "the token lives until the post step")
	assert.NotEmpty(t, res.State)
}
