package plan

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/federate-action/federate/internal/inputs"
)

// sideInput is an input only one side (AWS or Vault) reads, with the
// default action.yml declares for it ("" for none). The runner passes
// action.yml's defaults as INPUT_* values, so an input is given only when
// it is set and differs from that default.
type sideInput struct{ name, def string }

// awsInputs are the inputs only the AWS side reads: without role-to-assume
// and aws-profiles they do nothing. (http-proxy, no-proxy, runner-temp,
// action-timeout-s and web-identity-token-file serve both sides.)
var awsInputs = []sideInput{
	{"aws-account-id", ""},
	{"aws-region", ""},
	{"audience", ""},
	{"role-session-name", defaultSessionName},
	{"role-duration-seconds", strconv.Itoa(defaultDuration)},
	{"inline-session-policy", ""},
	{"managed-session-policies", ""},
	{"sts-endpoint", ""},
	{"output-credentials", "false"},
	{"output-env-credentials", "true"},
	{"mask-aws-account-id", "false"},
	{"allowed-account-ids", ""},
	{"retry-max-attempts", strconv.Itoa(defaultMaxAttempts)},
	{"role-chaining", "false"},
	{"role-external-id", ""},
	{"aws-profile", ""},
	{"overwrite-aws-profile", "false"},
	{"unset-current-credentials", "false"},
	{"use-existing-credentials", "false"},
	{"refresh-credentials", "false"},
}

// roleInputs are the AWS inputs that shape role-to-assume's credentials
// only: with aws-profiles but no role-to-assume they do nothing. (The
// others, region, session name, duration, audience, endpoint, retries,
// masking, allowed accounts, unsetting and refreshing, apply to the
// profiles as well.) Their defaults are awsInputs'.
var roleInputs = []string{
	"aws-account-id",
	"inline-session-policy",
	"managed-session-policies",
	"output-credentials",
	"output-env-credentials",
	"role-chaining",
	"role-external-id",
	"aws-profile",
	"overwrite-aws-profile",
	"use-existing-credentials",
}

// sideInputsNamed returns the inputs of side whose names are in names.
func sideInputsNamed(side []sideInput, names []string) []sideInput {
	var picked []sideInput
	for _, in := range side {
		if slices.Contains(names, in.name) {
			picked = append(picked, in)
		}
	}
	return picked
}

// vaultInputs are the inputs only the Vault side reads: without vault-url
// they do nothing.
var vaultInputs = []sideInput{
	{"vault-method", "jwt"},
	{"vault-role", ""},
	{"vault-path", ""},
	{"vault-namespace", ""},
	{"vault-audience", ""},
	{"vault-secrets", ""},
	{"vault-pki", ""},
	{"vault-export-env", "true"},
	{"vault-export-token", "false"},
	{"vault-output-token", "false"},
	{"vault-ignore-not-found", "false"},
	{"vault-unmasked", ""},
	{"vault-ca-certificate", ""},
	{"vault-client-certificate", ""},
	{"vault-client-key", ""},
	{"vault-tls-skip-verify", "false"},
	{"vault-extra-headers", ""},
	{"vault-secret-encoding-type", ""},
	{"vault-token", ""},
	{"vault-role-id", ""},
	{"vault-secret-id", ""},
	{"vault-aws-header-value", ""},
	{"vault-username", ""},
	{"vault-password", ""},
	{"vault-github-token", ""},
	{"vault-kubernetes-token-path", DefaultKubernetesTokenPath},
	{"vault-auth-payload", ""},
	{"vault-retry-max-attempts", strconv.Itoa(defaultVaultAttempts)},
}

// unusedInputs refuses inputs of a side that is off because its switch
// (role-to-assume, vault-url) is empty. Most often the switch comes from
// an unset variable (${{ vars.VAULT_ADDR }}), and the step would otherwise
// export nothing from that side and still succeed. The values are not
// shown: some of these inputs hold secrets.
func unusedInputs(r *inputs.Reader, side []sideInput, switchInput, example string) error {
	var given []string
	for _, in := range side {
		if v := r.String(in.name); v != "" && !strings.EqualFold(v, in.def) {
			given = append(given, in.name)
		}
	}
	if len(given) == 0 {
		return nil
	}
	names, verb, pronoun := strings.Join(given, ", "), "is", "it"
	if len(given) > 1 {
		verb, pronoun = "are", "they"
	}
	return &inputs.Error{Input: switchInput, Hint: fmt.Sprintf(
		"%s %s set, but %s is empty, so %s would have no effect: set %s (an unset variable such as %s gives an empty value), or remove %s",
		names, verb, switchInput, pronoun, switchInput, example, names)}
}
