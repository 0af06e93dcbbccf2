package e2e

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/federate-action/federate/internal/idtoken/idtokentest"
	"github.com/federate-action/federate/internal/runner/runnertest"
	"github.com/federate-action/federate/internal/testbed"
)

// badInputMarker stands for a secret in the inputs that carry one
// (vault-token, vault-secret-id, vault-password, vault-github-token,
// vault-auth-payload, vault-client-key, vault-extra-headers, a URL's
// password). It must never reach stdout or stderr, even in the error
// that says the input is wrong.
const badInputMarker = "mk7-S3CRET-q9z"

// tripwire is an STS endpoint and a Vault address in one that must never be
// called: it counts requests and answers 503.
type tripwire struct {
	URL      string
	requests atomic.Int64
}

func newTripwire(t *testing.T) *tripwire {
	t.Helper()
	tw := &tripwire{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		tw.requests.Add(1)
		http.Error(w, "tripwire: no request may reach a server before the inputs are valid", http.StatusServiceUnavailable)
	}))
	t.Cleanup(srv.Close)
	tw.URL = srv.URL
	return tw
}

// The bases every case changes: the tutorials' inputs with the action.yml
// defaults, pointed at the tripwire.
func awsBase(tw string) map[string]string { return tutorialInputs(tw) }

func vaultBase(tw string) map[string]string {
	return vaultInputs(&testbed.Vault{URL: tw}, "secret/data/aws accessKey | AWS_KEY")
}

func bothBase(tw string) map[string]string { return with(awsBase(tw), vaultBase(tw)) }

// noneBase is a step with neither a role nor a Vault: only the action.yml
// defaults, which the runner passes like any input.
func noneBase(tw string) map[string]string {
	in := awsBase(tw)
	for _, name := range []string{"role-to-assume", "aws-region", "sts-endpoint", "role-session-name"} {
		delete(in, name)
	}
	return with(in, map[string]string{"vault-method": "jwt", "vault-export-env": "true", "vault-retry-max-attempts": "5"})
}

// vaultOff and awsOff turn a side off by emptying its switch, as an unset
// ${{ vars.X }} does.
var (
	vaultOff = map[string]string{"vault-url": ""}
	awsOff   = map[string]string{"role-to-assume": ""}
)

// Every input the action takes is checked before the first request: a bad
// one fails the step with one annotation titled with the input's name, and
// neither the token service, STS nor Vault hears of it. A secret-bearing
// input is never echoed in the error.
func TestBadInput_FailsBeforeAnyRequest(t *testing.T) {
	t.Parallel()
	bin, _ := servers(t)
	const (
		role    = "arn:aws:iam::737236345234:role/gha-oidc-role"
		badCert = "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----"
	)
	secretKey := "-----BEGIN PRIVATE KEY-----\n" + badInputMarker + "\n-----END PRIVATE KEY-----"
	tests := []struct {
		name      string
		base      func(tripwire string) map[string]string
		change    map[string]string
		env       map[string]string // runner variables changed ("" unsets in effect)
		wantTitle string
		wantText  string // in the annotation, unescaped; "" to skip
	}{
		// AWS inputs.
		{"nothing_to_do", noneBase, nil, nil, "Invalid input role-to-assume", "nothing to do"},
		{"region_missing", awsBase, map[string]string{"aws-region": ""}, nil, "Invalid input aws-region", "is required"},
		{"region_in_the_wrong_case", awsBase, map[string]string{"aws-region": "US_EAST_1"}, nil, "Invalid input aws-region", `"US_EAST_1"`},
		{"region_not_a_region_code", awsBase, map[string]string{"aws-region": "mars"}, nil, "Invalid input aws-region", "us-east-1"},
		{"bare_role_name_without_account", awsBase, map[string]string{"role-to-assume": "deploy"}, nil, "Invalid input aws-account-id", "bare role name"},
		{"account_id_not_twelve_digits", awsBase, map[string]string{"role-to-assume": "deploy", "aws-account-id": "12345"}, nil, "Invalid input aws-account-id", "12-digit"},
		{"account_id_disagrees_with_the_arn", awsBase, map[string]string{"aws-account-id": "999999999999"}, nil, "Invalid input aws-account-id", "names account 737236345234"},
		{"arn_of_a_user_not_a_role", awsBase, map[string]string{"role-to-assume": "arn:aws:iam::737236345234:user/bob"}, nil, "Invalid input role-to-assume", "role/NAME"},
		{"arn_partition_differs_from_the_region", awsBase, map[string]string{"aws-region": "cn-north-1"}, nil, "Invalid input role-to-assume", "partition aws but aws-region is in aws-cn"},
		{"role_name_with_a_space", awsBase, map[string]string{"role-to-assume": "de ploy", "aws-account-id": "737236345234"}, nil, "Invalid input role-to-assume", "role name"},
		{"session_name_of_one_character", awsBase, map[string]string{"role-session-name": "a"}, nil, "Invalid input role-session-name", "2 to 64"},
		{"session_name_with_a_space", awsBase, map[string]string{"role-session-name": "my session"}, nil, "Invalid input role-session-name", "2 to 64"},
		{"duration_below_the_minimum", awsBase, map[string]string{"role-duration-seconds": "899"}, nil, "Invalid input role-duration-seconds", "900 to 43200"},
		{"duration_with_a_unit", awsBase, map[string]string{"role-duration-seconds": "1h"}, nil, "Invalid input role-duration-seconds", "900 to 43200"},
		{"inline_policy_not_json", awsBase, map[string]string{"inline-session-policy": "{Version: 1}"}, nil, "Invalid input inline-session-policy", "JSON object"},
		{"inline_policy_too_long", awsBase, map[string]string{"inline-session-policy": `{"x":"` + strings.Repeat("a", 2100) + `"}`}, nil, "Invalid input inline-session-policy", "at most 2048"},
		{"managed_policy_not_an_arn", awsBase, map[string]string{"managed-session-policies": "ReadOnlyAccess"}, nil, "Invalid input managed-session-policies", "policy ARNs"},
		{"eleven_managed_policies", awsBase, map[string]string{"managed-session-policies": strings.Repeat("arn:aws:iam::aws:policy/P\n", 11)}, nil, "Invalid input managed-session-policies", "at most 10"},
		{"sts_endpoint_not_a_url", awsBase, map[string]string{"sts-endpoint": "sts.amazonaws.com"}, nil, "Invalid input sts-endpoint", "https URL"},
		{"sts_endpoint_plain_http_off_loopback", awsBase, map[string]string{"sts-endpoint": "http://sts.internal.example"}, nil, "Invalid input sts-endpoint", "unencrypted"},
		{"sts_endpoint_with_a_password", awsBase, map[string]string{"sts-endpoint": "https://user:" + badInputMarker + "@sts.example.com"}, nil, "Invalid input sts-endpoint", "https://REDACTED@sts.example.com"},
		{"sts_endpoint_plain_http_with_a_password", awsBase, map[string]string{"sts-endpoint": "http://user:" + badInputMarker + "@sts.internal.example"}, nil, "Invalid input sts-endpoint", "no user:password@"},
		{"sts_endpoint_unparsable_with_a_password", awsBase, map[string]string{"sts-endpoint": "https://user:" + badInputMarker + "@sts.example.com:port"}, nil, "Invalid input sts-endpoint", "https://REDACTED@sts.example.com:port"},
		{"sts_endpoint_with_a_query", awsBase, map[string]string{"sts-endpoint": "https://sts.example.com/?x=1"}, nil, "Invalid input sts-endpoint", "no user:password@"},
		{"boolean_written_as_yes", awsBase, map[string]string{"output-credentials": "yes"}, nil, "Invalid input output-credentials", "true or false"},
		{"boolean_written_as_one", awsBase, map[string]string{"mask-aws-account-id": "1"}, nil, "Invalid input mask-aws-account-id", "true or false"},
		{"retry_attempts_zero", awsBase, map[string]string{"retry-max-attempts": "0"}, nil, "Invalid input retry-max-attempts", "1 to 100"},
		{"timeout_above_an_hour", awsBase, map[string]string{"action-timeout-s": "3601"}, nil, "Invalid input action-timeout-s", "1 to 3600"},
		{"allowed_accounts_exclude_the_role", awsBase, map[string]string{"allowed-account-ids": "111122223333"}, nil, "Invalid input allowed-account-ids", "not in the list"},
		{"allowed_account_with_dashes", awsBase, map[string]string{"allowed-account-ids": "1111-2222-3333"}, nil, "Invalid input allowed-account-ids", "12-digit"},

		// aws-profiles: every line error names its line and column.
		{"profile_unknown_key", awsBase, map[string]string{"aws-profiles": "prod arn:aws:iam::222222222222:role/deploy regoin=us-east-1"}, nil, "Invalid input aws-profiles", `line 1, column 44: unknown key "regoin"`},
		{"profile_bad_name", awsBase, map[string]string{"aws-profiles": "pr[od] arn:aws:iam::222222222222:role/deploy"}, nil, "Invalid input aws-profiles", "line 1, column 1: profile name"},
		{"profile_named_default", awsBase, map[string]string{"aws-profiles": "default arn:aws:iam::222222222222:role/deploy"}, nil, "Invalid input aws-profiles", "kept for role-to-assume"},
		{"profile_without_a_role", awsBase, map[string]string{"aws-profiles": "prod"}, nil, "Invalid input aws-profiles", "line 1, column 5: profile prod has no role"},
		{"profile_bare_role_without_account", awsBase, map[string]string{"aws-profiles": "prod deploy"}, nil, "Invalid input aws-profiles", "add account=ACCOUNT_ID"},
		{"profile_arn_partition_differs_from_its_region", awsBase, map[string]string{"aws-profiles": "prod arn:aws:iam::222222222222:role/deploy region=cn-north-1"}, nil, "Invalid input aws-profiles", "partition aws but the profile's region cn-north-1"},
		{"profile_setting_without_equals", awsBase, map[string]string{"aws-profiles": "prod deploy account 222222222222"}, nil, "Invalid input aws-profiles", `column 13: "account" is not a setting`},
		{"profile_key_given_twice", awsBase, map[string]string{"aws-profiles": "prod deploy account=222222222222 account=222222222222"}, nil, "Invalid input aws-profiles", "account= is given twice"},
		{"profile_defined_twice", awsBase, map[string]string{"aws-profiles": "prod arn:aws:iam::222222222222:role/a\n# again\nprod arn:aws:iam::333333333333:role/b"}, nil, "Invalid input aws-profiles", "line 3, column 1: profile prod is already defined on line 1"},
		{"profile_external_id_without_source", awsBase, map[string]string{"aws-profiles": "prod arn:aws:iam::222222222222:role/a external-id=ci-audit"}, nil, "Invalid input aws-profiles", "add source=PROFILE"},
		{"profile_unknown_source", awsBase, map[string]string{"aws-profiles": "audit arn:aws:iam::444444444444:role/read source=prd"}, nil, "Invalid input aws-profiles", `source="prd" names no profile`},
		{"profile_own_source", awsBase, map[string]string{"aws-profiles": "audit arn:aws:iam::444444444444:role/read source=audit"}, nil, "Invalid input aws-profiles", "names itself as its source"},
		{"profile_source_cycle", awsBase, map[string]string{"aws-profiles": "a arn:aws:iam::222222222222:role/a source=b\nb arn:aws:iam::333333333333:role/b source=a"}, nil, "Invalid input aws-profiles", "source= makes a cycle (a -> b -> a)"},
		{"profile_chained_longer_than_an_hour", awsBase, map[string]string{"aws-profiles": "hub arn:aws:iam::222222222222:role/h\nspoke arn:aws:iam::333333333333:role/s source=hub duration=7200"}, nil, "Invalid input aws-profiles", "use duration=3600 or less"},
		{"profiles_of_comments_only", vaultBase, map[string]string{"aws-profiles": "# later"}, nil, "Invalid input aws-profiles", "only comments and blank lines"},
		{"profiles_alone_with_a_role_only_input", vaultBase, map[string]string{"aws-profiles": "prod arn:aws:iam::222222222222:role/deploy", "aws-region": "us-east-1", "output-credentials": "true"}, nil, "Invalid input role-to-assume", "output-credentials is set, but role-to-assume is empty"},
		{"allowed_accounts_exclude_a_profile", awsBase, map[string]string{"aws-profiles": "prod arn:aws:iam::222222222222:role/deploy", "allowed-account-ids": "737236345234"}, nil, "Invalid input allowed-account-ids", "profile prod (aws-profiles line 1) is in account 222222222222"},
		{"profiles_without_runner_temp", awsBase, map[string]string{"aws-profiles": "prod arn:aws:iam::222222222222:role/deploy"}, map[string]string{"RUNNER_TEMP": ""}, "No runner temp directory", "runner 2.329 or later"},
		{"runner_temp_not_an_absolute_path", awsBase, map[string]string{"aws-profile": "ci", "runner-temp": "${{ runner.temp }}"}, nil, "Invalid input runner-temp", "leave it unset"},

		// configure-aws-credentials' options.
		{"role_chaining_written_as_yes", awsBase, map[string]string{"role-chaining": "yes"}, nil, "Invalid input role-chaining", "true or false"},
		{"role_chaining_without_credentials_in_the_environment", awsBase, map[string]string{"role-chaining": "true"}, nil, "Invalid input role-chaining", "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set"},
		{"role_chaining_longer_than_an_hour", awsBase, map[string]string{"role-chaining": "true", "role-duration-seconds": "7200"}, nil, "Invalid input role-duration-seconds", "use 3600 or less"},
		{"role_chaining_with_unset_current_credentials", awsBase, map[string]string{"role-chaining": "true", "unset-current-credentials": "true"}, nil, "Invalid input unset-current-credentials", "role-chaining starts from the credentials"},
		{"role_chaining_with_use_existing_credentials", awsBase, map[string]string{"role-chaining": "true", "use-existing-credentials": "true"}, nil, "Invalid input use-existing-credentials", "set only one of them"},
		{"external_id_without_role_chaining", awsBase, map[string]string{"role-external-id": "ci-audit"}, nil, "Invalid input role-external-id", "set role-chaining: true"},
		{"aws_profile_with_a_space", awsBase, map[string]string{"aws-profile": "my profile"}, nil, "Invalid input aws-profile", "1 to 64 characters"},
		{"aws_profile_also_in_aws_profiles", awsBase, map[string]string{"aws-profile": "prod", "aws-profiles": "prod arn:aws:iam::222222222222:role/deploy"}, nil, "Invalid input aws-profile", "aws-profiles line 1 defines a profile of that name too"},
		{"overwrite_without_aws_profile", awsBase, map[string]string{"overwrite-aws-profile": "true"}, nil, "Invalid input overwrite-aws-profile", "set aws-profile"},
		{"unset_and_use_existing_together", awsBase, map[string]string{"unset-current-credentials": "true", "use-existing-credentials": "true"}, nil, "Invalid input unset-current-credentials", "use-existing-credentials keeps"},
		{"use_existing_written_as_one", awsBase, map[string]string{"use-existing-credentials": "1"}, nil, "Invalid input use-existing-credentials", "true or false"},
		{"refresh_with_role_chaining", awsBase, map[string]string{"refresh-credentials": "true", "role-chaining": "true"}, nil, "Invalid input refresh-credentials", "cannot be refreshed"},
		{"refresh_with_a_token_file", awsBase, map[string]string{"refresh-credentials": "true", "web-identity-token-file": "token.jwt"}, nil, "Invalid input refresh-credentials", "remove web-identity-token-file"},
		{"refresh_with_a_session_policy", awsBase, map[string]string{"refresh-credentials": "true", "managed-session-policies": "arn:aws:iam::aws:policy/ReadOnlyAccess"}, nil, "Invalid input refresh-credentials", "with more access"},
		{"refresh_with_env_keys_asked_for", awsBase, map[string]string{"refresh-credentials": "true", "output-env-credentials": "true"}, nil, "Invalid input refresh-credentials", "shadow the refreshing profiles"},
		{"http_proxy_not_a_url_hides_its_password", awsBase, map[string]string{"http-proxy": "user:" + badInputMarker + "@proxy.example.com:3128"}, nil, "Invalid input http-proxy", "REDACTED@proxy.example.com:3128"},
		{"http_proxy_with_a_path_hides_its_password", awsBase, map[string]string{"http-proxy": "http://user:" + badInputMarker + "@proxy.example.com:3128/x"}, nil, "Invalid input http-proxy", "no path"},
		{"http_proxy_socks", vaultBase, map[string]string{"http-proxy": "socks5://proxy.example.com:1080"}, nil, "Invalid input http-proxy", "with its scheme"},
		{"no_proxy_with_a_space_inside", vaultBase, map[string]string{"no-proxy": "a.example b.example"}, nil, "Invalid input no-proxy", "separated by commas"},
		{"role_chaining_with_an_empty_role", vaultBase, map[string]string{"role-chaining": "true"}, nil, "Invalid input role-to-assume", "role-chaining is set"},

		// The step's environment.
		{"no_id_token_url", awsBase, nil, map[string]string{"ACTIONS_ID_TOKEN_REQUEST_URL": ""}, "Missing id-token permission", "id-token: write"},
		{"no_id_token_request_token", vaultBase, nil, map[string]string{"ACTIONS_ID_TOKEN_REQUEST_TOKEN": ""}, "Missing id-token permission", "id-token: write"},
		{"no_github_env", awsBase, nil, map[string]string{"GITHUB_ENV": ""}, "Not running in GitHub Actions", "GITHUB_ENV and GITHUB_OUTPUT"},
		{"no_github_output", vaultBase, nil, map[string]string{"GITHUB_OUTPUT": ""}, "Not running in GitHub Actions", "GITHUB_ENV and GITHUB_OUTPUT"},
		{"token_file_missing", awsBase, map[string]string{"web-identity-token-file": "nonexistent/token.jwt"}, nil, "Invalid input web-identity-token-file", "cannot be read"},
		{"token_file_outside_the_workspace", awsBase, map[string]string{"web-identity-token-file": "/etc/hostname"}, nil, "Invalid input web-identity-token-file", "outside them"},
		{"token_file_dot_dot_out_of_the_workspace", awsBase, map[string]string{"web-identity-token-file": "../../../../etc/hostname"}, nil, "Invalid input web-identity-token-file", "outside them"},

		// Vault inputs.
		{"vault_url_plain_http_off_loopback", vaultBase, map[string]string{"vault-url": "http://vault.example.com:8200"}, nil, "Invalid input vault-url", "unencrypted"},
		{"vault_url_not_a_url", vaultBase, map[string]string{"vault-url": "vault.example.com:8200"}, nil, "Invalid input vault-url", "https URL"},
		{"vault_url_with_a_password", vaultBase, map[string]string{"vault-url": "https://ci:" + badInputMarker + "@vault.example.com"}, nil, "Invalid input vault-url", "https://REDACTED@vault.example.com"},
		{"vault_url_without_a_scheme_with_a_password", vaultBase, map[string]string{"vault-url": "ci:" + badInputMarker + "@vault.example.com:8200"}, nil, "Invalid input vault-url", "REDACTED@vault.example.com:8200"},
		{"vault_url_with_a_fragment", vaultBase, map[string]string{"vault-url": "https://vault.example.com/#ui"}, nil, "Invalid input vault-url", "#fragment"},
		{"cert_method_without_a_client_certificate", vaultBase, map[string]string{"vault-method": "cert"}, nil, "Invalid input vault-client-certificate", "vault-method is cert"},
		{"cert_method_over_plain_http_hides_the_key", vaultBase, map[string]string{"vault-method": "cert", "vault-client-certificate": badCert, "vault-client-key": secretKey}, nil, "Invalid input vault-url", "use Vault's https URL"},
		{"aws_method_without_aws_credentials", vaultBase, map[string]string{"vault-method": "aws"}, nil, "Invalid input vault-method", "set role-to-assume (and aws-region) to get them in this step"},
		{"aws_method_with_half_the_environments_credentials", vaultBase, map[string]string{"vault-method": "aws"}, map[string]string{"AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE"}, "Invalid input vault-method", "there are none"},
		{"aws_header_value_with_a_carriage_return", bothBase, map[string]string{"vault-method": "aws", "vault-aws-header-value": "vault.example.com\rX-Injected: 1"}, nil, "Invalid input vault-aws-header-value", "control character"},
		{"aws_header_value_without_vault", awsBase, map[string]string{"vault-aws-header-value": "vault.example.com"}, nil, "Invalid input vault-url", "vault-aws-header-value"},
		{"vault_method_unknown_without_a_payload", vaultBase, map[string]string{"vault-method": "oidc", "vault-role": ""}, nil, "Invalid input vault-method", "give its login body as vault-auth-payload"},
		{"userpass_without_a_username", vaultBase, map[string]string{"vault-method": "userpass", "vault-role": "", "vault-password": badInputMarker}, nil, "Invalid input vault-username", "is required"},
		{"ldap_without_a_password", vaultBase, map[string]string{"vault-method": "ldap", "vault-role": "", "vault-username": "alice"}, nil, "Invalid input vault-password", "is required"},
		{"userpass_username_that_climbs_out", vaultBase, map[string]string{"vault-method": "userpass", "vault-role": "", "vault-username": "../../approle/login", "vault-password": badInputMarker}, nil, "Invalid input vault-username", "no '/'"},
		{"github_without_a_token", vaultBase, map[string]string{"vault-method": "github", "vault-role": ""}, nil, "Invalid input vault-github-token", "is required"},
		{"kubernetes_without_a_role", vaultBase, map[string]string{"vault-method": "kubernetes", "vault-role": ""}, nil, "Invalid input vault-role", "bound to the pod's service account"},
		{"auth_payload_not_json_is_hidden", vaultBase, map[string]string{"vault-method": "oci", "vault-role": "", "vault-auth-payload": "role=" + badInputMarker}, nil, "Invalid input vault-auth-payload", "JSON object"},
		{"auth_payload_an_array_is_hidden", vaultBase, map[string]string{"vault-method": "oci", "vault-role": "", "vault-auth-payload": `["` + badInputMarker + `"]`}, nil, "Invalid input vault-auth-payload", "JSON object"},
		{"auth_payload_with_approle", vaultBase, map[string]string{"vault-method": "approle", "vault-role": "", "vault-role-id": "ci-role", "vault-auth-payload": `{"secret_id": "` + badInputMarker + `"}`}, nil, "Invalid input vault-auth-payload", "does not read vault-auth-payload"},
		{"password_with_jwt_is_named_not_shown", vaultBase, map[string]string{"vault-password": badInputMarker}, nil, "Invalid input vault-password", "vault-method is jwt, which does not read vault-password"},
		{"github_token_with_userpass", vaultBase, map[string]string{"vault-method": "userpass", "vault-role": "", "vault-username": "ci", "vault-password": "p", "vault-github-token": badInputMarker}, nil, "Invalid input vault-github-token", "set vault-method to github"},
		{"kubernetes_token_path_with_jwt", vaultBase, map[string]string{"vault-kubernetes-token-path": "k8s/token"}, nil, "Invalid input vault-kubernetes-token-path", "set vault-method to kubernetes"},
		{"vault_role_with_userpass", vaultBase, map[string]string{"vault-method": "userpass", "vault-username": "ci", "vault-password": badInputMarker}, nil, "Invalid input vault-role", "userpass, which does not read vault-role"},
		{"payload_with_a_username", vaultBase, map[string]string{"vault-method": "oci", "vault-role": "", "vault-auth-payload": "{}", "vault-username": "ci"}, nil, "Invalid input vault-username", "userpass or ldap"},
		{"token_method_without_a_token", vaultBase, map[string]string{"vault-method": "token"}, nil, "Invalid input vault-token", "is required"},
		{"approle_without_a_role_id", vaultBase, map[string]string{"vault-method": "approle", "vault-secret-id": badInputMarker}, nil, "Invalid input vault-role-id", "is required"},
		{"approle_secret_id_kept_out_of_a_spec_error", vaultBase, map[string]string{"vault-method": "approle", "vault-role-id": "ci-role",
			"vault-secret-id": badInputMarker, "vault-secrets": "secret/data/aws accessKey |"}, nil, "Invalid input vault-secrets", "You must provide a value"},
		{"vault_token_kept_out_of_a_boolean_error", vaultBase, map[string]string{"vault-method": "token", "vault-token": badInputMarker,
			"vault-export-token": "yes"}, nil, "Invalid input vault-export-token", "true or false"},
		{"vault_token_kept_out_of_a_retry_error", vaultBase, map[string]string{"vault-method": "token", "vault-token": badInputMarker,
			"vault-retry-max-attempts": "0"}, nil, "Invalid input vault-retry-max-attempts", "1 to 100"},
		{"nothing_asked_of_vault", vaultBase, map[string]string{"vault-secrets": ""}, nil, "Invalid input vault-secrets", "nothing is asked of Vault"},
		{"ca_certificate_not_pem", vaultBase, map[string]string{"vault-ca-certificate": "not a certificate"}, nil, "Invalid input vault-ca-certificate", "PEM certificate"},
		{"client_certificate_without_a_key", vaultBase, map[string]string{"vault-client-certificate": badCert}, nil, "Invalid input vault-client-key", "together"},
		{"client_key_without_a_certificate", vaultBase, map[string]string{"vault-client-key": secretKey}, nil, "Invalid input vault-client-certificate", "together"},
		{"client_key_that_does_not_parse_is_hidden", vaultBase, map[string]string{"vault-client-certificate": badCert, "vault-client-key": secretKey}, nil, "Invalid input vault-client-certificate", "value hidden"},
		{"header_line_without_a_colon_is_hidden", vaultBase, map[string]string{"vault-extra-headers": "X-Team: blue\nX-Api-Key " + badInputMarker}, nil, "Invalid input vault-extra-headers", "line 2 is not a header"},
		{"header_name_with_a_space_is_hidden", vaultBase, map[string]string{"vault-extra-headers": "X Api Key: " + badInputMarker}, nil, "Invalid input vault-extra-headers", "line 1 is not a header"},
		{"header_that_sets_the_vault_token", vaultBase, map[string]string{"vault-extra-headers": "X-Vault-Token: " + badInputMarker}, nil, "Invalid input vault-extra-headers", "set by the login"},
		{"header_that_sets_authorization", vaultBase, map[string]string{"vault-extra-headers": "authorization: Bearer " + badInputMarker}, nil, "Invalid input vault-extra-headers", "set by the login"},
		{"header_value_with_a_carriage_return", vaultBase, map[string]string{"vault-extra-headers": "X-Api-Key: " + badInputMarker + "\rX-Injected: 1"}, nil, "Invalid input vault-extra-headers", "control character"},
		{"namespace_with_a_control_character", vaultBase, map[string]string{"vault-namespace": "team-a\rX-Injected: 1"}, nil, "Invalid input vault-namespace", "namespace path"},
		{"encoding_rot13", vaultBase, map[string]string{"vault-secret-encoding-type": "rot13"}, nil, "Invalid input vault-secret-encoding-type", "base64, hex or utf8"},
		{"tls_skip_verify_written_as_one", vaultBase, map[string]string{"vault-tls-skip-verify": "1"}, nil, "Invalid input vault-tls-skip-verify", "true or false"},
		{"vault_retry_attempts_not_a_number", vaultBase, map[string]string{"vault-retry-max-attempts": "five"}, nil, "Invalid input vault-retry-max-attempts", "1 to 100"},

		// The vault-secrets grammar.
		{"spec_pipe_without_a_name", vaultBase, map[string]string{"vault-secrets": "secret/data/aws accessKey |"}, nil, "Invalid input vault-secrets", "entry 1 (line 1, column 27)"},
		{"spec_path_without_a_key", vaultBase, map[string]string{"vault-secrets": "secret/data/aws"}, nil, "Invalid input vault-secrets", "the key is missing"},
		{"spec_name_without_a_path", vaultBase, map[string]string{"vault-secrets": " | NAME"}, nil, "Invalid input vault-secrets", "the path is missing"},
		{"spec_unclosed_quote", vaultBase, map[string]string{"vault-secrets": `secret/data/aws "accessKey`}, nil, "Invalid input vault-secrets", "unclosed quote"},
		{"spec_key_with_an_unquoted_space", vaultBase, map[string]string{"vault-secrets": "secret/data/aws access Key"}, nil, "Invalid input vault-secrets", "a key has no spaces unless quoted"},
		{"spec_quoted_path", vaultBase, map[string]string{"vault-secrets": `"secret/data/aws" accessKey`}, nil, "Invalid input vault-secrets", "must not be quoted"},
		{"spec_double_slash", vaultBase, map[string]string{"vault-secrets": "secret//data/aws accessKey"}, nil, "Invalid input vault-secrets", `must not contain "//"`},
		{"spec_dot_dot_segment", vaultBase, map[string]string{"vault-secrets": "secret/data/../aws accessKey"}, nil, "Invalid input vault-secrets", `must not contain a ".." segment`},
		{"spec_dot_segment", vaultBase, map[string]string{"vault-secrets": "./secret/data/aws accessKey"}, nil, "Invalid input vault-secrets", `must not contain a "." segment`},
		{"spec_query_other_than_version", vaultBase, map[string]string{"vault-secrets": "secret/data/aws?list=true accessKey"}, nil, "Invalid input vault-secrets", "?version=N"},
		{"spec_file_without_a_name", vaultBase, map[string]string{"vault-secrets": "secret/data/aws accessKey >"}, nil, "Invalid input vault-secrets", `entry 1 (line 1, column 27): missing name after ">"`},
		{"spec_file_with_an_invalid_name", vaultBase, map[string]string{"vault-secrets": "secret/data/aws accessKey > key-file"}, nil, "Invalid input vault-secrets", `invalid name "key-file"`},
		{"spec_file_of_a_wildcard", vaultBase, map[string]string{"vault-secrets": "secret/data/aws * > ALL"}, nil, "Invalid input vault-secrets", "a wildcard cannot be written to a file"},
		{"spec_file_without_runner_temp", vaultBase, map[string]string{"vault-secrets": "secret/data/aws accessKey > KEY_FILE"}, map[string]string{"RUNNER_TEMP": ""}, "No runner temp directory", "path key > NAME"},
		{"unmasked_name_no_entry_exports", vaultBase, map[string]string{"vault-unmasked": "AWS_KEYS"}, nil, "Invalid input vault-unmasked", "no vault-secrets entry exports this name"},
		{"unmasked_secret_file", vaultBase, map[string]string{"vault-secrets": "secret/data/aws accessKey > KEY_FILE", "vault-unmasked": "KEY_FILE"}, nil, "Invalid input vault-unmasked", "writes its value to a file"},
		{"unmasked_vault_token", vaultBase, map[string]string{"vault-output-token": "true", "vault-unmasked": "vault-token"}, nil, "Invalid input vault-unmasked", "the Vault token is always masked"},
		{"spec_name_starting_with_a_digit", vaultBase, map[string]string{"vault-secrets": "secret/data/aws accessKey | 1KEY"}, nil, "Invalid input vault-secrets", "invalid name"},
		{"spec_name_with_a_dash", vaultBase, map[string]string{"vault-secrets": "secret/data/aws accessKey | NPM-TOKEN"}, nil, "Invalid input vault-secrets", "invalid name"},
		{"spec_wildcard_prefix_with_a_dash", vaultBase, map[string]string{"vault-secrets": "secret/data/app * | ci-"}, nil, "Invalid input vault-secrets", "invalid prefix"},
		{"spec_derived_name_starting_with_a_digit", vaultBase, map[string]string{"vault-secrets": "secret/data/app 123key"}, nil, "Invalid input vault-secrets", "starts with a digit"},
		{"spec_derived_name_empty", vaultBase, map[string]string{"vault-secrets": "secret/data/app ---"}, nil, "Invalid input vault-secrets", "would be empty"},
		{"spec_name_the_runner_refuses", vaultBase, map[string]string{"vault-secrets": "secret/data/aws accessKey | NODE_OPTIONS"}, nil, "Invalid input vault-secrets", "the runner refuses to set NODE_OPTIONS"},
		{"spec_name_the_runner_refuses_in_lower_case", vaultBase, map[string]string{"vault-secrets": "secret/data/aws accessKey | node_options"}, nil, "Invalid input vault-secrets", "the runner refuses to set NODE_OPTIONS from a step, whatever its letter case"},
		{"spec_derived_name_outside_ascii", vaultBase, map[string]string{"vault-secrets": "secret/data/app пароль"}, nil, "Invalid input vault-secrets", "which later steps cannot use"},
		{"spec_jsonata_expression", vaultBase, map[string]string{"vault-secrets": "secret/data/aws $join(a)"}, nil, "Invalid input vault-secrets", "entry 1 (line 1, column 17)"},
		{"spec_empty_path_segment_in_selector", vaultBase, map[string]string{"vault-secrets": "secret/data/app db..password"}, nil, "Invalid input vault-secrets", "empty key"},
		{"spec_expression_that_does_not_parse", vaultBase, map[string]string{"vault-secrets": "secret/data/app hosts[x | H"}, nil, "Invalid input vault-secrets", "entry 1"},
		{"spec_error_on_the_third_line", vaultBase, map[string]string{"vault-secrets": "secret/data/aws accessKey | A\n\nsecret/data/app npmToken |"}, nil, "Invalid input vault-secrets", "entry 2 (line 3"},
		{"spec_two_entries_one_name", vaultBase, map[string]string{"vault-secrets": "secret/data/aws accessKey | X; secret/data/app npmToken | X"}, nil, "Invalid input vault-secrets", "both set env var X"},
		{"spec_outputs_differ_only_in_case", vaultBase, map[string]string{"vault-export-env": "false", "vault-secrets": "secret/data/aws accessKey | Token; secret/data/app npmToken | TOKEN"}, nil, "Invalid input vault-secrets", "both set output TOKEN"},
		{"spec_clash_with_the_exported_token", vaultBase, map[string]string{"vault-export-token": "true", "vault-secrets": "secret/data/aws accessKey | VAULT_TOKEN"}, nil, "Invalid input vault-secrets", "both set env var VAULT_TOKEN"},
		{"spec_clash_with_an_aws_env_var", bothBase, map[string]string{"vault-secrets": "secret/data/aws accessKey | AWS_SESSION_TOKEN"}, nil, "Invalid input vault-secrets", "role-to-assume and entry 1 (secret/data/aws accessKey | AWS_SESSION_TOKEN) both set env var AWS_SESSION_TOKEN"},
		{"spec_clash_with_an_aws_output", bothBase, map[string]string{"vault-secrets": "secret/data/aws accessKey | aws-account-id"}, nil, "Invalid input vault-secrets", "entry 1"},

		// The vault-pki grammar.
		{"pki_parameters_not_json", vaultBase, map[string]string{"vault-pki": "pki/issue/web {common_name: x}"}, nil, "Invalid input vault-pki", "entry 1 (line 1, column 16): invalid JSON parameters"},
		{"pki_parameters_not_an_object", vaultBase, map[string]string{"vault-pki": `pki/issue/web ["x"]`}, nil, "Invalid input vault-pki", "column 15): the parameters must be a JSON object"},
		{"pki_parameters_missing", vaultBase, map[string]string{"vault-pki": "pki/issue/web | TLS"}, nil, "Invalid input vault-pki", "must be a JSON object"},
		{"pki_error_on_the_second_line", vaultBase, map[string]string{"vault-pki": "pki/issue/web {} | A\npki/issue/api {} |"}, nil, "Invalid input vault-pki", "entry 2 (line 2, column 18)"},
		{"pki_path_not_an_issue_endpoint", vaultBase, map[string]string{"vault-pki": "pki/sign/web {}"}, nil, "Invalid input vault-pki", "MOUNT/issue/ROLE"},
		{"pki_name_with_a_dash", vaultBase, map[string]string{"vault-pki": "pki/issue/web {} | web-tls"}, nil, "Invalid input vault-pki", `invalid name "web-tls"`},
		{"pki_name_clashes_with_a_secret", vaultBase, map[string]string{"vault-pki": "pki/issue/aws {} | AWS"}, nil, "Invalid input vault-secrets", "both set env var AWS_KEY"},
		{"pki_names_derived_from_one_role_clash", vaultBase, map[string]string{"vault-pki": "pki/issue/web {}; pki_int/issue/web {}"}, nil, "Invalid input vault-pki", "both set env var WEB_CERT"},

		// An input of a side that is off does nothing: refused, not skipped.
		{"vault_secrets_with_an_empty_vault_url", bothBase, vaultOff, nil, "Invalid input vault-url", "vault-role, vault-secrets are set, but vault-url is empty"},
		{"vault_token_with_an_empty_vault_url_is_named_not_shown", awsBase, map[string]string{"vault-method": "token", "vault-token": badInputMarker}, nil, "Invalid input vault-url", "or remove vault-method, vault-token"},
		{"vault_role_alone_with_an_empty_vault_url", noneBase, map[string]string{"vault-role": "ci"}, nil, "Invalid input vault-url", "vault-role is set"},
		{"aws_inputs_with_an_empty_role", bothBase, awsOff, nil, "Invalid input role-to-assume", "aws-region, role-session-name, sts-endpoint are set, but role-to-assume is empty"},
		{"allowed_accounts_with_an_empty_role", vaultBase, map[string]string{"allowed-account-ids": "737236345234"}, nil, "Invalid input role-to-assume", "allowed-account-ids is set"},
		{"duration_with_an_empty_role", vaultBase, map[string]string{"role-duration-seconds": "900"}, nil, "Invalid input role-to-assume", "or remove role-duration-seconds"},

		// AWS and Vault together: the first bad input stops both sides.
		{"good_vault_bad_aws", bothBase, map[string]string{"role-duration-seconds": "60"}, nil, "Invalid input role-duration-seconds", "900 to 43200"},
		{"good_aws_bad_vault", bothBase, map[string]string{"vault-method": "token", "vault-token": badInputMarker, "vault-ca-certificate": "x"}, nil, "Invalid input vault-ca-certificate", "PEM certificate"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tokens := tokenServer(t, idtokentest.Config{})
			tw := newTripwire(t)
			in := with(tt.base(tw.URL), tt.change)
			res := run(t, testbed.Step{Binary: bin, Inputs: in, Env: with(tokens.Env(), tt.env)})

			assert.Equal(t, 1, res.ExitCode, res.Stdout)
			errs := errorAnnotations(res.Stdout)
			require.Len(t, errs, 1, "stdout:\n%s\nstderr:\n%s", res.Stdout, res.Stderr)
			assert.True(t, strings.HasPrefix(errs[0], "::error title="+tt.wantTitle+"::"), errs[0])
			if tt.wantText != "" {
				assert.Contains(t, runnertest.UnescapeData(errs[0]), tt.wantText)
			}
			assert.Empty(t, tokens.Requests(), "validation happens before the ID token is asked for")
			assert.Zero(t, tw.requests.Load(), "validation happens before STS or Vault is called")
			assert.Empty(t, res.EnvRaw)
			assert.Empty(t, res.OutputRaw)
			assert.NotContains(t, res.Stdout, badInputMarker, "a secret input is never echoed")
			assert.NotContains(t, res.Stderr, badInputMarker, "a secret input is never echoed")
		})
	}
}
