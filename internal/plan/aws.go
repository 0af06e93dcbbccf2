package plan

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/federate-action/federate/internal/awsnames"
	"github.com/federate-action/federate/internal/awsprofiles"
	"github.com/federate-action/federate/internal/inputs"
)

// AWSPlan is one validated AssumeRoleWithWebIdentity call and what to do
// with its credentials.
type AWSPlan struct {
	RoleARN         string
	AccountID       string
	Partition       string
	Region          string
	Audience        string
	SessionName     string
	Duration        time.Duration
	InlinePolicy    string   // compact JSON, "" for none
	ManagedPolicies []string // policy ARNs
	Endpoint        string   // "" for the SDK's regional endpoint
	MaxAttempts     int

	OutputCredentials    bool
	OutputEnvCredentials bool
	MaskAccountID        bool
	AllowedAccountIDs    []string // empty: any account, role-to-assume's and every profile's

	// Profiles are aws-profiles' roles, each source before the profiles
	// chained from it. With profiles, RoleARN may be empty: no role for
	// the AWS_* env vars.
	Profiles []awsprofiles.Profile

	RoleChaining     bool   // assume RoleARN with sts:AssumeRole using the environment's credentials
	ExternalID       string // role-external-id, only with RoleChaining
	ProfileName      string // aws-profile: RoleARN's credentials go to this profile
	OverwriteProfile bool   // accepted for compatibility: the files are always new
	UnsetCurrent     bool   // clear the AWS_* env vars an earlier step set
	UseExisting      bool   // keep valid credentials from the environment instead of assuming RoleARN
	Refresh          bool   // credential_process profiles instead of static keys

	// FilesPlan is the step's one directory of files, shared with the
	// Vault side; Build always sets it.
	*FilesPlan
}

// Shapes from the STS and IAM API models (see the inputs' docs in action.yml);
// the names' shapes are in awsnames. The policy ARN pattern is compiled
// on first use: most runs pass no managed policies.
var (
	policyARNPattern = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^arn:(aws[a-z-]*):iam::(aws|[0-9]{12}):policy/[\w+=,.@/-]+$`)
	})
	maxInlinePolicy    = 2048 // characters, packed; STS refuses more
	maxManagedPolicies = 10
)

func buildAWS(r *inputs.Reader) (*AWSPlan, error) {
	role, profilesText := r.String("role-to-assume"), r.Raw("aws-profiles")
	if role == "" && strings.TrimSpace(profilesText) == "" {
		return nil, unusedInputs(r, awsInputs, "role-to-assume", "${{ vars.AWS_ROLE_ARN }}")
	}
	if role == "" {
		// Only aws-profiles: the inputs that shape role-to-assume's
		// credentials would do nothing.
		if err := unusedInputs(r, sideInputsNamed(awsInputs, roleInputs), "role-to-assume", "${{ vars.AWS_ROLE_ARN }}"); err != nil {
			return nil, err
		}
	}
	p := &AWSPlan{Region: r.String("aws-region")}
	switch {
	case p.Region == "" && role != "":
		return nil, &inputs.Error{Input: "aws-region", Hint: "set the region to call STS in, for example us-east-1"}
	case p.Region != "" && !awsnames.ValidRegion(p.Region):
		return nil, &inputs.Error{Input: "aws-region", Value: p.Region, Hint: awsnames.RegionHint}
	case p.Region != "":
		p.Partition = PartitionOf(p.Region)
	}

	var err error
	if role != "" {
		if p.RoleARN, p.AccountID, err = roleARN(role, r.String("aws-account-id"), p.Partition); err != nil {
			return nil, err
		}
	}
	if p.SessionName = r.String("role-session-name"); p.SessionName == "" {
		p.SessionName = defaultSessionName
	}
	if !awsnames.ValidSessionName(p.SessionName) {
		return nil, &inputs.Error{Input: "role-session-name", Value: p.SessionName, Hint: awsnames.SessionHint}
	}
	seconds, err := r.Int("role-duration-seconds", defaultDuration, awsnames.MinDurationSeconds, awsnames.MaxDurationSeconds)
	if err != nil {
		return nil, err
	}
	p.Duration = time.Duration(seconds) * time.Second
	if p.Profiles, err = awsprofiles.Parse(profilesText, awsprofiles.Defaults{
		Region: p.Region, SessionName: p.SessionName, Duration: p.Duration}); err != nil {
		return nil, err
	}
	if role == "" && len(p.Profiles) == 0 {
		return nil, &inputs.Error{Input: "aws-profiles", Value: strings.TrimSpace(profilesText),
			Hint: "it holds only comments and blank lines, and role-to-assume is empty: add a profile line (NAME ROLE [key=value ...]), or set role-to-assume"}
	}
	if p.Partition == "" {
		// No aws-region: every profile named its own; the first one's
		// partition picks the default audience.
		p.Partition = p.Profiles[0].Partition
	}
	if p.Audience = r.String("audience"); p.Audience == "" {
		p.Audience = audienceOf(p.Partition)
	}
	if p.InlinePolicy, err = inlinePolicy(r.String("inline-session-policy")); err != nil {
		return nil, err
	}
	if p.ManagedPolicies, err = managedPolicies(r.Lines("managed-session-policies"), p.Partition); err != nil {
		return nil, err
	}
	if e := r.String("sts-endpoint"); e != "" {
		if p.Endpoint, err = serverURL("sts-endpoint", e, "https://sts.us-east-1.amazonaws.com"); err != nil {
			return nil, err
		}
		if err := fipsWithEndpoint(e, role, p); err != nil {
			return nil, err
		}
	}
	if p.MaxAttempts, err = r.Int("retry-max-attempts", defaultMaxAttempts, 1, 100); err != nil {
		return nil, err
	}
	if p.OutputCredentials, err = r.Bool("output-credentials", false); err != nil {
		return nil, err
	}
	if err := roleOptions(r, p); err != nil {
		return nil, err
	}
	if p.MaskAccountID, err = r.Bool("mask-aws-account-id", false); err != nil {
		return nil, err
	}
	if p.AllowedAccountIDs, err = allowedAccounts(r.List("allowed-account-ids"), p.AccountID, p.Profiles); err != nil {
		return nil, err
	}
	return p, nil
}

// audienceOf is STS's default ID token audience in partition, as
// configure-aws-credentials sets it.
func audienceOf(partition string) string {
	if partition == "aws-cn" {
		return defaultAudienceChina
	}
	return defaultAudience
}

// PartitionOf returns the AWS partition a region belongs to.
func PartitionOf(region string) string { return awsnames.PartitionOf(region) }

// roleARN accepts a full role ARN, or a bare role name (optionally with a
// path) together with aws-account-id. configure-aws-credentials cannot take
// a bare name with OIDC at all.
func roleARN(role, account, partition string) (arn, accountID string, err error) {
	if account != "" && !awsnames.ValidAccount(account) {
		return "", "", &inputs.Error{Input: "aws-account-id", Value: account, Hint: awsnames.AccountHint}
	}
	if !awsnames.IsARN(role) {
		if account == "" {
			return "", "", &inputs.Error{Input: "aws-account-id",
				Hint: fmt.Sprintf("role-to-assume %q is a bare role name: set aws-account-id too, or give the full role ARN", role)}
		}
		if !awsnames.ValidRoleName(role) {
			return "", "", &inputs.Error{Input: "role-to-assume", Value: role,
				Hint: "use a role name (letters, digits and _+=,.@-, optionally path/name) or a role ARN"}
		}
		return awsnames.BuildRoleARN(partition, account, role), account, nil
	}
	parsed, ok := awsnames.ParseRoleARN(role)
	if !ok {
		return "", "", &inputs.Error{Input: "role-to-assume", Value: role,
			Hint: "use arn:PARTITION:iam::ACCOUNT_ID:role/NAME (or a bare role name with aws-account-id)"}
	}
	if parsed.Partition != partition {
		return "", "", &inputs.Error{Input: "role-to-assume", Value: role,
			Hint: fmt.Sprintf("the role is in partition %s but aws-region is in %s: use a region of the role's partition", parsed.Partition, partition)}
	}
	if account != "" && account != parsed.Account {
		return "", "", &inputs.Error{Input: "aws-account-id", Value: account,
			Hint: fmt.Sprintf("role-to-assume names account %s: drop aws-account-id or make them agree", parsed.Account)}
	}
	return role, parsed.Account, nil
}

// inlinePolicy checks the policy is a JSON object and removes white space,
// keeping the text otherwise as written.
func inlinePolicy(raw string) (string, error) {
	if raw == "" {
		return "", nil
	}
	var doc map[string]any
	if err := json.Unmarshal([]byte(raw), &doc); err != nil || doc == nil {
		if err == nil {
			err = errors.New("null is not a policy")
		}
		return "", &inputs.Error{Input: "inline-session-policy", Value: raw,
			Hint: "use an IAM policy document as a JSON object (" + err.Error() + ")"}
	}
	var packed bytes.Buffer
	_ = json.Compact(&packed, []byte(raw)) // cannot fail: raw was just decoded
	if packed.Len() > maxInlinePolicy {
		return "", &inputs.Error{Input: "inline-session-policy", Value: raw,
			Hint: fmt.Sprintf("the policy is %d characters without white space; STS takes at most %d", packed.Len(), maxInlinePolicy)}
	}
	return packed.String(), nil
}

func managedPolicies(arns []string, partition string) ([]string, error) {
	if len(arns) > maxManagedPolicies {
		return nil, &inputs.Error{Input: "managed-session-policies", Value: strings.Join(arns, ","),
			Hint: fmt.Sprintf("STS takes at most %d policy ARNs", maxManagedPolicies)}
	}
	for _, a := range arns {
		m := policyARNPattern().FindStringSubmatch(a)
		if m == nil || m[1] != partition {
			return nil, &inputs.Error{Input: "managed-session-policies", Value: a,
				Hint: fmt.Sprintf("use policy ARNs such as arn:%s:iam::aws:policy/ReadOnlyAccess, one per line (a policy name may hold commas)", partition)}
		}
	}
	return arns, nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// allowedAccounts checks the list's shape, and the role's account against
// it before any call: a role outside the list is refused without asking STS.
func allowedAccounts(ids []string, roleAccount string, profiles []awsprofiles.Profile) ([]string, error) {
	for _, id := range ids {
		if !awsnames.ValidAccount(id) {
			return nil, &inputs.Error{Input: "allowed-account-ids", Value: id, Hint: "use 12-digit account ids separated by commas"}
		}
	}
	if len(ids) == 0 {
		return nil, nil
	}
	if roleAccount != "" && !slices.Contains(ids, roleAccount) {
		return nil, &inputs.Error{Input: "allowed-account-ids", Value: strings.Join(ids, ","),
			Hint: fmt.Sprintf("role-to-assume is in account %s, which is not in the list: add it or assume another role", roleAccount)}
	}
	for _, p := range profiles {
		if !slices.Contains(ids, p.AccountID) {
			return nil, &inputs.Error{Input: "allowed-account-ids", Value: strings.Join(ids, ","),
				Hint: fmt.Sprintf("profile %s (aws-profiles line %d) is in account %s, which is not in the list: add it or remove the profile", p.Name, p.Line, p.AccountID)}
		}
	}
	return ids, nil
}

// needsIDToken reports whether the AWS side asks for an ID token: every
// aws-profiles chain starts with one, and so does role-to-assume unless it
// is chained from the environment's credentials.
func (a *AWSPlan) needsIDToken() bool {
	return len(a.Profiles) > 0 || (a.RoleARN != "" && !a.RoleChaining)
}

// fipsWithEndpoint refuses sts-endpoint e where a role is assumed in a
// region named for FIPS (fips-us-east-1): the SDK picks the FIPS endpoint
// itself and refuses any other, but only after the ID token was fetched,
// with an error that names no input. role-to-assume is assumed in
// aws-region, each aws-profiles line in its own region.
func fipsWithEndpoint(e, role string, p *AWSPlan) error {
	if _, fips := awsnames.FIPSRegion(p.Region); fips && role != "" {
		return &inputs.Error{Input: "sts-endpoint", Value: e, Hint: "aws-region " + p.Region + ": " + awsnames.FIPSEndpointHint}
	}
	for _, prof := range p.Profiles {
		if _, fips := awsnames.FIPSRegion(prof.Region); fips {
			return &inputs.Error{Input: "sts-endpoint", Value: e, Hint: "aws-profiles' " + prof.Name + " has region " + prof.Region + ": " + awsnames.FIPSEndpointHint}
		}
	}
	return nil
}
