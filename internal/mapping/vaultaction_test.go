package mapping

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/federate-action/federate/internal/export"
	"github.com/federate-action/federate/internal/plan"
	"github.com/federate-action/federate/internal/vault"
)

// decoded is a secret's data as the Vault client decodes it: numbers as
// json.Number, and for KV v2 the secret's own data, without the envelope.
func decoded(t *testing.T, text string) map[string]any {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(text))
	dec.UseNumber()
	var m map[string]any
	require.NoError(t, dec.Decode(&m))
	return m
}

// TestVault_VaultActionTables runs the rows of vault-action's own tests
// that read secrets (src/action.test.js "exportSecrets",
// integrationTests/basic/integration.test.js, integrationTests/e2e with the
// "Test JSON Secrets" workflow step), each with the secret it writes and
// the env vars and outputs it expects.
func TestVault_VaultActionTables(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		secrets     map[string]string // path -> data, as JSON
		specs       string
		change      func(*plan.VaultPlan)
		wantEnv     map[string]string
		wantOutputs map[string]string
		wantNotes   []string
		wantErr     any
	}{
		// src/action.test.js, describe("exportSecrets")
		{name: "simple_secret_retrieval", secrets: map[string]string{"test": `{"key":1}`}, specs: "test key",
			wantEnv: map[string]string{"KEY": "1"}, wantOutputs: map[string]string{"key": "1"}},
		{name: "encoded_secret_retrieval", secrets: map[string]string{"test": `{"key":"MQ=="}`}, specs: "test key",
			change:  func(p *plan.VaultPlan) { p.Encoding = "base64" },
			wantEnv: map[string]string{"KEY": "1"}, wantOutputs: map[string]string{"key": "1"}},
		{name: "json_data_secret_retrieval", secrets: map[string]string{"test": `{"key":{"x":1,"y":2}}`}, specs: "test key",
			wantEnv: map[string]string{"KEY": `{"x":1,"y":2}`}, wantOutputs: map[string]string{"key": `{"x":1,"y":2}`}},
		{name: "json_string_secret_retrieval", secrets: map[string]string{"test": `{"key":"{\"x\":1,\"y\":2}"}`}, specs: "test key",
			wantEnv: map[string]string{"KEY": `{"x":1,"y":2}`}, wantOutputs: map[string]string{"key": `{"x":1,"y":2}`}},
		{name: "multi_line_json_string_secret_retrieval", secrets: map[string]string{"test": `{"key":"\n        {\n            \"x\":1,\n            \"y\":\"bar\"\n        }\n        "}`}, specs: "test key",
			wantEnv:     map[string]string{"KEY": "\n        {\n            \"x\":1,\n            \"y\":\"bar\"\n        }\n        "},
			wantOutputs: map[string]string{"key": "\n        {\n            \"x\":1,\n            \"y\":\"bar\"\n        }\n        "}},
		// vault-action exports env 测试; an env name outside ASCII letters
		// cannot be read by later steps' shells, so without "| NAME" the
		// entry is refused when the input is parsed (TestParse_VaultActionTables);
		// with an output only, the output keeps vault-action's name.
		{name: "intl_secret_retrieval_as_output", secrets: map[string]string{"测试": `{"测试":1}`}, specs: "测试 测试 | T",
			wantEnv: map[string]string{"T": "1"}, wantOutputs: map[string]string{"T": "1"}},
		{name: "mapped_secret_retrieval", secrets: map[string]string{"test": `{"key":1}`}, specs: "test key|TEST_NAME",
			wantEnv: map[string]string{"TEST_NAME": "1"}, wantOutputs: map[string]string{"TEST_NAME": "1"}},
		{name: "simple_secret_retrieval_from_kv_v1", secrets: map[string]string{"test": `{"key":1}`}, specs: "test key",
			wantEnv: map[string]string{"KEY": "1"}, wantOutputs: map[string]string{"key": "1"}},
		// Its extra headers go with the request (e2e TestVault_NamespaceAndExtraHeadersGoWithEveryRequest).
		{name: "simple_secret_retrieval_with_extra_headers", secrets: map[string]string{"test": `{"key":1}`}, specs: "test key",
			wantEnv: map[string]string{"KEY": "1"}, wantOutputs: map[string]string{"key": "1"}},
		{name: "nested_secret_retrieval", secrets: map[string]string{"test": `{"key":{"value":1}}`}, specs: "test key.value",
			wantEnv: map[string]string{"KEY__VALUE": "1"}, wantOutputs: map[string]string{"key__value": "1"}},
		{name: "single_line_secret_gets_masked", secrets: map[string]string{"test": `{"key":"secret"}`}, specs: "test key",
			wantEnv: map[string]string{"KEY": "secret"}, wantOutputs: map[string]string{"key": "secret"}},
		{name: "multi_line_secret", secrets: map[string]string{"test": `{"key":"ssh-rsa AAAA\nGPl+naf\nNrRFi9wrf+M7Q=="}`}, specs: "test key",
			wantEnv: map[string]string{"KEY": "ssh-rsa AAAA\nGPl+naf\nNrRFi9wrf+M7Q=="}, wantOutputs: map[string]string{"key": "ssh-rsa AAAA\nGPl+naf\nNrRFi9wrf+M7Q=="}},
		{name: "multi_line_secret_with_blank_lines", secrets: map[string]string{"test": `{"key":"a multi-line string\n\nwith blank lines\n\n"}`}, specs: "test key",
			wantEnv: map[string]string{"KEY": "a multi-line string\n\nwith blank lines\n\n"}, wantOutputs: map[string]string{"key": "a multi-line string\n\nwith blank lines\n\n"}},

		// integrationTests/basic/integration.test.js
		{name: "not_found_is_an_error", secrets: map[string]string{"secret/data/test": `{"secret":"SUPERSECRET"}`},
			specs:   "secret/data/test secret ;\nsecret/data/test secret | NAMED_SECRET ;\nsecret/data/notFound kehe | NO_SIR ;",
			wantErr: new(*vault.ReadError)},
		{name: "not_found_is_skipped_with_ignore_not_found", secrets: map[string]string{"secret/data/test": `{"secret":"SUPERSECRET"}`},
			specs:       "secret/data/test secret ;\nsecret/data/test secret | NAMED_SECRET ;\nsecret/data/notFound kehe | NO_SIR ;",
			change:      func(p *plan.VaultPlan) { p.IgnoreNotFound = true },
			wantEnv:     map[string]string{"SECRET": "SUPERSECRET", "NAMED_SECRET": "SUPERSECRET"},
			wantOutputs: map[string]string{"secret": "SUPERSECRET", "NAMED_SECRET": "SUPERSECRET"},
			wantNotes:   []string{"Skipping secret/data/notFound: not found (vault-ignore-not-found)"}},
		{name: "get_simple_secret", secrets: map[string]string{"secret/data/test": `{"secret":"SUPERSECRET"}`}, specs: "secret/data/test secret",
			wantEnv: map[string]string{"SECRET": "SUPERSECRET"}, wantOutputs: map[string]string{"secret": "SUPERSECRET"}},
		{name: "re_map_secret", secrets: map[string]string{"secret/data/test": `{"secret":"SUPERSECRET"}`}, specs: "secret/data/test secret | TEST_KEY",
			wantEnv: map[string]string{"TEST_KEY": "SUPERSECRET"}, wantOutputs: map[string]string{"TEST_KEY": "SUPERSECRET"}},
		{name: "get_nested_secret", secrets: map[string]string{"secret/data/nested/test": `{"other-Secret-dash":"OTHERSUPERSECRET"}`}, specs: `secret/data/nested/test "other-Secret-dash"`,
			wantEnv: map[string]string{"OTHERSECRETDASH": "OTHERSUPERSECRET"}, wantOutputs: map[string]string{"otherSecretdash": "OTHERSUPERSECRET"}},
		{name: "get_multiple_secrets",
			secrets:     map[string]string{"secret/data/test": `{"secret":"SUPERSECRET"}`, "secret/data/nested/test": `{"other-Secret-dash":"OTHERSUPERSECRET"}`},
			specs:       "\n        secret/data/test secret ;\n        secret/data/test secret | NAMED_SECRET ;\n        secret/data/nested/test \"other-Secret-dash\" ;",
			wantEnv:     map[string]string{"SECRET": "SUPERSECRET", "NAMED_SECRET": "SUPERSECRET", "OTHERSECRETDASH": "OTHERSUPERSECRET"},
			wantOutputs: map[string]string{"secret": "SUPERSECRET", "NAMED_SECRET": "SUPERSECRET", "otherSecretdash": "OTHERSUPERSECRET"}},
		{name: "get_wildcard_secrets_with_dot_char", secrets: map[string]string{"secret/data/test-with-dot-char": `{"secret.foo":"SUPERSECRET"}`}, specs: "secret/data/test-with-dot-char * ;",
			wantEnv: map[string]string{"SECRET__FOO": "SUPERSECRET"}, wantOutputs: map[string]string{"secret__foo": "SUPERSECRET"}},
		{name: "get_secrets_with_multiple_dot_chars", secrets: map[string]string{"secret/data/test-with-multi-dot-chars": `{"secret.foo.bar":"SUPERSECRET"}`}, specs: "secret/data/test-with-multi-dot-chars * ;",
			wantEnv: map[string]string{"SECRET__FOO__BAR": "SUPERSECRET"}, wantOutputs: map[string]string{"secret__foo__bar": "SUPERSECRET"}},
		{name: "get_wildcard_secrets", secrets: map[string]string{"secret/data/test": `{"secret":"SUPERSECRET"}`}, specs: "secret/data/test * ;",
			wantEnv: map[string]string{"SECRET": "SUPERSECRET"}, wantOutputs: map[string]string{"secret": "SUPERSECRET"}},
		{name: "get_wildcard_secrets_with_name_prefix", secrets: map[string]string{"secret/data/test": `{"secret":"SUPERSECRET"}`}, specs: "secret/data/test * | GROUP_ ;",
			wantEnv: map[string]string{"GROUP_SECRET": "SUPERSECRET"}, wantOutputs: map[string]string{"GROUP_secret": "SUPERSECRET"}},
		{name: "leading_slash_kvv2", secrets: map[string]string{"secret/data/foobar": `{"fookv2":"bar"}`}, specs: "/secret/data/foobar fookv2",
			wantEnv: map[string]string{"FOOKV2": "bar"}, wantOutputs: map[string]string{"fookv2": "bar"}},
		{name: "get_secret_from_kv_v1", secrets: map[string]string{"secret-kv1/test": `{"secret":"CUSTOMSECRET"}`}, specs: "secret-kv1/test secret",
			wantEnv: map[string]string{"SECRET": "CUSTOMSECRET"}, wantOutputs: map[string]string{"secret": "CUSTOMSECRET"}},
		{name: "get_nested_secret_from_kv_v1", secrets: map[string]string{"secret-kv1/nested/test": `{"other-Secret-dash":"OTHERCUSTOMSECRET"}`}, specs: `secret-kv1/nested/test "other-Secret-dash"`,
			wantEnv: map[string]string{"OTHERSECRETDASH": "OTHERCUSTOMSECRET"}, wantOutputs: map[string]string{"otherSecretdash": "OTHERCUSTOMSECRET"}},
		{name: "get_kv_v1_wildcard_secrets", secrets: map[string]string{"secret-kv1/test": `{"secret":"CUSTOMSECRET"}`}, specs: "secret-kv1/test * ;",
			wantEnv: map[string]string{"SECRET": "CUSTOMSECRET"}, wantOutputs: map[string]string{"secret": "CUSTOMSECRET"}},
		{name: "get_kv_v1_wildcard_secrets_with_name_prefix", secrets: map[string]string{"secret-kv1/test": `{"secret":"CUSTOMSECRET"}`}, specs: "secret-kv1/test * | GROUP_ ;",
			wantEnv: map[string]string{"GROUP_SECRET": "CUSTOMSECRET"}, wantOutputs: map[string]string{"GROUP_secret": "CUSTOMSECRET"}},
		{name: "get_wildcard_nested_secret_from_kv_v1", secrets: map[string]string{"secret-kv1/nested/test": `{"other-Secret-dash":"OTHERCUSTOMSECRET"}`}, specs: "secret-kv1/nested/test *",
			wantEnv: map[string]string{"OTHERSECRETDASH": "OTHERCUSTOMSECRET"}, wantOutputs: map[string]string{"otherSecretdash": "OTHERCUSTOMSECRET"}},
		{name: "leading_slash_kvv1", secrets: map[string]string{"secret-kv1/foobar": `{"fookv1":"bar"}`}, specs: "/secret-kv1/foobar fookv1",
			wantEnv: map[string]string{"FOOKV1": "bar"}, wantOutputs: map[string]string{"fookv1": "bar"}},
		{name: "supports_cubbyhole", secrets: map[string]string{"cubbyhole/test": `{"foo":"bar","zip":"zap"}`}, specs: "/cubbyhole/test foo",
			wantEnv: map[string]string{"FOO": "bar"}, wantOutputs: map[string]string{"foo": "bar"}},
		{name: "wildcard_supports_cubbyhole_with_uppercase_transform", secrets: map[string]string{"cubbyhole/test": `{"foo":"bar","zip":"zap"}`}, specs: "/cubbyhole/test *",
			wantEnv: map[string]string{"FOO": "bar", "ZIP": "zap"}, wantOutputs: map[string]string{"foo": "bar", "zip": "zap"}},
		{name: "wildcard_supports_cubbyhole_with_no_change_in_case", secrets: map[string]string{"cubbyhole/test": `{"foo":"bar","zip":"zap"}`}, specs: "/cubbyhole/test **",
			wantEnv: map[string]string{"foo": "bar", "zip": "zap"}, wantOutputs: map[string]string{"foo": "bar", "zip": "zap"}},
		// vault-action sets the outputs foo and zip twice (last wins); a
		// name set twice is refused here, naming both entries.
		{name: "wildcard_supports_cubbyhole_with_mixed_case_change", secrets: map[string]string{"cubbyhole/test": `{"foo":"bar","zip":"zap"}`},
			specs:   "\n            /cubbyhole/test * ;\n            /cubbyhole/test **",
			wantErr: new(*export.CollisionError)},
		{name: "caches_responses", secrets: map[string]string{"cubbyhole/test": `{"foo":"bar","zip":"zap"}`}, specs: "\n            /cubbyhole/test foo ;\n            /cubbyhole/test zip",
			wantEnv: map[string]string{"FOO": "bar", "ZIP": "zap"}, wantOutputs: map[string]string{"foo": "bar", "zip": "zap"}},

		// integrationTests/e2e (setup.js, e2e.test.js) and the "Test JSON
		// Secrets" step of .github/workflows/build.yml
		{name: "e2e_kv_v2_secrets", secrets: map[string]string{"secret/data/test": `{"secret":"SUPERSECRET"}`, "secret/data/nested/test": `{"otherSecret":"OTHERSUPERSECRET"}`},
			specs:       "secret/data/test secret ;\nsecret/data/test secret | NAMED_SECRET ;\nsecret/data/nested/test otherSecret ;",
			wantEnv:     map[string]string{"SECRET": "SUPERSECRET", "NAMED_SECRET": "SUPERSECRET", "OTHERSECRET": "OTHERSUPERSECRET"},
			wantOutputs: map[string]string{"secret": "SUPERSECRET", "NAMED_SECRET": "SUPERSECRET", "otherSecret": "OTHERSUPERSECRET"}},
		{name: "e2e_json_secrets",
			secrets: map[string]string{"secret/data/test-json-data": `{"jsonData":{"x":1,"y":"qux"}}`, "secret/data/test-json-string": `{"jsonString":"{\"x\":1,\"y\":\"qux\"}"}`,
				"secret/data/test-json-string-multiline": `{"jsonStringMultiline":"{\"x\": 1, \"y\": \"q\\nux\"}"}`},
			specs:       "secret/data/test-json-data jsonData;\nsecret/data/test-json-string jsonString;\nsecret/data/test-json-string-multiline jsonStringMultiline;",
			wantEnv:     map[string]string{"JSONDATA": `{"x":1,"y":"qux"}`, "JSONSTRING": `{"x":1,"y":"qux"}`, "JSONSTRINGMULTILINE": `{"x": 1, "y": "q\nux"}`},
			wantOutputs: map[string]string{"jsonData": `{"x":1,"y":"qux"}`, "jsonString": `{"x":1,"y":"qux"}`, "jsonStringMultiline": `{"x": 1, "y": "q\nux"}`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			secrets := map[string]vault.Secret{}
			p := vaultPlan(t, tt.specs, tt.change)
			for _, s := range p.Specs {
				if data, ok := tt.secrets[s.Path]; ok {
					secrets[s.Path] = vault.Secret{Path: s.Path, Found: true, Data: decoded(t, data)}
				} else {
					secrets[s.Path] = vault.Secret{Path: s.Path, APIPath: s.Path}
				}
			}
			set := &export.Set{}
			notes, err := Vault(set, p, VaultResult{Secrets: secrets})
			assert.Equal(t, tt.wantNotes, notes)
			if tt.wantErr != nil {
				require.ErrorAs(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, orEmpty(tt.wantEnv), values(set.EnvVars()), "env")
			assert.Equal(t, orEmpty(tt.wantOutputs), values(set.Outputs()), "outputs")
			for _, v := range append(set.EnvVars(), set.Outputs()...) {
				assert.True(t, v.Value.IsSecret(), "%s is masked", v.Name)
			}
		})
	}
}

// jsonataData is the secret the JSONata rows read, as Vault returns it.
const jsonataData = `{"key":1,"name":"x","list":[{"name":"a","v":1},{"name":"b","v":2}],"tags":["t1","t2"],"one":["only"],` +
	`"nested":{"a":{"b":"deep"}},"n":1.5,"big":12345678901234567890,"flag":true,"nul":null,` +
	`"obj":{"10":"ten","x":1,"y":"qux"},"s":"a&b<c>","multi":"l1\nl2","a-b":{"c":"dash"},"e":1e21}`

// TestVault_JSONataSelectors checks selectors against what vault-action's
// JSONata library (jsonata-js 2.0.3) gives for them on the same data:
// strings exported as they are, every other result as its JSON text, and
// no result as a missing key. Keys, paths and indexes are read without the
// library; the rest are expressions, which need "| NAME".
func TestVault_JSONataSelectors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		selector string
		want     string
		found    bool
	}{
		{"list.name", "[\"a\",\"b\"]", true},
		{"list[0].name", "a", true},
		{"list[v>1].name", "b", true},
		{"$count(list)", "2", true},
		{"list[0]", "{\"name\":\"a\",\"v\":1}", true},
		{"tags", "[\"t1\",\"t2\"]", true},
		{"one", "[\"only\"]", true},
		{"one[0]", "only", true},
		{"$join(tags, \",\")", "t1,t2", true},
		{"nested.a", "{\"b\":\"deep\"}", true},
		{"name & \"-suffix\"", "x-suffix", true},
		{"obj", "{\"10\":\"ten\",\"x\":1,\"y\":\"qux\"}", true},
		{"$string(key)", "1", true},
		{"key + 1", "2", true},
		{"n * 2", "3", true},
		{"flag", "true", true},
		{"nul", "null", true},
		{"$keys(obj)", "[\"10\",\"x\",\"y\"]", true}, // in any order: see below
		{"$uppercase(name)", "X", true},
		{"list.{\"n\": name}", "[{\"n\":\"a\"},{\"n\":\"b\"}]", true},
		{"$sum(list.v)", "3", true},
		{"tags[-1]", "t2", true},
		{"list[name=\"a\"].v", "1", true},
		{"s", "a&b<c>", true},
		{"multi", "l1\nl2", true},
		{"big", "12345678901234567890", true}, // vault-action: 12345678901234567000 (a JavaScript number)
		{"e", "1e21", true},                   // vault-action: 1e+21; a key keeps the number as Vault wrote it
		{"e + 0", "1e+21", true},
		{"big + 0", "12345678901234567000", true},
		{"$not(flag)", "false", true},
		{"missing", "", false},
		{"list[v>5].name", "", false},
		{"$lookup(obj, \"x\")", "1", true},
		{"list.v", "[1,2]", true},
		{"$substring(name, 0, 1)", "x", true},
		{"`a-b`.c", "dash", true},
		{"nested.a.b", "deep", true},
		{"$exists(missing)", "false", true},
		{"list[0].name & list[1].name", "ab", true},
	}
	for _, tt := range tests {
		t.Run(tt.selector, func(t *testing.T) {
			t.Parallel()
			p := vaultPlan(t, "secret/data/app "+tt.selector+" | X", func(p *plan.VaultPlan) { p.ExportEnv = false })
			secrets := map[string]vault.Secret{"secret/data/app": {Path: "secret/data/app", Found: true, Data: decoded(t, jsonataData)}}
			set := &export.Set{}
			_, err := Vault(set, p, VaultResult{Secrets: secrets})
			if !tt.found {
				var keyErr *KeyError
				require.ErrorAs(t, err, &keyErr)
				return
			}
			require.NoError(t, err)
			got := values(set.Outputs())["X"]
			if tt.selector == "$keys(obj)" {
				// The library walks a Go map, in no set order.
				var keys []string
				require.NoError(t, json.Unmarshal([]byte(got), &keys))
				assert.ElementsMatch(t, []string{"10", "x", "y"}, keys)
				return
			}
			assert.Equal(t, tt.want, got)
		})
	}
}

// An expression that gives no value is reported as such, not as a key.
func TestVault_JSONataSelectorWithoutResult(t *testing.T) {
	t.Parallel()
	secrets := map[string]vault.Secret{"secret/data/app": {Path: "secret/data/app", Found: true, Data: decoded(t, jsonataData)}}
	_, err := Vault(&export.Set{}, vaultPlan(t, `secret/data/app list[v>5].name | X`, nil), VaultResult{Secrets: secrets})
	var keyErr *KeyError
	require.ErrorAs(t, err, &keyErr)
	assert.Contains(t, err.Error(), "the JSONata selector gives no value (nothing matched, or null) on secret/data/app; its keys are: a-b, big,")
	assert.Equal(t, "Vault secret has no such key", keyErr.Title())
}
