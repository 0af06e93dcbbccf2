package awssts

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// Identity is who a set of credentials is, as sts:GetCallerIdentity says.
type Identity struct {
	AccountID string
	ARN       string
}

// CallerIdentity asks STS whose creds these are: one request, not retried
// (use-existing-credentials only asks whether they still work; any
// failure means "assume the role instead").
func (c *Client) CallerIdentity(ctx context.Context, creds Credentials) (Identity, error) {
	out, err := c.api.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}, signWith(creds))
	if err != nil {
		return Identity{}, callError{err}
	}
	return Identity{AccountID: aws.ToString(out.Account), ARN: aws.ToString(out.Arn)}, nil
}
