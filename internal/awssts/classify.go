package awssts

import (
	"errors"

	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/federate-action/federate/internal/bodylimit"
	"github.com/federate-action/federate/internal/retry"
)

// Error codes STS documents as worth another attempt. InvalidIdentityToken
// is among them because STS also returns it, intermittently, for "Couldn't
// retrieve verification key from your identity provider".
var transientCodes = map[string]bool{
	"IDPCommunicationError":   true,
	"InvalidIdentityToken":    true,
	"ExpiredTokenException":   true,
	"Throttling":              true,
	"ThrottlingException":     true,
	"RequestLimitExceeded":    true,
	"ServiceUnavailable":      true,
	"InternalFailure":         true,
	"InternalError":           true,
	"RequestTimeout":          true,
	"RequestTimeoutException": true,
}

// maxTokenRefusals bounds retries of InvalidIdentityToken and
// ExpiredTokenException: each is also the answer to a permanent mistake
// (no OIDC provider in the account; a runner clock far off), which must
// fail in seconds, not after every attempt.
const maxTokenRefusals = 3

// classifier decides, attempt by attempt, whether a failure is transient.
type classifier struct {
	tokenRefusals int
}

// transient decides from error types and codes, never from message text.
func (c *classifier) transient(err error) bool {
	// An answer too large to be STS's, even with a 503, is not a fault
	// that passes: whatever sent it will send it again.
	if errors.As(err, new(*bodylimit.Error)) {
		return false
	}
	var api smithy.APIError
	if errors.As(err, &api) {
		code := api.ErrorCode()
		if code == "InvalidIdentityToken" || code == "ExpiredTokenException" {
			c.tokenRefusals++
			return c.tokenRefusals < maxTokenRefusals
		}
		if transientCodes[code] {
			return true
		}
	}
	var resp *smithyhttp.ResponseError
	if errors.As(err, &resp) && retry.HTTPStatus(resp.HTTPStatusCode()) {
		return true
	}
	return retry.Temporary(err)
}
