package plan

import (
	"fmt"
	"path"
	"strings"
	"time"

	"github.com/federate-action/federate/internal/awsnames"
	"github.com/federate-action/federate/internal/inputs"
)

// roleOptions reads the configure-aws-credentials options of
// role-to-assume (role-chaining, role-external-id, aws-profile,
// overwrite-aws-profile, unset-current-credentials,
// use-existing-credentials, refresh-credentials, output-env-credentials)
// and refuses every combination that could not do what it says.
func roleOptions(r *inputs.Reader, p *AWSPlan) error {
	var err error
	bools := []struct {
		name string
		dst  *bool
	}{
		{"role-chaining", &p.RoleChaining},
		{"overwrite-aws-profile", &p.OverwriteProfile},
		{"unset-current-credentials", &p.UnsetCurrent},
		{"use-existing-credentials", &p.UseExisting},
		{"refresh-credentials", &p.Refresh},
	}
	for _, b := range bools {
		if *b.dst, err = r.Bool(b.name, false); err != nil {
			return err
		}
	}
	if err := profileName(r, p); err != nil {
		return err
	}
	// As configure-aws-credentials: the env vars are the default unless the
	// credentials go to a profile (aws-profile, or refreshing profiles).
	if p.OutputEnvCredentials, err = r.Bool("output-env-credentials", p.RoleARN != "" && p.ProfileName == "" && !p.Refresh); err != nil {
		return err
	}
	if err := chaining(r, p); err != nil {
		return err
	}
	if err := refresh(r, p); err != nil {
		return err
	}
	if p.UnsetCurrent && p.UseExisting {
		return &inputs.Error{Input: "unset-current-credentials", Value: "true",
			Hint: "use-existing-credentials keeps the credentials this would clear: set only one of them"}
	}
	return chainSource(r, p)
}

func profileName(r *inputs.Reader, p *AWSPlan) error {
	p.ProfileName = r.String("aws-profile")
	if p.ProfileName == "" {
		if p.OverwriteProfile {
			return &inputs.Error{Input: "overwrite-aws-profile", Value: "true",
				Hint: "it applies to aws-profile, which is not set: set aws-profile, or remove overwrite-aws-profile"}
		}
		return nil
	}
	if !awsnames.ValidProfileName(p.ProfileName) {
		return &inputs.Error{Input: "aws-profile", Value: p.ProfileName, Hint: awsnames.ProfileNameHint}
	}
	for _, prof := range p.Profiles {
		if prof.Name == p.ProfileName {
			return &inputs.Error{Input: "aws-profile", Value: p.ProfileName,
				Hint: fmt.Sprintf("aws-profiles line %d defines a profile of that name too: give role-to-assume's profile another name", prof.Line)}
		}
	}
	return nil
}

// chaining checks role-chaining and role-external-id. Chained credentials
// start from the environment's AWS_* keys, so they must be there, and
// nothing may clear or keep them instead.
func chaining(r *inputs.Reader, p *AWSPlan) error {
	p.ExternalID = r.String("role-external-id")
	if !p.RoleChaining {
		if p.ExternalID != "" {
			return &inputs.Error{Input: "role-external-id", Value: p.ExternalID,
				Hint: "an external id is sent with sts:AssumeRole, which only role-chaining uses (AssumeRoleWithWebIdentity takes none): set role-chaining: true, or remove role-external-id; in aws-profiles write external-id= on a line with source="}
		}
		return nil
	}
	if p.ExternalID != "" && !awsnames.ValidExternalID(p.ExternalID) {
		return &inputs.Error{Input: "role-external-id", Value: p.ExternalID, Hint: awsnames.ExternalIDHint}
	}
	if p.Duration > maxChained {
		return &inputs.Error{Input: "role-duration-seconds", Value: fmt.Sprint(int(p.Duration.Seconds())),
			Hint: fmt.Sprintf("with role-chaining STS limits the session to %d seconds: use %d or less", awsnames.MaxChainedDurationSeconds, awsnames.MaxChainedDurationSeconds)}
	}
	if p.InlinePolicy != "" || len(p.ManagedPolicies) > 0 {
		return &inputs.Error{Input: "role-chaining", Value: "true",
			Hint: "session policies are sent only with the ID token's AssumeRoleWithWebIdentity: remove inline-session-policy and managed-session-policies, or set role-chaining: false"}
	}
	if p.UnsetCurrent {
		return &inputs.Error{Input: "unset-current-credentials", Value: "true",
			Hint: "role-chaining starts from the credentials this would clear: set only one of them"}
	}
	if p.UseExisting {
		return &inputs.Error{Input: "use-existing-credentials", Value: "true",
			Hint: "role-chaining starts from the credentials in the environment, which this would keep instead of assuming role-to-assume: set only one of them"}
	}
	return nil
}

// chainSource checks, after every input, that the credentials role-chaining
// starts from are there.
func chainSource(r *inputs.Reader, p *AWSPlan) error {
	if p.RoleChaining && (r.Env("AWS_ACCESS_KEY_ID") == "" || r.Env("AWS_SECRET_ACCESS_KEY") == "") {
		return &inputs.Error{Input: "role-chaining", Value: "true",
			Hint: "it assumes role-to-assume with the AWS credentials already in the environment, but AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set: run a step that exports them first (federate does, with output-env-credentials), or set role-chaining: false"}
	}
	return nil
}

// refresh checks refresh-credentials: the refreshing process on the host
// asks the runner's token service for a new token and assumes the role
// with nothing else, so whatever it could not repeat is refused rather
// than dropped at the first refresh.
func refresh(r *inputs.Reader, p *AWSPlan) error {
	if !p.Refresh {
		return nil
	}
	hint := ""
	switch {
	case p.RoleChaining:
		hint = "credentials chained from the environment's cannot be refreshed by federate: set only one of role-chaining and refresh-credentials (in aws-profiles, source= profiles refresh through their source)"
	case r.String("web-identity-token-file") != "":
		hint = "the refreshing process asks the runner's token service for each new token, not a file: remove web-identity-token-file, or set refresh-credentials: false"
	case p.InlinePolicy != "" || len(p.ManagedPolicies) > 0:
		hint = "refreshed credentials would come without inline-session-policy and managed-session-policies, so with more access: remove the session policies, or set refresh-credentials: false"
	case p.OutputEnvCredentials:
		hint = "static AWS_* keys would shadow the refreshing profiles and expire: remove output-env-credentials, or set refresh-credentials: false"
	case p.UseExisting:
		hint = "use-existing-credentials keeps static credentials from the environment, which cannot be refreshed: set only one of them"
	}
	if hint != "" {
		return &inputs.Error{Input: "refresh-credentials", Value: "true", Hint: hint}
	}
	return nil
}

// FilesNeeded reports whether the step writes AWS config files: for
// aws-profiles, aws-profile or refresh-credentials.
func (a *AWSPlan) FilesNeeded() bool {
	return len(a.Profiles) > 0 || a.ProfileName != "" || a.Refresh
}

// cleanAbs accepts an absolute path with no control character: the path
// is exported to later steps and written into config files.
func cleanAbs(s string) bool {
	return path.IsAbs(s) && !strings.ContainsFunc(s, func(c rune) bool { return c < ' ' || c == 0x7f })
}

// maxChained is the longest session STS gives a chained role.
const maxChained = time.Duration(awsnames.MaxChainedDurationSeconds) * time.Second
