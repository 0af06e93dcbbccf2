package plan_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/federate-action/federate/internal/inputs"
	"github.com/federate-action/federate/internal/plan"
)

// Stand-ins for the two secret inputs: distinctive enough that no input or
// message holds them by chance.
const (
	fuzzTokenSentinel    = "fuzz-sentinel-vault-token-7c19e2"
	fuzzSecretIDSentinel = "fuzz-sentinel-secret-id-4b06d8"
	fuzzPasswordSentinel = "fuzz-sentinel-password-9d3a51"
)

// FuzzBuild fuzzes the inputs whose parsing is most involved, all at once,
// through plan.Build. It must never panic; every error must say which
// annotation title it gets; and no error may depend on (so none may show)
// the value of vault-token or vault-secret-id: with those swapped for
// sentinels the error must be the same, and must not show the sentinels.
// Nor may an error show the user info of sts-endpoint or vault-url (a
// token is often passed as user:password@), scheme or none.
// Seeds are in testdata/fuzz/FuzzBuild.
func FuzzBuild(f *testing.F) {
	f.Fuzz(func(t *testing.T, role, region, session, duration, endpoint, account,
		vaultURL, method, secrets, headers, token, secretID string) {
		in := map[string]string{
			"role-to-assume":        role,
			"aws-region":            region,
			"role-session-name":     session,
			"role-duration-seconds": duration,
			"sts-endpoint":          endpoint,
			"aws-account-id":        account,
			"vault-url":             vaultURL,
			"vault-method":          method,
			"vault-secrets":         secrets,
			"vault-extra-headers":   headers,
			"vault-token":           token,
			"vault-secret-id":       secretID,
		}
		p, err := plan.Build(inputs.New(runnerEnv(in)))

		// The same inputs with the secrets swapped for sentinels. Inputs
		// are read trimmed, so a blank secret stays as it is: it is
		// "unset" either way.
		swapped := map[string]string{}
		for k, v := range in {
			swapped[k] = v
		}
		if strings.TrimSpace(token) != "" {
			swapped["vault-token"] = fuzzTokenSentinel
		}
		if strings.TrimSpace(secretID) != "" {
			swapped["vault-secret-id"] = fuzzSecretIDSentinel
		}
		_, swappedErr := plan.Build(inputs.New(runnerEnv(swapped)))

		if err == nil {
			require.NoError(t, swappedErr, "a secret's value changed whether the inputs are valid")
			require.True(t, p.AWS != nil || p.Vault != nil, "a valid plan does something")
			if p.AWS != nil {
				assert.True(t, strings.HasPrefix(p.AWS.RoleARN, "arn:aws"), "RoleARN %q", p.AWS.RoleARN)
				assert.Regexp(t, `^[0-9]{12}$`, p.AWS.AccountID)
				assert.NotEmpty(t, p.AWS.SessionName)
			}
			if p.Vault != nil {
				assert.True(t, strings.HasPrefix(p.Vault.Address, "https://") || strings.HasPrefix(p.Vault.Address, "http://"),
					"Address %q", p.Vault.Address)
			}
			return
		}

		var titled interface{ Title() string }
		require.True(t, errors.As(err, &titled), "error %T (%v) has no Title", err, err)
		assert.NotEmpty(t, titled.Title())
		assert.NotEmpty(t, err.Error())
		var inErr *inputs.Error
		if errors.As(err, &inErr) {
			assert.Equal(t, "Invalid input "+inErr.Input, inErr.Title())
		}

		for _, name := range []string{"sts-endpoint", "vault-url"} {
			withPassword, ok := withUserInfo(in[name], "user:"+fuzzPasswordSentinel)
			if !ok {
				continue
			}
			changed := map[string]string{}
			for k, v := range in {
				changed[k] = v
			}
			changed[name] = withPassword
			if _, err := plan.Build(inputs.New(runnerEnv(changed))); err != nil {
				assert.NotContains(t, err.Error(), fuzzPasswordSentinel, "the user info of %s is shown in the error", name)
			}
		}

		require.Error(t, swappedErr, "a secret's value changed whether the inputs are valid")
		assert.Equal(t, err.Error(), swappedErr.Error(), "the error depends on the value of a secret input")
		for _, sentinel := range []string{fuzzTokenSentinel, fuzzSecretIDSentinel} {
			if !strings.Contains(strings.Join([]string{role, region, session, duration, endpoint, account, vaultURL, method, secrets, headers}, "\n"), sentinel) {
				assert.NotContains(t, swappedErr.Error(), sentinel, "a secret input is shown in the error")
			}
		}
	})
}

// withUserInfo replaces what stands before the last '@' of raw (after a
// scheme, if any) with userInfo; ok is false when raw has no '@'.
func withUserInfo(raw, userInfo string) (string, bool) {
	at := strings.LastIndex(raw, "@")
	if at < 0 {
		return "", false
	}
	prefix := ""
	if scheme, _, found := strings.Cut(raw[:at], "://"); found {
		prefix = scheme + "://"
	}
	return prefix + userInfo + raw[at:], true
}
