package awssts

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"github.com/federate-action/federate/internal/retry"
)

// ChainRequest is a role to assume with credentials already held: role
// chaining, or a profile whose source is another profile.
type ChainRequest struct {
	RoleARN     string
	SessionName string
	Duration    time.Duration
	ExternalID  string // "" for none
	Source      Credentials
}

// AssumeRole assumes req's role with sts:AssumeRole, signed with
// req.Source's credentials, retrying only what is transient. A refusal is
// returned at once as a *ChainDeniedError that names the source's session
// and what the target role's trust policy needs.
func (c *Client) AssumeRole(ctx context.Context, req ChainRequest, policy retry.Policy) (Credentials, error) {
	if req.Source.AccessKeyID.IsZero() || req.Source.SecretAccessKey.IsZero() {
		return Credentials{}, fmt.Errorf("assuming %s: no source credentials to sign sts:AssumeRole with", req.RoleARN)
	}
	var creds Credentials
	err := retry.Do(ctx, policy, chainTransient, func(ctx context.Context) error {
		var err error
		creds, err = c.assumeRoleOnce(ctx, req)
		return err
	})
	if err != nil {
		return Credentials{}, explainChain(err, req)
	}
	return creds, nil
}

// chainTransient is the web-identity classification without the token
// refusals' budget: no fresh token comes with another attempt here, so an
// expired or refused session stays so.
func chainTransient(err error) bool {
	if code := apiCode(err); tokenRefusalCodes[code] || chainDeniedCodes[code] {
		return false
	}
	return (&classifier{}).transient(err)
}

func (c *Client) assumeRoleOnce(ctx context.Context, req ChainRequest) (Credentials, error) {
	in := &sts.AssumeRoleInput{
		RoleArn:         aws.String(req.RoleARN),
		RoleSessionName: aws.String(req.SessionName),
	}
	if req.Duration > 0 { // else STS's default, 1 hour
		in.DurationSeconds = aws.Int32(int32(req.Duration / time.Second))
	}
	if req.ExternalID != "" {
		in.ExternalId = aws.String(req.ExternalID)
	}
	out, err := c.api.AssumeRole(ctx, in, signWith(req.Source))
	if err != nil {
		return Credentials{}, callError{err}
	}
	if out.Credentials == nil || out.AssumedRoleUser == nil {
		return Credentials{}, fmt.Errorf("STS answered without credentials for %s", req.RoleARN)
	}
	return credentialsFrom(out.Credentials, out.AssumedRoleUser), nil
}

// signWith makes one call signed (SigV4, by the SDK) with src instead of
// the client's anonymous credentials. The provider reveals the secrets
// only to the signer.
func signWith(src Credentials) func(*sts.Options) {
	provider := aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
		return aws.Credentials{
			AccessKeyID:     src.AccessKeyID.Reveal(),
			SecretAccessKey: src.SecretAccessKey.Reveal(),
			SessionToken:    src.SessionToken.Reveal(),
			Source:          "federate",
		}, nil
	})
	return func(o *sts.Options) { o.Credentials = provider }
}

// apiCode is STS's error code in err, "" if err is not STS's answer.
func apiCode(err error) string {
	var api smithy.APIError
	if errors.As(err, &api) {
		return api.ErrorCode()
	}
	return ""
}
