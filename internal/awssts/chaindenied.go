package awssts

import (
	"errors"
	"fmt"
	"strings"

	"github.com/aws/smithy-go"

	"github.com/federate-action/federate/internal/netpolicy"
	"github.com/federate-action/federate/internal/redact"
)

// chainDeniedCodes are STS's answers to sts:AssumeRole that mean "this
// source may not assume this role": the fix is in the target role's trust
// policy or the source role's permissions.
var chainDeniedCodes = map[string]bool{
	"AccessDenied":          true,
	"AccessDeniedException": true,
}

// chainHints say what to change for other refusals of sts:AssumeRole.
var chainHints = map[string]string{
	"ExpiredToken":                       "the source's credentials expired before the call; give the source a longer duration",
	"InvalidClientTokenId":               "STS does not know the source's credentials; the source must come from the same partition and an STS endpoint that accepts them",
	"RegionDisabledException":            "activate STS in this region for the source's account, or choose another region",
	"ValidationError":                    "check the role ARN, the session name (2 to 64 characters of [\\w+=,.@-]) and the duration: a chained session lasts 1 hour at most",
	"SessionDurationEscalationException": "a chained session lasts 1 hour at most: lower the duration",
}

// ChainDeniedError is STS refusing to let the source's session assume the
// role. Its message shows both ARNs, never a secret, next to the trust
// policy statement that would admit the source.
type ChainDeniedError struct {
	RoleARN    string // the target
	SourceARN  string // the source's session: arn:aws:sts::ACCOUNT:assumed-role/NAME/SESSION
	ExternalID bool   // an external id was sent (its value is not shown)
	Code       string
	Message    string
	Err        error
}

var _ error = (*ChainDeniedError)(nil)

func (e *ChainDeniedError) Unwrap() error { return e.Err }

// Title is the annotation title.
func (e *ChainDeniedError) Title() string { return "AWS refused the role " + e.RoleARN }

func (e *ChainDeniedError) Error() string {
	source, principal := e.SourceARN, sourceRoleARN(e.SourceARN)
	if source == "" {
		source, principal = "the source's session", "<the source role's ARN>"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "STS refused to let %s assume %s (%s: %s).\n", source, e.RoleARN, e.Code, e.Message)
	b.WriteString("The target role's trust policy admits the source role with a statement like:\n")
	fmt.Fprintf(&b, `  "Principal": {"AWS": "%s"},`+"\n", principal)
	if e.ExternalID {
		b.WriteString(`  "Action": "sts:AssumeRole",` + "\n")
		b.WriteString(`  "Condition": {"StringEquals": {"sts:ExternalId": "<the external id this step sends>"}}` + "\n")
	} else {
		b.WriteString(`  "Action": "sts:AssumeRole"` + "\n")
	}
	fmt.Fprintf(&b, "and the source role's own policies must allow \"sts:AssumeRole\" on %s.", e.RoleARN)
	if e.SourceARN != "" && principal != e.SourceARN {
		b.WriteString(" A role with a path is named with it in the Principal (the session ARN above leaves the path out).")
	}
	if !e.ExternalID {
		b.WriteString(" No external id was sent: if the trust policy has an sts:ExternalId condition, set the external id.")
	}
	return b.String()
}

// sourceRoleARN turns a session's ARN
// (arn:PARTITION:sts::ACCOUNT:assumed-role/NAME/SESSION) into its role's
// (arn:PARTITION:iam::ACCOUNT:role/NAME), the form a trust policy names. Any
// other ARN is returned as it is.
func sourceRoleARN(session string) string {
	parts := strings.SplitN(session, ":", 6)
	if len(parts) < 6 || parts[2] != "sts" {
		return session
	}
	resource := strings.Split(parts[5], "/")
	if len(resource) < 3 || resource[0] != "assumed-role" {
		return session
	}
	return fmt.Sprintf("arn:%s:iam::%s:role/%s", parts[1], parts[4], resource[1])
}

// explainChain turns a final sts:AssumeRole failure into the error the
// user sees.
func explainChain(err error, req ChainRequest) error {
	var redirect *netpolicy.RedirectError
	if errors.As(err, &redirect) {
		return fmt.Errorf("assuming %s: %w", req.RoleARN, redirect)
	}
	var api smithy.APIError
	if !errors.As(err, &api) {
		return fmt.Errorf("assuming %s: %w", req.RoleARN, err)
	}
	if !chainDeniedCodes[api.ErrorCode()] {
		return &Error{RoleARN: req.RoleARN, Hint: chainHints[api.ErrorCode()], Err: err}
	}
	return &ChainDeniedError{
		RoleARN:    req.RoleARN,
		SourceARN:  req.Source.AssumedRoleARN,
		ExternalID: req.ExternalID != "",
		Code:       api.ErrorCode(),
		Message:    redact.Shorten(api.ErrorMessage()),
		Err:        err,
	}
}
