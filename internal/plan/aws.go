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
	"time"

	"github.com/federate-action/federate/internal/awsnames"
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
	AllowedAccountIDs    []string // empty: any account
}

// Shapes from the STS and IAM API models (see the inputs' docs in action.yml);
// the names' shapes are in awsnames.
var (
	policyARNPattern   = regexp.MustCompile(`^arn:(aws[a-z-]*):iam::(aws|[0-9]{12}):policy/[\w+=,.@/-]+$`)
	maxInlinePolicy    = 2048 // characters, packed; STS refuses more
	maxManagedPolicies = 10
)

func buildAWS(r *inputs.Reader) (*AWSPlan, error) {
	role := r.String("role-to-assume")
	if role == "" {
		return nil, unusedInputs(r, awsInputs, "role-to-assume", "${{ vars.AWS_ROLE_ARN }}")
	}
	p := &AWSPlan{Region: r.String("aws-region")}
	if p.Region == "" {
		return nil, &inputs.Error{Input: "aws-region", Hint: "set the region to call STS in, for example us-east-1"}
	}
	if !awsnames.ValidRegion(p.Region) {
		return nil, &inputs.Error{Input: "aws-region", Value: p.Region, Hint: awsnames.RegionHint}
	}
	p.Partition = PartitionOf(p.Region)

	var err error
	if p.RoleARN, p.AccountID, err = roleARN(role, r.String("aws-account-id"), p.Partition); err != nil {
		return nil, err
	}
	p.Audience = r.String("audience")
	if p.Audience == "" {
		p.Audience = defaultAudience
		if p.Partition == "aws-cn" {
			p.Audience = defaultAudienceChina
		}
	}
	if p.SessionName = r.String("role-session-name"); p.SessionName == "" {
		p.SessionName = defaultSessionName
	}
	if !awsnames.ValidSessionName(p.SessionName) {
		return nil, &inputs.Error{Input: "role-session-name", Value: p.SessionName,
			Hint: awsnames.SessionHint}
	}
	seconds, err := r.Int("role-duration-seconds", defaultDuration, 900, 43200)
	if err != nil {
		return nil, err
	}
	p.Duration = time.Duration(seconds) * time.Second
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
	}
	if p.MaxAttempts, err = r.Int("retry-max-attempts", defaultMaxAttempts, 1, 100); err != nil {
		return nil, err
	}
	if p.OutputCredentials, err = r.Bool("output-credentials", false); err != nil {
		return nil, err
	}
	if p.OutputEnvCredentials, err = r.Bool("output-env-credentials", true); err != nil {
		return nil, err
	}
	if p.MaskAccountID, err = r.Bool("mask-aws-account-id", false); err != nil {
		return nil, err
	}
	if p.AllowedAccountIDs, err = allowedAccounts(r.List("allowed-account-ids"), p.AccountID); err != nil {
		return nil, err
	}
	return p, nil
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
		m := policyARNPattern.FindStringSubmatch(a)
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
func allowedAccounts(ids []string, roleAccount string) ([]string, error) {
	for _, id := range ids {
		if !awsnames.ValidAccount(id) {
			return nil, &inputs.Error{Input: "allowed-account-ids", Value: id, Hint: "use 12-digit account ids separated by commas"}
		}
	}
	if len(ids) > 0 && !slices.Contains(ids, roleAccount) {
		return nil, &inputs.Error{Input: "allowed-account-ids", Value: strings.Join(ids, ","),
			Hint: fmt.Sprintf("role-to-assume is in account %s, which is not in the list: add it or assume another role", roleAccount)}
	}
	return ids, nil
}
