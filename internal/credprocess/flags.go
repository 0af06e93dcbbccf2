package credprocess

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/federate-action/federate/internal/inputs"
	"github.com/federate-action/federate/internal/plan"
)

// config is the validated command line.
type config struct {
	Role  plan.WebIdentityRole
	Cache string // absolute path
}

// flagOf names, for each of the step's inputs that plan's errors name, the
// flag that carries the same value here.
var flagOf = map[string]string{
	"role-to-assume":        "--role-arn",
	"aws-region":            "--region",
	"audience":              "--audience",
	"role-session-name":     "--session-name",
	"role-duration-seconds": "--duration-seconds",
	"sts-endpoint":          "--sts-endpoint",
	"retry-max-attempts":    "--retry-max-attempts",
}

// defaultMaxAttempts is lower than the step's: an SDK waiting on a
// credential process is a command a user waits on, and the next run tries
// again anyway.
const defaultMaxAttempts = 5

// FlagError is a command line that cannot be used.
type FlagError struct{ Msg string }

func (e *FlagError) Error() string { return e.Msg }

// Title is the annotation title.
func (e *FlagError) Title() string { return "Invalid credential-process flags" }

func parseFlags(args []string) (config, error) {
	fs := flag.NewFlagSet("credential-process", flag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors are returned as one line, not a usage dump
	var r plan.WebIdentityRole
	var seconds int
	var cache string
	fs.StringVar(&r.RoleARN, "role-arn", "", "ARN of the role to assume (required)")
	fs.StringVar(&r.Region, "region", "", "region to call STS in (required)")
	fs.StringVar(&r.Audience, "audience", "", "ID token audience (default sts.amazonaws.com, sts.amazonaws.com.cn in China)")
	fs.StringVar(&r.Endpoint, "sts-endpoint", "", "STS endpoint URL (default the regional endpoint)")
	fs.StringVar(&r.SessionName, "session-name", "GitHubActions", "role session name")
	fs.IntVar(&seconds, "duration-seconds", 3600, "credential lifetime, 900 to 43200")
	fs.StringVar(&cache, "cache", "", "file to keep the credentials in between runs (required)")
	fs.IntVar(&r.MaxAttempts, "retry-max-attempts", defaultMaxAttempts, "attempts at STS, 1 to 100")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return config{}, &FlagError{Msg: "usage: federate credential-process --role-arn ARN --region REGION --cache FILE " +
				"[--audience A] [--sts-endpoint URL] [--session-name S] [--duration-seconds N] [--retry-max-attempts N]"}
		}
		return config{}, &FlagError{Msg: err.Error()}
	}
	if fs.NArg() > 0 {
		return config{}, &FlagError{Msg: fmt.Sprintf("unexpected argument %q: every value is given with a flag", fs.Arg(0))}
	}
	// A zero would mean "the step's default" to plan; here it is a value
	// the user typed.
	if seconds <= 0 || r.MaxAttempts <= 0 {
		bad, v := "--duration-seconds", seconds
		if r.MaxAttempts <= 0 {
			bad, v = "--retry-max-attempts", r.MaxAttempts
		}
		return config{}, &FlagError{Msg: fmt.Sprintf("flag %s has an invalid value %d: use a positive whole number", bad, v)}
	}
	r.Duration = time.Duration(seconds) * time.Second
	role, err := plan.CheckWebIdentityRole(r)
	if err != nil {
		return config{}, renamed(err)
	}
	if cache == "" {
		return config{}, &FlagError{Msg: "flag --cache is required: give the file that keeps the credentials between runs"}
	}
	abs, err := filepath.Abs(cache)
	if err != nil {
		return config{}, &FlagError{Msg: fmt.Sprintf("flag --cache has an invalid value %q: %v", cache, err)}
	}
	return config{Role: role, Cache: abs}, nil
}

// renamed says plan's input error in terms of this command's flags.
func renamed(err error) error {
	var in *inputs.Error
	if !errors.As(err, &in) {
		return err
	}
	name := flagOf[in.Input]
	if name == "" {
		return err
	}
	e := *in
	e.Input = name
	msg := e.Error() // "input --x has an invalid value ...": say flag
	return &FlagError{Msg: "flag" + msg[len("input"):]}
}
