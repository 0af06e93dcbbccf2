package app

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/federate-action/federate/internal/plan"
	"github.com/federate-action/federate/internal/secret"
)

// An unmasked value must not carry the login's password either: the
// check compares against every secret the step holds, not only exports.
func TestStepSecrets_IncludeTheVaultLoginsCredentials(t *testing.T) {
	t.Parallel()
	p := plan.Plan{Vault: &plan.VaultPlan{Method: "userpass", Password: secret.New("hunter2-pass"),
		GitHubToken: secret.New("ghp_exampletoken")}}
	var got []string
	for _, s := range stepSecrets(p, func(string) string { return "" }) {
		got = append(got, s.Reveal())
	}
	assert.Contains(t, got, "hunter2-pass")
	assert.Contains(t, got, "ghp_exampletoken")
}
