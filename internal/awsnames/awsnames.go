// Package awsnames holds the shapes of AWS names (regions, accounts, role
// ARNs and names, session names, external ids, profile names) and the
// partition a region belongs to: the one copy of each rule, shared by the
// step's inputs and the aws-profiles lines.
package awsnames

import "strings"

// Shapes from the STS and IAM API models, checked by hand (see charset.go)
// rather than with regular expressions: every run checks them before its
// first request, and compiling the expressions at start-up, then running
// the backtracking matcher, cost more than the rest of the package's work
// put together.

// Limits STS applies to a role session's duration, in seconds.
const (
	MinDurationSeconds = 900
	MaxDurationSeconds = 43200
	// MaxChainedDurationSeconds caps a session reached by role chaining
	// (sts:AssumeRole with a role session's credentials): STS refuses more.
	MaxChainedDurationSeconds = 3600
)

// Hints shared by every input that takes the same kind of name, so the
// fix reads the same wherever the name is written.
const (
	RegionHint      = "use a region code such as us-east-1, cn-north-1 or us-gov-west-1"
	AccountHint     = "use the 12-digit account id"
	SessionHint     = "use 2 to 64 characters from letters, digits and _+=,.@-"
	ExternalIDHint  = "use 2 to 1224 characters from letters, digits and _+=,.@:/-"
	ProfileNameHint = "use 1 to 64 characters from letters, digits and _.+@-, starting with a letter or digit"
)

// ValidRegion reports whether s is shaped like a region code:
// ^[a-z]{2,4}(-[a-z]+)+-[0-9]+$, i.e. at least three '-'-separated parts,
// the first of 2 to 4 letters, the last of digits, the others of letters.
func ValidRegion(s string) bool {
	parts := strings.Split(s, "-")
	if len(parts) < 3 {
		return false
	}
	first, middle, last := parts[0], parts[1:len(parts)-1], parts[len(parts)-1]
	if len(first) < 2 || len(first) > 4 || !allIn(first, isLower) || last == "" || !allIn(last, isDigit) {
		return false
	}
	for _, p := range middle {
		if p == "" || !allIn(p, isLower) {
			return false
		}
	}
	return true
}

// ValidAccount reports whether s is a 12-digit account id.
func ValidAccount(s string) bool { return len(s) == 12 && allIn(s, isDigit) }

// ValidSessionName reports whether s is a valid role session name.
func ValidSessionName(s string) bool {
	return len(s) >= 2 && len(s) <= 64 && allIn(s, isNameChar)
}

// ValidExternalID reports whether s is a valid sts:AssumeRole ExternalId.
func ValidExternalID(s string) bool {
	return len(s) >= 2 && len(s) <= 1224 && allIn(s, isExternalIDChar)
}

// ValidProfileName reports whether s is a profile name every AWS SDK reads
// back as written: no white space, brackets, comment characters (# ;), '='
// or path separators, which would break the INI section header
// `[profile NAME]` or be read differently by one SDK or another.
func ValidProfileName(s string) bool {
	return len(s) >= 1 && len(s) <= 64 && isAlnum(s[0]) && allIn(s, isProfileChar)
}

// ValidRoleName reports whether s is a role name, optionally with a path
// (path/name), as IAM accepts it.
func ValidRoleName(s string) bool { return len(s) <= 512 && validRolePath(s) }

// RoleARN is a parsed role ARN.
type RoleARN struct {
	Partition, Account, Name string
}

// ParseRoleARN parses arn:PARTITION:iam::ACCOUNT:role/NAME, the shape
// ^arn:(aws[a-z-]*):iam::([0-9]{12}):role/(.+)$ whose NAME is a role name
// with its path (ValidRoleName), at most 2048 bytes in all.
func ParseRoleARN(s string) (RoleARN, bool) {
	if len(s) > 2048 {
		return RoleARN{}, false
	}
	rest, ok := strings.CutPrefix(s, "arn:")
	if !ok {
		return RoleARN{}, false
	}
	// The partition holds no ':', so the first one ends it.
	partition, rest, ok := strings.Cut(rest, ":")
	if !ok || !strings.HasPrefix(partition, "aws") || !allIn(partition[len("aws"):], isPartitionChar) {
		return RoleARN{}, false
	}
	rest, ok = strings.CutPrefix(rest, "iam::")
	if !ok || len(rest) < 12 || !ValidAccount(rest[:12]) {
		return RoleARN{}, false
	}
	account := rest[:12]
	name, ok := strings.CutPrefix(rest[12:], ":role/")
	if !ok || !validRolePath(name) {
		return RoleARN{}, false
	}
	return RoleARN{Partition: partition, Account: account, Name: name}, true
}

// IsARN reports whether a role is given as an ARN rather than a bare name.
func IsARN(role string) bool { return strings.HasPrefix(role, "arn:") }

// BuildRoleARN is the ARN of a bare role name in an account.
func BuildRoleARN(partition, account, name string) string {
	return "arn:" + partition + ":iam::" + account + ":role/" + name
}

// partitionPrefixes maps region prefixes to partitions other than "aws".
// Longest prefixes first: us-isob- must not be read as us-iso-.
var partitionPrefixes = []struct{ prefix, partition string }{
	{"us-isob-", "aws-iso-b"},
	{"us-isof-", "aws-iso-f"},
	{"us-iso-", "aws-iso"},
	{"eu-isoe-", "aws-iso-e"},
	{"us-gov-", "aws-us-gov"},
	{"eusc-", "aws-eusc"},
	{"cn-", "aws-cn"},
}

// PartitionOf returns the AWS partition a region belongs to.
func PartitionOf(region string) string {
	for _, p := range partitionPrefixes {
		if strings.HasPrefix(region, p.prefix) {
			return p.partition
		}
	}
	return "aws"
}
