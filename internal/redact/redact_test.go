package redact_test

import (
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/federate-action/federate/internal/redact"
)

func TestURL(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, raw, want string
	}{
		{"plain_url_is_kept", "https://vault.example.com:8200/v1", "https://vault.example.com:8200/v1"},
		{"password_is_hidden", "https://ci:hunter2@vault.example.com", "https://REDACTED@vault.example.com"},
		{"user_name_alone_is_hidden", "https://hvs.token@vault.example.com", "https://REDACTED@vault.example.com"},
		{"query_is_hidden", "https://sts.example.com/?X-Amz-Security-Token=abc", "https://sts.example.com/?REDACTED"},
		{"fragment_is_dropped", "https://sts.example.com/#secret", "https://sts.example.com/"},
		{"all_at_once", "http://u:p@127.0.0.1:1/x?y=1#z", "http://REDACTED@127.0.0.1:1/x?REDACTED"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			u, err := url.Parse(tt.raw)
			require.NoError(t, err)
			assert.Equal(t, tt.want, redact.URL(u))
		})
	}
}

func TestRawURL(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, raw, want string
	}{
		{"no_credentials_is_kept", "vault.example.com:8200", "vault.example.com:8200"},
		{"no_scheme_with_a_password", "u:hunter2@sts.example.com", "REDACTED@sts.example.com"},
		{"scheme_is_kept_in_sight", "https://user:hunter2@sts.example.com:port", "https://REDACTED@sts.example.com:port"},
		{"password_holding_a_question_mark", "u:hun?ter2@sts.example.com:port", "REDACTED@sts.example.com:port"},
		{"password_holding_a_scheme_separator", "u:hunter2://x@sts.example.com:port", "REDACTED@sts.example.com:port"},
		{"password_holding_an_at_sign", "https://u:a@b@host", "https://REDACTED@host"},
		{"query_after_the_host", "host:port?token=abc", "host:port?REDACTED"},
		{"fragment_after_the_host", "host:port#abc", "host:port?REDACTED"},
		{"bogus_scheme_is_hidden", "a b://u:p@host", "REDACTED@host"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := redact.RawURL(tt.raw)
			assert.Equal(t, tt.want, got)
			assert.NotContains(t, got, "hunter2")
		})
	}
}
