package awsnames

import "strings"

// FIPSRegion reads a region name as the AWS SDK does: one that holds
// "fips-", "-fips-" or "-fips" (fips-us-east-1, us-fips-east-1,
// us-east-1-fips) names the region without it, reached at its FIPS
// endpoint (sts-fips.us-east-1.amazonaws.com).
func FIPSRegion(region string) (name string, fips bool) {
	if !strings.Contains(region, "fips-") && !strings.Contains(region, "-fips") {
		return region, false
	}
	region = strings.ReplaceAll(region, "-fips-", "-")
	region = strings.ReplaceAll(region, "fips-", "")
	return strings.ReplaceAll(region, "-fips", ""), true
}

// FIPSEndpointHint is the fix for a FIPS region name given with an
// endpoint of its own, which the SDK refuses ("FIPS and custom endpoint
// are not supported").
const FIPSEndpointHint = "a FIPS region name (fips-...) chooses STS's FIPS endpoint itself: drop sts-endpoint, or name the region without fips- and give sts-endpoint the FIPS endpoint's URL"
