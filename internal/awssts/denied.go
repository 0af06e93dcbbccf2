package awssts

import (
	"errors"
	"fmt"
	"strings"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go"

	"github.com/federate-action/federate/internal/bodylimit"
	"github.com/federate-action/federate/internal/idtoken"
	"github.com/federate-action/federate/internal/netpolicy"
	"github.com/federate-action/federate/internal/redact"
	"github.com/federate-action/federate/internal/retry"
	"github.com/federate-action/federate/internal/secret"
)

// deniedCodes are STS's answers that mean "this token does not fit this
// role": the fix is in the trust policy or the OIDC provider, so the user
// needs to see the token's claims.
var deniedCodes = map[string]bool{
	"AccessDenied":          true,
	"IDPRejectedClaim":      true,
	"InvalidIdentityToken":  true,
	"ExpiredTokenException": true,
}

// DeniedError is STS refusing the token for the role. Its message shows
// the token's non-secret claims next to a trust-policy condition that
// would admit this run: "Not authorized" alone is the top support question.
type DeniedError struct {
	RoleARN string
	Code    string
	Message string
	Claims  idtoken.Claims
	// Audience is the audience asked for; "" when unknown.
	Audience string
	Err      error
}

var _ error = (*DeniedError)(nil)

func (e *DeniedError) Unwrap() error { return e.Err }

// Title is the annotation title.
func (e *DeniedError) Title() string { return "AWS refused the role " + e.RoleARN }

func (e *DeniedError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "STS refused to let this run assume %s (%s: %s).\n", e.RoleARN, e.Code, e.Message)
	c := e.Claims
	b.WriteString("The ID token it was given has:\n" + c.Describe())
	host := c.IssuerHost()
	account := accountOf(e.RoleARN)
	partition := strings.SplitN(e.RoleARN, ":", 3)[1]
	op, sub := c.SubjectCondition()
	fmt.Fprintf(&b, "The role's trust policy admits this run with a statement like:\n")
	fmt.Fprintf(&b, `  "Principal": {"Federated": "arn:%s:iam::%s:oidc-provider/%s"},`+"\n", partition, account, host)
	fmt.Fprintf(&b, `  "Action": "sts:AssumeRoleWithWebIdentity",`+"\n")
	if op == "StringEquals" {
		fmt.Fprintf(&b, `  "Condition": {"StringEquals": {"%s:aud": "%s", "%s:sub": "%s"}}`+"\n",
			host, c.Audience.String(), host, sub)
	} else {
		fmt.Fprintf(&b, `  "Condition": {"StringEquals": {"%s:aud": "%s"}, "%s": {"%s:sub": "%s"}}`+"\n",
			host, c.Audience.String(), op, host, sub)
	}
	if e.Audience != "" && len(c.Audience) > 0 && !c.HasAudience(e.Audience) {
		fmt.Fprintf(&b, "The token was minted for audience %q, not the %q asked for: %s.\n",
			c.Audience.String(), e.Audience, c.AudienceHint(e.Audience))
	}
	switch e.Code {
	case "InvalidIdentityToken":
		fmt.Fprintf(&b, "Check that account %s has an IAM OIDC identity provider for %s whose audiences include %q.",
			account, c.Issuer, c.Audience.String())
	case "ExpiredTokenException":
		b.WriteString("The token expired before STS checked it: check the runner's clock, or raise action-timeout-s.")
	default:
		b.WriteString("Compare sub and aud above with the role's trust policy conditions; a mismatch in either is the usual cause.")
	}
	return b.String()
}

// hints say what to change for STS refusals that are not about the token.
var hints = map[string]string{
	"MalformedPolicyDocument":            "check inline-session-policy and managed-session-policies",
	"PackedPolicyTooLarge":               "shorten inline-session-policy or use fewer managed-session-policies",
	"RegionDisabledException":            "activate STS in this region for the account, or choose another aws-region",
	"ValidationError":                    "check role-to-assume, role-session-name and role-duration-seconds",
	"SessionDurationEscalationException": "lower role-duration-seconds",
}

// Error is an STS failure that is not a refusal of the token.
type Error struct {
	RoleARN string
	Hint    string
	Err     error
}

func (e *Error) Error() string {
	if e.Hint == "" {
		return fmt.Sprintf("assuming %s: %s", e.RoleARN, describe(e.Err))
	}
	return fmt.Sprintf("assuming %s: %s; %s", e.RoleARN, describe(e.Err), e.Hint)
}

// describe says what STS answered: its code, message and request id, each
// shortened, since whoever answered chose their length. The SDK's own text
// adds the operation name and "exceeded maximum number of attempts, 1",
// which is misleading next to our retries.
func describe(err error) string {
	var tooBig *bodylimit.Error
	if errors.As(err, &tooBig) {
		return tooBig.Error()
	}
	var api smithy.APIError
	if !errors.As(err, &api) {
		return redact.Shorten(err.Error())
	}
	s := "STS answered " + redact.Shorten(api.ErrorCode()) + ": " + redact.Shorten(api.ErrorMessage())
	var re *awshttp.ResponseError
	if errors.As(err, &re) && re.ServiceRequestID() != "" {
		s += " (request id " + re.ServiceRequestID() + ")"
	}
	var ex *retry.ExhaustedError
	if errors.As(err, &ex) {
		s += fmt.Sprintf(" (gave up after %d attempt(s): %s)", ex.Attempts, ex.Reason)
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// Title is the annotation title.
func (e *Error) Title() string { return "Cannot assume " + e.RoleARN }

// callError is one failed call to STS. It keeps the SDK's error for
// errors.As but shows describe's text: the SDK's own holds STS's message
// whole, and a retry's log line prints it.
type callError struct{ err error }

func (e callError) Error() string { return describe(e.err) }
func (e callError) Unwrap() error { return e.err }

// explain turns a final STS failure into the error the user sees.
func explain(err error, req Request, token secret.String) error {
	roleARN := req.RoleARN
	var redirect *netpolicy.RedirectError
	if errors.As(err, &redirect) {
		// The SDK's wrapping ("request send failed, Post ...") adds
		// nothing to what the redirect error says.
		return fmt.Errorf("assuming %s: %w", roleARN, redirect)
	}
	var api smithy.APIError
	if !errors.As(err, &api) {
		// Not STS's answer (the token service, the network): keep the
		// inner error's own title.
		return fmt.Errorf("assuming %s: %w", roleARN, err)
	}
	if !deniedCodes[api.ErrorCode()] {
		return &Error{RoleARN: roleARN, Hint: hints[api.ErrorCode()], Err: err}
	}
	claims, _ := idtoken.ParseClaims(token) // best effort: empty claims still explain the code
	return &DeniedError{
		RoleARN:  roleARN,
		Code:     api.ErrorCode(),
		Message:  redact.Shorten(api.ErrorMessage()),
		Claims:   claims,
		Audience: req.Audience,
		Err:      err,
	}
}
