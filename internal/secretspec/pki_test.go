package secretspec_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/federate-action/federate/internal/secretspec"
)

func TestParsePKI_entries(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want []secretspec.PKISpec
	}{
		{"one_entry_with_name", `pki/issue/web {"common_name": "a.example.com"} | WEB_TLS;`,
			[]secretspec.PKISpec{{Entry: 1, Line: 1, Raw: `pki/issue/web {"common_name": "a.example.com"} | WEB_TLS`,
				Path: "pki/issue/web", Params: []byte(`{"common_name": "a.example.com"}`), Name: "WEB_TLS"}}},
		{"entry_without_name_as_vault_action_writes_it", `pki/issue/web {"common_name":"a.example.com","ttl":"1h"};`,
			[]secretspec.PKISpec{{Entry: 1, Line: 1, Raw: `pki/issue/web {"common_name":"a.example.com","ttl":"1h"}`,
				Path: "pki/issue/web", Params: []byte(`{"common_name":"a.example.com","ttl":"1h"}`)}}},
		{"newlines_and_semicolons_separate_entries_and_blank_ones_are_skipped",
			"pki/issue/a {} | A\n\n  ;; pki_int/issue/b {\"ttl\": 60};pki/issuer/default/issue/c {} | C\n",
			[]secretspec.PKISpec{
				{Entry: 1, Line: 1, Raw: "pki/issue/a {} | A", Path: "pki/issue/a", Params: []byte(`{}`), Name: "A"},
				{Entry: 2, Line: 3, Raw: `pki_int/issue/b {"ttl": 60}`, Path: "pki_int/issue/b", Params: []byte(`{"ttl": 60}`)},
				{Entry: 3, Line: 3, Raw: "pki/issuer/default/issue/c {} | C", Path: "pki/issuer/default/issue/c", Params: []byte(`{}`), Name: "C"},
			}},
		{"json_may_span_lines_and_hold_semicolons_and_pipes",
			"/pki/issue/web {\n  \"common_name\": \"a;b|c\",\n  \"ttl\": \"1h\"\n} | WEB\npki/issue/x {}",
			[]secretspec.PKISpec{
				{Entry: 1, Line: 1, Raw: "/pki/issue/web {\n  \"common_name\": \"a;b|c\",\n  \"ttl\": \"1h\"\n} | WEB", Path: "pki/issue/web",
					Params: []byte("{\n  \"common_name\": \"a;b|c\",\n  \"ttl\": \"1h\"\n}"), Name: "WEB"},
				{Entry: 2, Line: 5, Raw: "pki/issue/x {}", Path: "pki/issue/x", Params: []byte(`{}`)},
			}},
		{"crlf_line_ends", "pki/issue/a {} | A\r\npki/issue/b {}\r\n",
			[]secretspec.PKISpec{
				{Entry: 1, Line: 1, Raw: "pki/issue/a {} | A", Path: "pki/issue/a", Params: []byte(`{}`), Name: "A"},
				{Entry: 2, Line: 2, Raw: "pki/issue/b {}", Path: "pki/issue/b", Params: []byte(`{}`)},
			}},
		{"empty_input_gives_none", " \n ; \n", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := secretspec.ParsePKI(tt.in)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

// The names follow vault-action's src/pki.js: the role (the path's last
// segment) normalized as a secret's key is, then _cert, _key, _ca and
// _ca_chain; the env var upper-cased whole, the output as written.
func TestPKISpec_Names(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		in         string
		env, outpt []string
	}{
		{"derived_from_the_role_like_vault_action", `pki/issue/web-server.v2 {}`,
			[]string{"WEBSERVER__V2_CERT", "WEBSERVER__V2_KEY", "WEBSERVER__V2_CA", "WEBSERVER__V2_CA_CHAIN"},
			[]string{"webserver__v2_cert", "webserver__v2_key", "webserver__v2_ca", "webserver__v2_ca_chain"}},
		{"role_case_is_kept_in_outputs", `pki/issue/MyRole {}`,
			[]string{"MYROLE_CERT", "MYROLE_KEY", "MYROLE_CA", "MYROLE_CA_CHAIN"},
			[]string{"MyRole_cert", "MyRole_key", "MyRole_ca", "MyRole_ca_chain"}},
		{"explicit_name_names_env_and_output_alike", `pki/issue/web {} | Tls`,
			[]string{"Tls_CERT", "Tls_KEY", "Tls_CA", "Tls_CA_CHAIN"},
			[]string{"Tls_CERT", "Tls_KEY", "Tls_CA", "Tls_CA_CHAIN"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			specs, err := secretspec.ParsePKI(tt.in)
			require.NoError(t, err)
			require.Len(t, specs, 1)
			var env, outpt []string
			for _, part := range secretspec.PKIParts {
				e, o := specs[0].Names(part)
				env, outpt = append(env, e), append(outpt, o)
			}
			assert.Equal(t, tt.env, env)
			assert.Equal(t, tt.outpt, outpt)
		})
	}
}

func TestParsePKI_errors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name          string
		in            string
		entry, line   int
		column        int
		wantInMessage string
	}{
		{"json_missing", "pki/issue/web | WEB", 1, 1, 15, "JSON object"},
		{"json_not_an_object", `pki/issue/web ["a"]`, 1, 1, 15, "JSON object"},
		{"json_string_not_an_object", `pki/issue/web "a"`, 1, 1, 15, "JSON object"},
		{"json_array_via_decoder", "pki/issue/a {}\npki/issue/web {\"ttl\": [1,]}", 2, 2, 26, "invalid JSON parameters"},
		{"json_not_closed", "pki/issue/web {\"ttl\": \"1h\"", 1, 1, 27, "not closed"},
		{"json_second_value_after_object", `pki/issue/web {} {}`, 1, 1, 18, "unexpected text after the JSON"},
		{"pipe_without_name", `pki/issue/web {} |`, 1, 1, 18, "You must provide a value when mapping"},
		{"bad_name", `pki/issue/web {} | 9TLS`, 1, 1, 20, `invalid name "9TLS"`},
		{"name_that_would_run_code", `pki/issue/web {} | A$(id)`, 1, 1, 20, `invalid name "A$(id)"`},
		{"name_with_a_workflow_command", `pki/issue/web {} | ::stop-commands::x`, 1, 1, 20, "invalid name"},
		{"semicolon_ends_the_name_and_the_rest_is_no_entry", `pki/issue/web {} | A;B`, 2, 1, 22, "MOUNT/issue/ROLE"},
		{"role_gives_no_name", `pki/issue/--- {}`, 1, 1, 11, "cannot derive a name from the role"},
		{"role_gives_a_name_starting_with_a_digit", `pki/issue/1web {}`, 1, 1, 11, `"1WEB_CERT"`},
		{"not_an_issue_path", `secret/data/x {}`, 1, 1, 1, "MOUNT/issue/ROLE"},
		{"sign_is_not_issue", `pki/sign/web {}`, 1, 1, 1, "MOUNT/issue/ROLE"},
		{"version_query_refused", `pki/issue/web?version=1 {}`, 1, 1, 14, "no query"},
		{"dot_dot_segment", `pki/../issue/web {}`, 1, 1, 5, `".." segment`},
		{"quoted_path", `"pki/issue/web" {}`, 1, 1, 1, "quoted"},
		{"path_missing", `{"a": 1}`, 1, 1, 1, "path is missing"},
		{"column_counts_characters", "pki/issue/a {\"cn\": \"é\"} | É", 1, 1, 27, "invalid name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := secretspec.ParsePKI(tt.in)
			var pe *secretspec.ParseError
			require.True(t, errors.As(err, &pe), "%v", err)
			assert.Equal(t, "vault-pki", pe.Input)
			assert.Equal(t, "Invalid input vault-pki", pe.Title())
			assert.Equal(t, [3]int{tt.entry, tt.line, tt.column}, [3]int{pe.Entry, pe.Line, pe.Column}, err.Error())
			assert.Contains(t, err.Error(), tt.wantInMessage)
			assert.Contains(t, err.Error(), "vault-pki entry")
		})
	}
}
