package awssts

import (
	"errors"

	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/federate-action/federate/internal/bodylimit"
	"github.com/federate-action/federate/internal/retry"
)

// Error codes STS documents as worth another attempt. The token refusals
// are not here: they have a budget of their own (tokenRefusalCodes).
var transientCodes = map[string]bool{
	"IDPCommunicationError":   true,
	"Throttling":              true,
	"ThrottlingException":     true,
	"RequestLimitExceeded":    true,
	"ServiceUnavailable":      true,
	"InternalFailure":         true,
	"InternalError":           true,
	"RequestTimeout":          true,
	"RequestTimeoutException": true,
}

// tokenRefusalCodes are STS refusing the token in a way that is sometimes
// transient: InvalidIdentityToken is also STS's answer to "Couldn't
// retrieve verification key from your identity provider", and
// ExpiredTokenException to a token that aged in a slow queue. Each is also
// the answer to a permanent mistake (no OIDC provider in the account; a
// runner clock far off), which must fail in seconds, not after every
// attempt: so each code gets maxTokenRefusals tries of its own.
var tokenRefusalCodes = map[string]bool{
	"InvalidIdentityToken":  true,
	"ExpiredTokenException": true,
}

// maxTokenRefusals is how many tries each of tokenRefusalCodes gets.
const maxTokenRefusals = 3

// classifier decides, attempt by attempt, whether a failure is transient.
type classifier struct {
	refusals map[string]int // per code in tokenRefusalCodes
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
		if tokenRefusalCodes[code] {
			if c.refusals == nil {
				c.refusals = map[string]int{}
			}
			c.refusals[code]++
			return c.refusals[code] < maxTokenRefusals
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
