package awssts

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/federate-action/federate/internal/awsnames"
)

// URL is the address the client's requests go to: Endpoint, or the SDK's
// endpoint for Region (what New's client resolves for each call); "" when
// neither gives one.
func (o Options) URL(ctx context.Context) string {
	region, fips := awsnames.FIPSRegion(o.Region)
	params := sts.EndpointParameters{Region: aws.String(region), UseFIPS: aws.Bool(fips)}
	if o.Endpoint != "" {
		params.Endpoint = aws.String(o.Endpoint)
	}
	e, err := sts.NewDefaultEndpointResolverV2().ResolveEndpoint(ctx, params)
	if err != nil {
		return ""
	}
	return e.URI.String()
}
