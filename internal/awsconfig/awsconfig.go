// Package awsconfig renders the AWS shared config and credentials files
// that later steps read through AWS_CONFIG_FILE and
// AWS_SHARED_CREDENTIALS_FILE. It only renders: the runner writes.
//
// Both files are read by two different parsers: botocore's (Python's
// configparser.RawConfigParser, then shlex.split for credential_process)
// and aws-sdk-go-v2's (its internal/ini package, then `sh -c` for
// credential_process). Render writes only what both read back identically,
// and refuses anything else rather than hand a later step a profile that
// one SDK reads differently (or reads as an extra key or section).
package awsconfig

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/federate-action/federate/internal/awssts"
	"github.com/federate-action/federate/internal/secret"
)

// Entry is one profile. Static credentials go to the credentials file;
// everything else to the config file.
type Entry struct {
	Profile string
	Region  string
	// Static credentials, or nil.
	Static *awssts.Credentials
	// Process is the argv of credential_process; argv[0] an absolute path.
	Process []string
	// SourceProfile and RoleARN chain from another profile of the same
	// Render; ExternalID, RoleSessionName and DurationSeconds refine it.
	SourceProfile, RoleARN, ExternalID, RoleSessionName string
	DurationSeconds                                     int
}

// defaultProfile is the one profile written as [default] in both files.
const defaultProfile = "default"

// Render returns the text of the config file and of the credentials file
// (a secret: it holds static keys; empty when no entry has any).
func Render(entries []Entry) (config string, credentials secret.String, err error) {
	names := map[string]bool{}
	for _, e := range entries {
		if err := checkName(e.Profile); err != nil {
			return "", secret.String{}, err
		}
		if names[e.Profile] {
			// configparser is strict: a duplicate section fails the whole file.
			return "", secret.String{}, &Error{Profile: e.Profile, Reason: "the profile is given twice; give each profile once"}
		}
		names[e.Profile] = true
	}
	var cfg, creds strings.Builder
	for _, e := range entries {
		if err := checkShape(e, names); err != nil {
			return "", secret.String{}, err
		}
		if err := section(&cfg, e.Profile, configHeader(e.Profile), configPairs(e)); err != nil {
			return "", secret.String{}, err
		}
		if e.Static != nil {
			if err := section(&creds, e.Profile, "["+e.Profile+"]", staticPairs(e.Static)); err != nil {
				return "", secret.String{}, err
			}
		}
	}
	return cfg.String(), secret.New(creds.String()), nil
}

// configHeader is the config file's section name: botocore and the Go SDK
// both read [default] and [profile NAME] there, and ignore [NAME].
func configHeader(profile string) string {
	if profile == defaultProfile {
		return "[default]"
	}
	return "[profile " + profile + "]"
}

// pair is one key = value line. Errors name the key, never the value.
type pair struct {
	key   string
	value string
	argv  []string // credential_process, rendered by commandLine
}

func configPairs(e Entry) []pair {
	var ps []pair
	add := func(k, v string) {
		if v != "" {
			ps = append(ps, pair{key: k, value: v})
		}
	}
	add("region", e.Region)
	if len(e.Process) > 0 {
		ps = append(ps, pair{key: "credential_process", argv: e.Process})
	}
	add("role_arn", e.RoleARN)
	add("source_profile", e.SourceProfile)
	add("external_id", e.ExternalID)
	add("role_session_name", e.RoleSessionName)
	if e.DurationSeconds > 0 {
		add("duration_seconds", strconv.Itoa(e.DurationSeconds))
	}
	return ps
}

func staticPairs(c *awssts.Credentials) []pair {
	ps := []pair{
		{key: "aws_access_key_id", value: c.AccessKeyID.Reveal()},
		{key: "aws_secret_access_key", value: c.SecretAccessKey.Reveal()},
	}
	if !c.SessionToken.IsZero() {
		ps = append(ps, pair{key: "aws_session_token", value: c.SessionToken.Reveal()})
	}
	return ps
}

// section appends one section, checking every value first.
func section(b *strings.Builder, profile, header string, pairs []pair) error {
	var s strings.Builder
	if b.Len() > 0 {
		s.WriteString("\n")
	}
	s.WriteString(header + "\n")
	for _, p := range pairs {
		v := p.value
		if p.argv != nil {
			line, err := commandLine(p.argv)
			if err != nil {
				return &Error{Profile: profile, Key: p.key, Reason: err.Error()}
			}
			v = line
		} else if reason := checkValue(v); reason != "" {
			return &Error{Profile: profile, Key: p.key, Reason: reason}
		}
		fmt.Fprintf(&s, "%s = %s\n", p.key, v)
	}
	b.WriteString(s.String())
	return nil
}

// checkShape refuses an entry the SDKs would reject or read differently
// from what was meant: one source of credentials per profile, and a
// source_profile that this Render also writes.
func checkShape(e Entry, names map[string]bool) error {
	sources := 0
	for _, has := range []bool{e.Static != nil, len(e.Process) > 0, e.RoleARN != ""} {
		if has {
			sources++
		}
	}
	bad := func(reason string) error { return &Error{Profile: e.Profile, Reason: reason} }
	switch {
	case sources > 1:
		return bad("the profile has more than one source of credentials (static keys, credential_process, role_arn); give it one")
	case e.RoleARN != "" && e.SourceProfile == "":
		return bad("role_arn needs a source_profile")
	case e.RoleARN == "" && (e.SourceProfile != "" || e.ExternalID != "" || e.RoleSessionName != "" || e.DurationSeconds != 0):
		return bad("source_profile, external_id, role_session_name and duration_seconds need a role_arn")
	case e.SourceProfile != "" && !names[e.SourceProfile]:
		return bad(fmt.Sprintf("source_profile %q is not a profile of these files; add it", e.SourceProfile))
	case e.SourceProfile == e.Profile && e.Profile != "":
		return bad("the profile is its own source_profile; chain from another profile")
	case e.DurationSeconds < 0:
		return bad("duration_seconds is negative")
	case e.Static != nil && (e.Static.AccessKeyID.IsZero() || e.Static.SecretAccessKey.IsZero()):
		return bad("static credentials need both an access key id and a secret access key")
	}
	return nil
}
