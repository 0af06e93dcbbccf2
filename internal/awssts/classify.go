package awssts

import (
	"errors"

	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

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

// maxInvalidToken bounds retries of InvalidIdentityToken: it is also the
// answer to a permanent mistake (no OIDC provider in the account), which
// must fail in seconds, not after every attempt.
const maxInvalidToken = 3

// classifier decides, attempt by attempt, whether a failure is transient.
type classifier struct {
	invalidToken int
}

// transient decides from error types and codes, never from message text.
func (c *classifier) transient(err error) bool {
	var api smithy.APIError
	if errors.As(err, &api) {
		code := api.ErrorCode()
		if code == "InvalidIdentityToken" {
			c.invalidToken++
			return c.invalidToken < maxInvalidToken
		}
		if transientCodes[code] {
			return true
		}
	}
	var resp *smithyhttp.ResponseError
	if errors.As(err, &resp) && retry.HTTPStatus(resp.HTTPStatusCode()) {
		return true
	}
	// Our own errors (the token service's) say whether they are temporary.
	var temp interface{ Temporary() bool }
	if errors.As(err, &temp) && temp.Temporary() {
		return true
	}
	return retry.Network(err)
}
