package awssts

import (
	"errors"
	"fmt"
	"net/http"
	"syscall"
	"testing"

	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/stretchr/testify/assert"

	"github.com/federate-action/federate/internal/idtoken"
)

func apiErr(code string) error {
	return fmt.Errorf("operation error STS: %w", &smithy.GenericAPIError{Code: code, Message: "m"})
}

func httpErr(status int) error {
	return &smithyhttp.ResponseError{Response: &smithyhttp.Response{Response: &http.Response{StatusCode: status}}, Err: errors.New("x")}
}

func TestClassifier_Transient(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"idp_communication_error", apiErr("IDPCommunicationError"), true},
		{"expired_token", apiErr("ExpiredTokenException"), true},
		{"throttling", apiErr("Throttling"), true},
		{"invalid_identity_token_first_time", apiErr("InvalidIdentityToken"), true},
		{"access_denied", apiErr("AccessDenied"), false},
		{"rejected_claim", apiErr("IDPRejectedClaim"), false},
		{"malformed_policy", apiErr("MalformedPolicyDocument"), false},
		{"region_disabled", apiErr("RegionDisabledException"), false},
		{"validation_error", apiErr("ValidationError"), false},
		{"http_503", httpErr(503), true},
		{"http_429", httpErr(429), true},
		{"http_403", httpErr(403), false},
		{"connection_reset", fmt.Errorf("post: %w", syscall.ECONNRESET), true},
		{"token_service_503", &idtoken.StatusError{StatusCode: 503}, true},
		{"token_service_401", &idtoken.StatusError{StatusCode: 401}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, (&classifier{}).transient(tt.err))
		})
	}
}

func TestClassifier_InvalidIdentityTokenIsRetriedOnlyAFewTimes(t *testing.T) {
	t.Parallel()
	c := &classifier{}
	var got []bool
	for range 4 {
		got = append(got, c.transient(apiErr("InvalidIdentityToken")))
	}
	assert.Equal(t, []bool{true, true, false, false}, got)
}

func TestClassifier_EachTokenRefusalHasItsOwnBudget(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		codes []string
		want  []bool
	}{
		{
			name:  "two_of_each_are_all_retried",
			codes: []string{"InvalidIdentityToken", "InvalidIdentityToken", "ExpiredTokenException", "ExpiredTokenException"},
			want:  []bool{true, true, true, true},
		},
		{
			name:  "interleaved_codes_count_apart",
			codes: []string{"ExpiredTokenException", "InvalidIdentityToken", "ExpiredTokenException", "InvalidIdentityToken", "ExpiredTokenException"},
			want:  []bool{true, true, true, true, false},
		},
		{
			name:  "third_expired_token_ends_the_tries",
			codes: []string{"ExpiredTokenException", "ExpiredTokenException", "ExpiredTokenException"},
			want:  []bool{true, true, false},
		},
		{
			name:  "other_transient_codes_do_not_spend_the_budget",
			codes: []string{"InvalidIdentityToken", "Throttling", "IDPCommunicationError", "InvalidIdentityToken", "Throttling"},
			want:  []bool{true, true, true, true, true},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := &classifier{}
			var got []bool
			for _, code := range tt.codes {
				got = append(got, c.transient(apiErr(code)))
			}
			assert.Equal(t, tt.want, got)
		})
	}
}
