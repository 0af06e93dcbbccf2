package awsprofiles

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/federate-action/federate/internal/awsnames"
	"github.com/federate-action/federate/internal/redact"
)

// keys are the key=value settings a line may carry, in the order the
// errors list them.
var keys = []string{"account", "region", "session-name", "duration", "source", "external-id"}

// token is one white-space separated word of a line and where it starts.
type token struct {
	text   string
	column int // 1-based, in characters
}

// Parse reads the aws-profiles input. Blank lines and comments (from a
// `#` that starts a word to the end of the line) are skipped. The result
// is ordered so that a profile's source comes before it; otherwise it
// keeps the input's order. An empty input gives no profiles. The first
// invalid line is returned as an *Error.
func Parse(text string, d Defaults) ([]Profile, error) {
	var (
		profiles []Profile
		byName   = map[string]int{}   // index into profiles
		sourceAt = map[string]token{} // where each source= value was written
	)
	for i, line := range strings.Split(text, "\n") {
		words := split(strings.TrimSuffix(line, "\r"))
		if len(words) == 0 {
			continue
		}
		p, src, err := parseLine(i+1, words, lineEnd(line), d)
		if err != nil {
			return nil, err
		}
		if first, dup := byName[p.Name]; dup {
			return nil, errAt(p.Line, words[0], "profile %s is already defined on line %d: give each profile its own name", p.Name, profiles[first].Line)
		}
		byName[p.Name] = len(profiles)
		profiles = append(profiles, p)
		if p.Source != "" {
			sourceAt[p.Name] = src
		}
	}
	if err := checkSources(profiles, byName, sourceAt); err != nil {
		return nil, err
	}
	return sourcesFirst(profiles, byName), nil
}

// split cuts a line into words at white space, up to a word starting
// with '#'.
func split(line string) []token {
	var (
		words []token
		start = -1 // column of the word being read, -1 between words
		word  strings.Builder
	)
	column := 0
	for _, r := range line {
		column++
		if unicode.IsSpace(r) {
			if start > 0 {
				words = append(words, token{word.String(), start})
				word.Reset()
				start = -1
			}
			continue
		}
		if start < 0 {
			if r == '#' {
				return words
			}
			start = column
		}
		word.WriteRune(r)
	}
	if start > 0 {
		words = append(words, token{word.String(), start})
	}
	return words
}

// lineEnd is the column just past the line's last character, where a
// missing word would go.
func lineEnd(line string) int {
	return len([]rune(strings.TrimRightFunc(strings.TrimSuffix(line, "\r"), unicode.IsSpace))) + 1
}

func errAt(line int, t token, format string, args ...any) *Error {
	return &Error{Line: line, Column: t.column, Msg: fmt.Sprintf(format, args...)}
}

// show quotes a user's word for a message, shortened by the one rule.
func show(s string) string { return strconv.Quote(redact.Shorten(s)) }

// parseLine reads `NAME ROLE [key=value ...]`. It returns the profile and
// the source= word (for errors found once every line is read).
func parseLine(n int, words []token, end int, d Defaults) (Profile, token, error) {
	p := Profile{Name: words[0].text, Line: n}
	if !awsnames.ValidProfileName(p.Name) {
		return p, token{}, errAt(n, words[0], "profile name %s is not valid: %s", show(p.Name), awsnames.ProfileNameHint)
	}
	if p.Name == "default" {
		return p, token{}, errAt(n, words[0], "the profile name default is kept for role-to-assume's credentials: give this profile another name, or use role-to-assume (with aws-profile) for the default credentials")
	}
	if len(words) < 2 {
		return p, token{}, &Error{Line: n, Column: end, Msg: fmt.Sprintf("profile %s has no role: write `NAME ROLE [key=value ...]`, ROLE being a role ARN or a role name with account=", p.Name)}
	}
	role := words[1]
	set := map[string]token{} // key -> its key=value word
	values := map[string]string{}
	for _, w := range words[2:] {
		k, v, ok := strings.Cut(w.text, "=")
		switch {
		case !ok:
			return p, token{}, errAt(n, w, "%s is not a setting: write key=value (keys: %s) after NAME ROLE", show(w.text), strings.Join(keys, ", "))
		case !known(k):
			return p, token{}, errAt(n, w, "unknown key %s: use one of %s", show(k), strings.Join(keys, ", "))
		case v == "":
			return p, token{}, errAt(n, w, "%s= has no value: write %s=VALUE with no space around =, or remove it", k, k)
		}
		if _, dup := set[k]; dup {
			return p, token{}, errAt(n, w, "%s= is given twice for profile %s: keep one", k, p.Name)
		}
		set[k], values[k] = w, v
	}
	if err := settle(&p, role, set, values, d); err != nil {
		return p, token{}, err
	}
	return p, set["source"], nil
}

func known(k string) bool {
	for _, key := range keys {
		if k == key {
			return true
		}
	}
	return false
}

// settle checks each setting and fills the profile, defaults included.
func settle(p *Profile, role token, set map[string]token, values map[string]string, d Defaults) error {
	n := p.Line
	if v, ok := values["region"]; ok {
		if !awsnames.ValidRegion(v) {
			return errAt(n, set["region"], "region %s is not valid: %s", show(v), awsnames.RegionHint)
		}
		p.Region = v
	} else if p.Region = d.Region; p.Region == "" {
		return errAt(n, role, "profile %s has no region: add region=REGION to the line, or set aws-region", p.Name)
	}
	p.Partition = awsnames.PartitionOf(p.Region)

	account, hasAccount := values["account"]
	if hasAccount && !awsnames.ValidAccount(account) {
		return errAt(n, set["account"], "account %s is not valid: %s", show(account), awsnames.AccountHint)
	}
	if err := settleRole(p, role, account, set["account"]); err != nil {
		return err
	}

	p.SessionName = d.SessionName
	if v, ok := values["session-name"]; ok {
		if !awsnames.ValidSessionName(v) {
			return errAt(n, set["session-name"], "session-name %s is not valid: %s", show(v), awsnames.SessionHint)
		}
		p.SessionName = v
	}

	p.Source = values["source"]
	if v, ok := values["external-id"]; ok {
		if p.Source == "" {
			return errAt(n, set["external-id"], "external-id is sent with sts:AssumeRole, which only a chained profile uses: add source=PROFILE, or remove external-id (a trust policy cannot ask the ID token for one)")
		}
		if !awsnames.ValidExternalID(v) {
			return errAt(n, set["external-id"], "external-id %s is not valid: %s", show(v), awsnames.ExternalIDHint)
		}
		p.ExternalID = v
	}
	return settleDuration(p, set["duration"], values, d.Duration)
}

// settleRole reads ROLE: an ARN, or a bare name with account=.
func settleRole(p *Profile, role token, account string, accountAt token) error {
	n := p.Line
	if !awsnames.IsARN(role.text) {
		if !awsnames.ValidRoleName(role.text) {
			return errAt(n, role, "role %s is not valid: use a role ARN (arn:PARTITION:iam::ACCOUNT_ID:role/NAME) or a role name (letters, digits and _+=,.@-, optionally path/name) with account=", show(role.text))
		}
		if account == "" {
			return errAt(n, role, "role %s is a bare role name: add account=ACCOUNT_ID, or give the full role ARN", show(role.text))
		}
		p.RoleARN, p.AccountID = awsnames.BuildRoleARN(p.Partition, account, role.text), account
		return nil
	}
	arn, ok := awsnames.ParseRoleARN(role.text)
	if !ok {
		return errAt(n, role, "role %s is not a role ARN: use arn:PARTITION:iam::ACCOUNT_ID:role/NAME, or a role name with account=", show(role.text))
	}
	if arn.Partition != p.Partition {
		return errAt(n, role, "the role is in partition %s but the profile's region %s is in %s: use a region of the role's partition (region=)", arn.Partition, p.Region, p.Partition)
	}
	if account != "" && account != arn.Account {
		return errAt(n, accountAt, "account=%s disagrees with the role ARN's account %s: drop account= or make them agree", account, arn.Account)
	}
	p.RoleARN, p.AccountID = role.text, arn.Account
	return nil
}

// settleDuration reads duration= (seconds). A chained session lasts at
// most an hour: an explicit longer one is refused, an inherited
// role-duration-seconds is capped, since it is meant for the ID-token
// roles.
func settleDuration(p *Profile, at token, values map[string]string, def time.Duration) error {
	v, ok := values["duration"]
	if !ok {
		p.Duration = def
		if limit := time.Duration(awsnames.MaxChainedDurationSeconds) * time.Second; p.Chained() && p.Duration > limit {
			p.Duration = limit
		}
		return nil
	}
	s, err := strconv.Atoi(v)
	if err != nil || s < awsnames.MinDurationSeconds || s > awsnames.MaxDurationSeconds {
		return errAt(p.Line, at, "duration %s is not valid: use a whole number of seconds from %d to %d", show(v), awsnames.MinDurationSeconds, awsnames.MaxDurationSeconds)
	}
	if p.Chained() && s > awsnames.MaxChainedDurationSeconds {
		return errAt(p.Line, at, "duration=%d is too long for a chained profile (source=%s): STS limits a session reached by role chaining to %d seconds; use duration=%d or less", s, p.Source, awsnames.MaxChainedDurationSeconds, awsnames.MaxChainedDurationSeconds)
	}
	p.Duration = time.Duration(s) * time.Second
	return nil
}
