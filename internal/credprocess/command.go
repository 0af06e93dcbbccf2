package credprocess

import (
	"encoding/json"
	"strconv"
	"time"

	"github.com/federate-action/federate/internal/awssts"
	"github.com/federate-action/federate/internal/secret"
)

// Command is one credential_process line: what a later step's SDK runs to
// get (and refresh) one role's credentials. It is the one place outside
// flags.go that knows the flags, so the step that writes the line and the
// process that reads it cannot disagree.
type Command struct {
	Binary      string // the host path of this program
	RoleARN     string
	Region      string
	Audience    string
	Endpoint    string // "" for the SDK's regional endpoint
	SessionName string
	Duration    time.Duration
	MaxAttempts int    // 0 for the mode's own default
	Cache       string // the host path of the cache file
}

// Argv is the command line, program first.
func (c Command) Argv() []string {
	argv := []string{c.Binary, "credential-process", "--role-arn", c.RoleARN, "--region", c.Region,
		"--audience", c.Audience}
	if c.Endpoint != "" {
		argv = append(argv, "--sts-endpoint", c.Endpoint)
	}
	argv = append(argv, "--session-name", c.SessionName, "--duration-seconds", strconv.Itoa(int(c.Duration/time.Second)))
	if c.MaxAttempts > 0 {
		argv = append(argv, "--retry-max-attempts", strconv.Itoa(c.MaxAttempts))
	}
	return append(argv, "--cache", c.Cache)
}

// CacheDocument is the cache file's content for creds: a step that has
// just assumed the role seeds the cache with it, so a later step's first
// call is served without a request.
func CacheDocument(creds awssts.Credentials) (secret.String, error) {
	b, err := json.Marshal(outputOf(creds))
	if err != nil {
		return secret.String{}, err
	}
	return secret.New(string(b) + "\n"), nil
}

func outputOf(creds awssts.Credentials) Output {
	return Output{
		Version:         1,
		AccessKeyID:     creds.AccessKeyID.Reveal(),
		SecretAccessKey: creds.SecretAccessKey.Reveal(),
		SessionToken:    creds.SessionToken.Reveal(),
		Expiration:      creds.Expiration.UTC().Format(time.RFC3339),
	}
}
