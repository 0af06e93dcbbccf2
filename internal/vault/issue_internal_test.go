package vault

import (
	"errors"
	"net"
	"testing"

	"github.com/hashicorp/vault/api"
	"github.com/stretchr/testify/assert"
)

// A certificate request is repeated only when Vault said it did nothing
// yet, or no connection was made: a proxy's 502 or 504 may come after
// Vault issued one, and a second request would issue another.
func TestIssueTransient(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"vault_503_sealed_or_standby", vet(&api.ResponseError{StatusCode: 503, Errors: []string{"Vault is sealed"}}), true},
		{"vault_412_standby_catching_up", vet(&api.ResponseError{StatusCode: 412, Errors: []string{"required index state not present"}}), true},
		{"proxy_502", vet(&api.ResponseError{StatusCode: 502, RawError: true}), false},
		{"proxy_504", vet(&api.ResponseError{StatusCode: 504, RawError: true}), false},
		{"proxy_503_page", vet(&api.ResponseError{StatusCode: 503, RawError: true}), false},
		{"vault_500", vet(&api.ResponseError{StatusCode: 500, Errors: []string{"internal error"}}), false},
		{"failed_dial", vet(&net.OpError{Op: "dial", Err: errors.New("connection refused")}), true},
		{"reset_after_sending", vet(&net.OpError{Op: "read", Err: errors.New("connection reset")}), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, issueTransient(tt.err))
		})
	}
}
