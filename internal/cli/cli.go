// Package cli is federate away from the GitHub step: `federate exec` runs a
// command with the credentials and secrets in its environment only, `federate
// env` prints them, `federate explain` checks a trust policy offline. Its
// flags are the action's inputs, read from the action.yml the binary embeds.
package cli

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/federate-action/federate/internal/app"
	"github.com/federate-action/federate/internal/explain"
	"github.com/federate-action/federate/internal/runner"
)

// Deps is what the command line takes from the outside world; main fills
// in every field.
type Deps struct {
	ActionYAML []byte // action.yml, embedded in the binary: the input table
	Getenv     func(string) string
	Environ    func() []string // the environment a command of exec starts from
	Stdin      io.Reader
	Stdout     io.Writer
	Stderr     io.Writer
	ReadFile   func(string) ([]byte, error)
	HTTP       *http.Client
	Now        func() time.Time
	Rand       io.Reader
	Version    string
	// Signals are the Signals as they arrive: they stop the run
	// while it computes, and are forwarded to exec's command after.
	Signals <-chan os.Signal
}

// IsCommand reports whether args (os.Args[1:]) ask for the command line
// rather than the GitHub step, which runs with no arguments.
func IsCommand(args []string) bool {
	if len(args) == 0 {
		return false
	}
	switch args[0] {
	case "exec", "env", "explain", "help", "--help", "-h":
		return true
	}
	return false
}

// Main runs one command line and returns the process's exit code: 0, 1
// when federate failed (an invalid input, a refusal), 2 for a command line
// that does not parse; exec returns its command's code.
func Main(ctx context.Context, args []string, d Deps) int {
	table, err := ParseTable(d.ActionYAML)
	if err != nil {
		fmt.Fprintf(d.Stderr, "federate: %v\n", err)
		return 1
	}
	if len(args) == 0 {
		writeHelp(d.Stderr, "", table)
		return 2
	}
	switch cmd := args[0]; cmd {
	case "help", "--help", "-h":
		if len(args) > 1 && args[0] == "help" {
			if args[1] == "explain" {
				// Asked-for help goes to stdout, like every other help.
				return explain.Main([]string{"--help"}, d.Stdout, d.Stdout)
			}
			if !knownCommand(args[1]) {
				fmt.Fprintf(d.Stderr, "federate: no command %q: the commands are exec, env and explain\n", args[1])
				return 2
			}
			writeHelp(d.Stdout, args[1], table)
			return 0
		}
		writeHelp(d.Stdout, "", table)
		return 0
	case "explain":
		return explain.Main(args[1:], d.Stdout, d.Stderr)
	case "exec", "env":
		return runCommand(ctx, cmd, args[1:], table, d)
	}
	fmt.Fprintf(d.Stderr, "federate: no command %q: the commands are exec, env and explain (federate --help)\n", args[0])
	return 2
}

// knownCommand reports whether name is a command with flags of its own.
func knownCommand(name string) bool { return name == "exec" || name == "env" }

// commandFlags are the flags of exec or env.
func commandFlags(cmd string, table []Flag) []Flag {
	flags := append(append(append([]Flag{}, table...), cliInputs...), cliOptions...)
	if cmd == "env" {
		flags = append(flags, formatFlag)
	}
	return flags
}

// runCommand parses exec's or env's flags, computes the set and hands it on.
func runCommand(ctx context.Context, cmd string, args []string, table []Flag, d Deps) int {
	flags := commandFlags(cmd, table)
	p, err := parseFlags(args, flags, d.ReadFile)
	if err == nil && p.help {
		writeHelp(d.Stdout, cmd, table)
		return 0
	}
	if err == nil {
		err = checkCommandLine(cmd, p)
	}
	if err != nil {
		return report(err, d)
	}
	verbose, _ := p.values["verbose"]
	getenv := stepEnv(p.values, flags, d.Getenv)
	if err := refuseFiles(getenv); err != nil {
		return report(err, d)
	}

	// Signals stop the computation; once a command runs they are its.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	fwd := &forwarder{cancel: cancel}
	stop := fwd.listen(d.Signals)
	defer stop()

	log := d.Stderr
	if !inGitHub(d.Getenv) {
		log = &console{w: d.Stderr, verbose: verbose == "true" || verbose == "True" || verbose == "TRUE"}
	}
	rnd := d.Rand
	if rnd == nil {
		rnd = rand.Reader
	}
	res, err := app.Compute(ctx, app.Deps{Getenv: getenv, Stdout: log, HTTP: d.HTTP, Now: d.Now, Rand: rnd, Version: d.Version,
		CommandLine: true})
	if err != nil {
		return report(err, d)
	}
	if inGitHub(d.Getenv) {
		// A run step in a GitHub job: its log hides the values.
		res.Mask()
	}
	if cmd == "env" {
		return printEnv(ctx, res, p.values["format"], d)
	}
	return runChild(ctx, res, p.rest, fwd, d)
}

// checkCommandLine checks what each command needs besides inputs.
func checkCommandLine(cmd string, p parsed) error {
	switch cmd {
	case "exec":
		if len(p.rest) == 0 {
			return &UsageError{Msg: "exec needs a command: federate exec [flags] -- COMMAND [ARGS...]"}
		}
	case "env":
		if len(p.rest) > 0 {
			got := fmt.Sprintf("%q", p.rest[0])
			if strings.Count(p.rest[0], ".") == 2 {
				// A token pasted after a flag that takes none: never echo it.
				got = "an argument with a JWT's shape, not shown"
			}
			return &UsageError{Msg: fmt.Sprintf("env takes no arguments, only flags (got %s); did you mean federate exec?", got)}
		}
		if _, ok := formats[p.values["format"]]; !ok {
			return &UsageError{Msg: fmt.Sprintf("env needs --format shell, dotenv or json (got %q)", p.values["format"])}
		}
	}
	return nil
}

// printEnv prints the set's env vars in format, then finishes the run as
// the step does: the Vault token is revoked unless it is kept
// (vault-export-token, which exports VAULT_TOKEN, must outlive env).
func printEnv(ctx context.Context, res *app.Result, format string, d Deps) int {
	fmt.Fprintln(d.Stderr, "federate: the output holds secrets: keep it out of logs, and out of files others can read")
	err := formats[format](d.Stdout, res.Set.EnvVars())
	res.Finish(ctx, err == nil)
	if err != nil {
		return report(fmt.Errorf("printing the variables: %w", err), d)
	}
	return 0
}

// inGitHub reports whether federate runs inside a GitHub Actions job (a
// run step), where workflow commands reach the runner.
func inGitHub(getenv func(string) string) bool { return getenv("GITHUB_ACTIONS") == "true" }

// report prints err and returns its exit code: one plain line, or an
// error annotation inside a GitHub job.
func report(err error, d Deps) int {
	var usage *UsageError
	if errors.As(err, &usage) {
		fmt.Fprintf(d.Stderr, "federate: %s\n", usage.Msg)
		return 2
	}
	if inGitHub(d.Getenv) {
		runner.New(d.Getenv, d.Stderr, rand.Reader).Fail(err)
		return 1
	}
	fmt.Fprintf(d.Stderr, "federate: %s\n", strings.TrimSpace(err.Error()))
	return 1
}
