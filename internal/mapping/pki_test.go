package mapping

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/federate-action/federate/internal/export"
	"github.com/federate-action/federate/internal/plan"
	"github.com/federate-action/federate/internal/secretspec"
	"github.com/federate-action/federate/internal/vault"
)

var testCert = vault.Certificate{Path: "pki/issue/web-server", Certificate: "CERT-PEM", PrivateKey: "KEY-1\nKEY-2",
	IssuingCA: "INT-PEM", CAChain: []string{"INT-PEM", "ROOT-PEM"}, Serial: "1a:2b:3c",
	Expiration: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)}

func pkiPlan(t *testing.T, entries string, exportEnv bool) *plan.VaultPlan {
	t.Helper()
	specs, err := secretspec.ParsePKI(entries)
	require.NoError(t, err)
	return &plan.VaultPlan{Address: "https://vault.example.com", Method: "jwt", Mount: "jwt", PKI: specs, ExportEnv: exportEnv}
}

func TestVault_PKIExportsFourSecretValues(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		entries   string
		exportEnv bool
		wantEnv   map[string]string
		wantOut   map[string]string
	}{
		{"derived_names_as_vault_action", "pki/issue/web-server {}", true,
			map[string]string{"WEBSERVER_CERT": "CERT-PEM", "WEBSERVER_KEY": "KEY-1\nKEY-2", "WEBSERVER_CA": "INT-PEM", "WEBSERVER_CA_CHAIN": "INT-PEM\nROOT-PEM"},
			map[string]string{"webserver_cert": "CERT-PEM", "webserver_key": "KEY-1\nKEY-2", "webserver_ca": "INT-PEM", "webserver_ca_chain": "INT-PEM\nROOT-PEM"}},
		{"explicit_name_outputs_only", "pki/issue/web-server {} | TLS", false,
			map[string]string{},
			map[string]string{"TLS_CERT": "CERT-PEM", "TLS_KEY": "KEY-1\nKEY-2", "TLS_CA": "INT-PEM", "TLS_CA_CHAIN": "INT-PEM\nROOT-PEM"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			set := &export.Set{}
			_, err := Vault(set, pkiPlan(t, tt.entries, tt.exportEnv), VaultResult{Certificates: []vault.Certificate{testCert}})
			require.NoError(t, err)
			env, out := map[string]string{}, map[string]string{}
			for _, v := range set.EnvVars() {
				assert.True(t, v.Value.IsSecret(), v.Name)
				env[v.Name] = v.Value.Reveal()
			}
			for _, v := range set.Outputs() {
				assert.True(t, v.Value.IsSecret(), v.Name)
				out[v.Name] = v.Value.Reveal()
			}
			assert.Equal(t, tt.wantEnv, env)
			assert.Equal(t, tt.wantOut, out)
		})
	}
}

func TestVault_PKISummaryShowsSerialAndExpiryNeverTheKey(t *testing.T) {
	t.Parallel()
	set := &export.Set{}
	_, err := Vault(set, pkiPlan(t, "pki/issue/web-server {} | TLS", true), VaultResult{Certificates: []vault.Certificate{testCert}})
	require.NoError(t, err)
	summary := joinLines(set.SummaryLines())
	assert.Contains(t, summary, "| Certificates | `pki/issue/web-server` (`TLS_CERT`): serial `1a:2b:3c`, expires 2030-01-01T00:00:00Z |")
	assert.NotContains(t, summary, "KEY-1")
}
