package plan

import (
	"errors"
	"fmt"
	"slices"

	"github.com/federate-action/federate/internal/export"
	"github.com/federate-action/federate/internal/inputs"
	"github.com/federate-action/federate/internal/secretspec"
)

// AWSField is the part of the AWS result an export holds.
type AWSField int

// The parts of the AWS result that are exported.
const (
	AWSAccountID AWSField = iota + 1
	AWSAssumedRoleARN
	AWSExpiration
	AWSAccessKeyID
	AWSSecretAccessKey
	AWSSessionToken
	AWSRegion
)

// AWSName is one name the AWS side exports and the part of the result it
// holds.
type AWSName struct {
	Name  string
	Field AWSField
}

// The one table of AWS names, configure-aws-credentials' names: the
// collision check below and the export both read it, so they cannot
// disagree.
var (
	awsIdentityOutputs = []AWSName{
		{"aws-account-id", AWSAccountID},
		{"authenticated-arn", AWSAssumedRoleARN},
		{"aws-expiration", AWSExpiration},
	}
	awsCredentialOutputs = []AWSName{
		{"aws-access-key-id", AWSAccessKeyID},
		{"aws-secret-access-key", AWSSecretAccessKey},
		{"aws-session-token", AWSSessionToken},
	}
	awsEnv = []AWSName{
		{"AWS_ACCESS_KEY_ID", AWSAccessKeyID},
		{"AWS_SECRET_ACCESS_KEY", AWSSecretAccessKey},
		{"AWS_SESSION_TOKEN", AWSSessionToken},
		{"AWS_REGION", AWSRegion},
		{"AWS_DEFAULT_REGION", AWSRegion},
	}
)

// Env lists the env vars the AWS side exports; the run exports exactly
// these.
func (a *AWSPlan) Env() []AWSName {
	if !a.OutputEnvCredentials {
		return nil
	}
	return slices.Clone(awsEnv)
}

// Outputs lists the step outputs the AWS side sets for role-to-assume;
// the run sets exactly these (none without role-to-assume).
func (a *AWSPlan) Outputs() []AWSName {
	if a.RoleARN == "" {
		return nil
	}
	names := slices.Clone(awsIdentityOutputs)
	if a.OutputCredentials {
		names = append(names, awsCredentialOutputs...)
	}
	return names
}

// Names the profile files add.
const (
	EnvConfigFile      = "AWS_CONFIG_FILE"
	EnvCredentialsFile = "AWS_SHARED_CREDENTIALS_FILE"
	EnvProfile         = "AWS_PROFILE"
	OutputProfiles     = "aws-profiles"
)

// FileEnvNames lists the env vars that point later steps at the profile
// files: both files' paths, and AWS_PROFILE when role-to-assume's
// credentials go to aws-profile and output-env-credentials is true (as
// configure-aws-credentials exports it).
func (a *AWSPlan) FileEnvNames() []string {
	if !a.FilesNeeded() {
		return nil
	}
	names := []string{EnvConfigFile, EnvCredentialsFile}
	if a.ProfileName != "" && a.OutputEnvCredentials {
		names = append(names, EnvProfile)
	}
	return names
}

// UnsetEnvNames lists the env vars unset-current-credentials clears (sets
// empty), as configure-aws-credentials does; those the run also exports
// are exported instead.
func (a *AWSPlan) UnsetEnvNames() []string {
	if !a.UnsetCurrent {
		return nil
	}
	return namesOf(awsEnv)
}

// ProfileOutputNames lists the outputs aws-profiles adds.
func (a *AWSPlan) ProfileOutputNames() []string {
	if len(a.Profiles) == 0 {
		return nil
	}
	return []string{OutputProfiles}
}

// EnvNames are the names of Env.
func (a *AWSPlan) EnvNames() []string { return namesOf(a.Env()) }

// OutputNames are the names of Outputs.
func (a *AWSPlan) OutputNames() []string { return namesOf(a.Outputs()) }

func namesOf(list []AWSName) []string {
	var names []string
	for _, n := range list {
		names = append(names, n.Name)
	}
	return names
}

// checkNames refuses, before any request, two sources that would export
// under one name: vault-action silently keeps the last, handing a step the
// wrong secret. Every name the run will export is added, valueless, to a
// scratch export set, so the rule is the very one the export applies.
// Wildcard entries are checked when their keys are known.
func checkNames(p Plan) error {
	set := &export.Set{}
	blank := export.Public("")
	if p.AWS != nil {
		for _, name := range p.AWS.EnvNames() {
			_ = set.Env(name, blank, "role-to-assume") // distinct by construction
		}
		for _, name := range p.AWS.OutputNames() {
			_ = set.Output(name, blank, "role-to-assume")
		}
		// The AWS side's own overlaps (unset names it also exports) are
		// the run's to settle: the first use of a name wins here.
		for _, name := range append(p.AWS.FileEnvNames(), p.AWS.UnsetEnvNames()...) {
			_ = set.Env(name, blank, "role-to-assume")
		}
		for _, name := range p.AWS.ProfileOutputNames() {
			_ = set.Output(name, blank, "aws-profiles")
		}
	}
	v := p.Vault
	if v == nil {
		return nil
	}
	if v.ExportToken {
		_ = set.Env("VAULT_TOKEN", blank, "vault-export-token")
		_ = set.Env("VAULT_ADDR", blank, "vault-export-token")
	}
	if v.OutputToken {
		_ = set.Output("vault-token", blank, "vault-output-token")
	}
	if err := checkPKINames(set, v); err != nil {
		return err
	}
	for _, s := range v.Specs {
		if s.Selector.Wildcard != secretspec.None {
			continue
		}
		entry := fmt.Sprintf("entry %d (%s)", s.Entry, s.Raw)
		if clash := addEntryNames(set, v.ExportEnv, s.EnvName(), s.OutputName(), entry); clash != nil {
			return clashError("vault-secrets", s.Raw, clash)
		}
	}
	return nil
}

// checkPKINames adds the four names of each vault-pki entry to set; a
// clash with a name added before is an error naming both.
func checkPKINames(set *export.Set, v *VaultPlan) error {
	for _, s := range v.PKI {
		entry := fmt.Sprintf("vault-pki entry %d (%s)", s.Entry, s.Raw)
		for _, part := range secretspec.PKIParts {
			env, out := s.Names(part)
			if clash := addEntryNames(set, v.ExportEnv, env, out, entry); clash != nil {
				return clashError("vault-pki", s.Raw, clash)
			}
		}
	}
	return nil
}

// addEntryNames adds an entry's env var (when exportEnv) and output to
// set, and returns the collision with a name added before, if any. A name
// the set refuses for another reason was refused, with its entry, when
// the entry was read (secretspec applies export.CheckEnvName).
func addEntryNames(set *export.Set, exportEnv bool, env, out, entry string) *export.CollisionError {
	blank := export.Public("")
	var err error
	if exportEnv {
		err = set.Env(env, blank, entry)
	}
	if err == nil {
		err = set.Output(out, blank, entry)
	}
	var clash *export.CollisionError
	if errors.As(err, &clash) {
		return clash
	}
	return nil
}

// clashError is the error on input (whose value is raw) for clash: it
// names both sources and how to part them.
func clashError(input, raw string, clash *export.CollisionError) error {
	hint := fmt.Sprintf("%s and %s both set %s %s: give one of them another name with `| NAME`", clash.First, clash.Second, clash.Kind, clash.Name)
	if clash.First == "role-to-assume" && clash.Kind == "env var" {
		hint += ", or set output-env-credentials: false"
	}
	return &inputs.Error{Input: input, Value: raw, Hint: hint}
}
