package mapping

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"time"

	"github.com/federate-action/federate/internal/awsconfig"
	"github.com/federate-action/federate/internal/awssts"
	"github.com/federate-action/federate/internal/credprocess"
	"github.com/federate-action/federate/internal/export"
	"github.com/federate-action/federate/internal/plan"
)

// StateAWSFilesDir names the GITHUB_STATE entry that tells the post step
// which directory of AWS files to delete.
const StateAWSFilesDir = "aws-files-dir"

// defaultProfile is where role-to-assume's credentials go in the files
// when they go there without aws-profile (refresh-credentials).
const defaultProfile = "default"

// Profiles is what the AWS config files are made of.
type Profiles struct {
	// Default is role-to-assume's credentials when they go to a profile
	// (aws-profile or refresh-credentials); nil otherwise.
	Default *awssts.Credentials
	// Assumed are aws-profiles' credentials, by profile name.
	Assumed map[string]awssts.Credentials
	// Binary is the file this program runs from, copied next to the files
	// for credential_process (refresh-credentials only).
	Binary string
}

// AWSFiles adds the AWS config and credentials files, the env vars that
// point later steps at them (host paths), the aws-profiles output, the
// state the post step needs to delete them, and the summary. Nothing is
// written here: the runner writes it all or nothing.
func AWSFiles(set *export.Set, p *plan.AWSPlan, in Profiles, now time.Time) error {
	if !p.FilesNeeded() || (in.Default == nil && len(p.Profiles) == 0) {
		// Nothing to write: no files pointing later steps at an empty
		// profile (use-existing-credentials kept the environment's).
		return nil
	}
	dir, host := p.FilesDir, p.HostFilesDir
	f := fileSet{set: set, p: p, dir: dir, host: host}
	var entries []awsconfig.Entry
	if in.Default != nil {
		name := p.ProfileName
		if name == "" {
			name = defaultProfile
		}
		e, err := f.entry(name, p.Region, webRole{p.RoleARN, p.SessionName, p.Duration}, *in.Default)
		if err != nil {
			return err
		}
		entries = append(entries, e)
	}
	for _, pr := range p.Profiles {
		creds := in.Assumed[pr.Name]
		var e awsconfig.Entry
		var err error
		if pr.Chained() && p.Refresh {
			// The SDKs chain from the source profile themselves, and so
			// refresh this one whenever they refresh the source.
			e = awsconfig.Entry{Profile: pr.Name, Region: pr.Region, SourceProfile: pr.Source, RoleARN: pr.RoleARN,
				ExternalID: pr.ExternalID, RoleSessionName: pr.SessionName, DurationSeconds: int(pr.Duration / time.Second)}
			maskCredentials(set, creds)
		} else {
			e, err = f.entry(pr.Name, pr.Region, webRole{pr.RoleARN, pr.SessionName, pr.Duration}, creds)
		}
		if err != nil {
			return err
		}
		entries = append(entries, e)
	}
	config, credentials, err := awsconfig.Render(entries)
	if err != nil {
		return err
	}
	const src = "aws-profiles"
	// The credentials file is written even when empty: without
	// AWS_SHARED_CREDENTIALS_FILE the SDKs would read the host's own.
	steps := []error{
		set.File(filepath.Join(dir, "config"), export.Public(config), src),
		set.File(filepath.Join(dir, "credentials"), export.Secret(credentials), src),
		set.Env(plan.EnvConfigFile, export.Public(filepath.Join(host, "config")), src),
		set.Env(plan.EnvCredentialsFile, export.Public(filepath.Join(host, "credentials")), src),
		set.State(StateAWSFilesDir, export.Public(dir), src),
	}
	if p.Refresh {
		steps = append(steps, set.Executable(filepath.Join(dir, binaryName), in.Binary, "refresh-credentials"))
	}
	if p.ProfileName != "" && p.OutputEnvCredentials && in.Default != nil {
		steps = append(steps, set.Env(plan.EnvProfile, export.Public(p.ProfileName), "aws-profile"))
	}
	for _, err := range steps {
		if err != nil {
			return err
		}
	}
	if len(p.Profiles) > 0 {
		doc, err := profilesOutput(p, in.Assumed)
		if err != nil {
			return err
		}
		if err := set.Output(plan.OutputProfiles, identity(p, doc), src); err != nil {
			return err
		}
		summarizeProfiles(set, p, in.Assumed, now)
	}
	return nil
}

// binaryName is the copy of this program credential_process runs.
const binaryName = "federate"

// webRole is a role assumed with the ID token.
type webRole struct {
	arn, session string
	duration     time.Duration
}

// fileSet adds the per-profile parts of the files to set.
type fileSet struct {
	set       *export.Set
	p         *plan.AWSPlan
	dir, host string
}

// entry is one profile: static keys, or with refresh-credentials a
// credential_process whose cache is seeded with the keys in hand.
func (f *fileSet) entry(name, region string, role webRole, creds awssts.Credentials) (awsconfig.Entry, error) {
	maskCredentials(f.set, creds)
	if !f.p.Refresh {
		return awsconfig.Entry{Profile: name, Region: region, Static: &creds}, nil
	}
	cache := filepath.Join("cache", name+".json")
	doc, err := credprocess.CacheDocument(creds)
	if err == nil {
		err = f.set.File(filepath.Join(f.dir, cache), export.Secret(doc), "refresh-credentials")
	}
	if err != nil {
		return awsconfig.Entry{}, err
	}
	cmd := credprocess.Command{Binary: filepath.Join(f.host, binaryName), RoleARN: role.arn, Region: region,
		Audience: f.p.Audience, Endpoint: f.p.Endpoint, SessionName: role.session, Duration: role.duration,
		MaxAttempts: f.p.MaxAttempts, Cache: filepath.Join(f.host, cache)}
	return awsconfig.Entry{Profile: name, Region: region, Process: cmd.Argv()}, nil
}

// maskCredentials masks what a file holds: File masks nothing itself.
func maskCredentials(set *export.Set, c awssts.Credentials) {
	set.Mask(c.AccessKeyID)
	set.Mask(c.SecretAccessKey)
	set.Mask(c.SessionToken)
}

// profileInfo is one profile in the aws-profiles output: never a secret.
type profileInfo struct {
	Name       string `json:"name"`
	Role       string `json:"role"`
	Account    string `json:"account"`
	ARN        string `json:"arn"`
	Region     string `json:"region"`
	Expiration string `json:"expiration"`
	Source     string `json:"source,omitempty"`
}

func profilesOutput(p *plan.AWSPlan, assumed map[string]awssts.Credentials) (string, error) {
	infos := make([]profileInfo, 0, len(p.Profiles))
	for _, pr := range p.Profiles {
		c := assumed[pr.Name]
		infos = append(infos, profileInfo{Name: pr.Name, Role: pr.RoleARN, Account: c.AccountID, ARN: c.AssumedRoleARN,
			Region: pr.Region, Expiration: expiry(c), Source: pr.Source})
	}
	b, err := json.Marshal(infos)
	if err != nil {
		return "", fmt.Errorf("rendering the aws-profiles output: %w", err)
	}
	return string(b), nil
}

// summarizeProfiles lists the profiles in the job summary: account, ARN,
// expiry, never a secret.
func summarizeProfiles(set *export.Set, p *plan.AWSPlan, assumed map[string]awssts.Credentials, now time.Time) {
	set.Summary("### federate: AWS profiles")
	set.Summary("")
	set.Summary("| Profile | Account | Assumed as | Region | Expires |")
	set.Summary("|---|---|---|---|---|")
	for _, pr := range p.Profiles {
		c := assumed[pr.Name]
		account, arn := c.AccountID, "`"+c.AssumedRoleARN+"`"
		if p.MaskAccountID {
			account, arn = "(masked)", "(masked)"
		}
		via := ""
		if pr.Chained() {
			via = " (from `" + pr.Source + "`)"
		}
		set.Summary(fmt.Sprintf("| `%s`%s | %s | %s | %s | %s (in %s) |", pr.Name, via, account, arn, pr.Region,
			expiry(c), c.Expiration.Sub(now).Round(time.Minute)))
	}
	set.Summary("")
	how := "static keys"
	if p.Refresh {
		how = "refreshed on demand by `credential_process`"
	}
	set.Summary(fmt.Sprintf("Credentials: %s; `AWS_CONFIG_FILE` and `AWS_SHARED_CREDENTIALS_FILE` point at `%s`.", how, p.HostFilesDir))
	set.Summary("")
}

// unsetValue is what unset-current-credentials exports for a name.
var unsetValue = export.Public("")

// UnsetAWS exports empty the AWS env vars of an earlier step that this one
// does not export itself (unset-current-credentials). The region is left
// alone when the step writes profile files: botocore takes an empty
// AWS_REGION over a profile's region, and then has no endpoint to call.
func UnsetAWS(set *export.Set, p *plan.AWSPlan) error {
	exported := map[string]bool{}
	for _, n := range p.EnvNames() {
		exported[n] = true
	}
	if p.FilesNeeded() {
		exported["AWS_REGION"], exported["AWS_DEFAULT_REGION"] = true, true
	}
	for _, name := range p.UnsetEnvNames() {
		if exported[name] {
			continue
		}
		if err := set.Env(name, unsetValue, "unset-current-credentials"); err != nil {
			return err
		}
	}
	return nil
}
