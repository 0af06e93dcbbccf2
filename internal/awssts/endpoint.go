package awssts

import (
	"context"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// URL is the address the client's requests go to: Endpoint, or the SDK's
// endpoint for Region (what New's client resolves for each call); "" when
// neither gives one.
func (o Options) URL(ctx context.Context) string {
	region, fips := fipsRegion(o.Region)
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

// fipsRegion reads a region name as the SDK's client does: one that holds
// "fips-", "-fips-" or "-fips" (fips-us-east-1, us-fips-east-1,
// us-east-1-fips) names the region without it, reached at its FIPS
// endpoint.
func fipsRegion(region string) (string, bool) {
	if !strings.Contains(region, "fips-") && !strings.Contains(region, "-fips") {
		return region, false
	}
	region = strings.ReplaceAll(region, "-fips-", "-")
	region = strings.ReplaceAll(region, "fips-", "")
	return strings.ReplaceAll(region, "-fips", ""), true
}
