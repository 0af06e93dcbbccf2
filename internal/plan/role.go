package plan

import (
	"strconv"
	"strings"
	"time"

	"github.com/federate-action/federate/internal/awsnames"
	"github.com/federate-action/federate/internal/inputs"
)

// WebIdentityRole is one AssumeRoleWithWebIdentity call described outside
// the step's inputs: by the credential process's command line, which a
// later step's SDK runs.
type WebIdentityRole struct {
	RoleARN     string
	Region      string
	Audience    string // "" for STS's default audience of the region's partition
	SessionName string // "" for GitHubActions
	Endpoint    string // "" for the SDK's regional endpoint
	Duration    time.Duration
	MaxAttempts int
}

// CheckWebIdentityRole checks r by the very rules the step applies to
// role-to-assume, aws-region, audience, role-session-name,
// role-duration-seconds, sts-endpoint and retry-max-attempts, and fills in
// the same defaults. The role must be a full ARN: there is no account to
// complete a bare name with. Errors are *inputs.Error naming those inputs;
// a caller with other names for them renames the Input.
func CheckWebIdentityRole(r WebIdentityRole) (WebIdentityRole, error) {
	if r.Region == "" {
		return r, &inputs.Error{Input: "aws-region", Hint: "set the region to call STS in, for example us-east-1"}
	}
	if !awsnames.ValidRegion(r.Region) {
		return r, &inputs.Error{Input: "aws-region", Value: r.Region, Hint: awsnames.RegionHint}
	}
	partition := PartitionOf(r.Region)
	if !strings.HasPrefix(r.RoleARN, "arn:") {
		return r, &inputs.Error{Input: "role-to-assume", Value: r.RoleARN,
			Hint: "use the full role ARN, arn:PARTITION:iam::ACCOUNT_ID:role/NAME"}
	}
	if _, _, err := roleARN(r.RoleARN, "", partition); err != nil {
		return r, err
	}
	if r.Audience == "" {
		r.Audience = audienceOf(partition)
	}
	if r.SessionName == "" {
		r.SessionName = defaultSessionName
	}
	if !awsnames.ValidSessionName(r.SessionName) {
		return r, &inputs.Error{Input: "role-session-name", Value: r.SessionName, Hint: awsnames.SessionHint}
	}
	if r.Duration == 0 {
		r.Duration = defaultDuration * time.Second
	}
	if r.Duration < awsnames.MinDurationSeconds*time.Second || r.Duration > awsnames.MaxDurationSeconds*time.Second || r.Duration%time.Second != 0 {
		return r, &inputs.Error{Input: "role-duration-seconds", Value: strconv.FormatInt(int64(r.Duration/time.Second), 10), Hint: "use a whole number from 900 to 43200"}
	}
	if r.Endpoint != "" {
		var err error
		if r.Endpoint, err = serverURL("sts-endpoint", r.Endpoint, "https://sts.us-east-1.amazonaws.com"); err != nil {
			return r, err
		}
		if _, fips := awsnames.FIPSRegion(r.Region); fips {
			return r, &inputs.Error{Input: "sts-endpoint", Value: r.Endpoint, Hint: awsnames.FIPSEndpointHint}
		}
	}
	if r.MaxAttempts == 0 {
		r.MaxAttempts = defaultMaxAttempts
	}
	if r.MaxAttempts < 1 || r.MaxAttempts > 100 {
		return r, &inputs.Error{Input: "retry-max-attempts", Value: strconv.Itoa(r.MaxAttempts), Hint: "use a whole number from 1 to 100"}
	}
	return r, nil
}
