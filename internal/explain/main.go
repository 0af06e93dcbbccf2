package explain

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"
	"sync"
)

// envName is the shape of an environment variable's name, compiled on first
// use: only explain needs it, and every run of the binary pays for package-level work.
var envName = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`) })

const usage = `Usage: federate explain (--aws-trust-policy FILE | --vault-role FILE)
                        (--claims FILE | --id-token-file FILE | --id-token-env NAME)

Evaluates, offline, an IAM role trust policy or a Vault jwt role against a
token's claims, says which statement admits the run or which condition
refuses it and why, and flags policies that would admit far more.
The token's signature is not checked.

Exit code: 0 admitted, 1 refused, 2 dangerous (even if admitted), 3 usage.
`

// Main runs `federate explain` with args (after the subcommand's name)
// and returns the exit code.
func Main(args []string, stdout, stderr io.Writer) int {
	return run(args, os.Getenv, stdout, stderr)
}

type options struct {
	policy, role, claims, tokenFile, tokenEnv string
}

func run(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("federate explain", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, usage) }
	var o options
	fs.StringVar(&o.policy, "aws-trust-policy", "", "the role's trust policy, JSON")
	fs.StringVar(&o.role, "vault-role", "", "the Vault jwt role, JSON")
	fs.StringVar(&o.claims, "claims", "", "a JSON object of claims")
	fs.StringVar(&o.tokenFile, "id-token-file", "", "a file holding the JWT")
	fs.StringVar(&o.tokenEnv, "id-token-env", "", "an environment variable holding the JWT")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 3
	}
	if fs.NArg() > 0 {
		shown := fmt.Sprintf("%q", fs.Arg(0))
		if strings.Count(fs.Arg(0), ".") == 2 {
			// A token pasted after a flag that takes none: never echo it.
			shown = "(not shown: it has a JWT's shape)"
		}
		fmt.Fprintf(stderr, "federate explain: unexpected argument %s\n%s", shown, usage)
		return 3
	}
	v, err := explain(o, getenv)
	if err != nil {
		fmt.Fprintf(stderr, "federate explain: %v\n", err)
		return 3
	}
	fmt.Fprint(stdout, v.Text)
	return v.ExitCode()
}

func explain(o options, getenv func(string) string) (Verdict, error) {
	if (o.policy == "") == (o.role == "") {
		return Verdict{}, errors.New("give one of --aws-trust-policy FILE or --vault-role FILE")
	}
	claims, err := readClaims(o, getenv)
	if err != nil {
		return Verdict{}, err
	}
	if o.policy != "" {
		data, err := os.ReadFile(o.policy)
		if err != nil {
			return Verdict{}, fmt.Errorf("--aws-trust-policy: %w", err)
		}
		return Policy(data, claims), nil
	}
	data, err := os.ReadFile(o.role)
	if err != nil {
		return Verdict{}, fmt.Errorf("--vault-role: %w", err)
	}
	return VaultRole(data, claims), nil
}

// readClaims reads the claims from exactly one of the three sources.
func readClaims(o options, getenv func(string) string) (Claims, error) {
	given := 0
	for _, s := range []string{o.claims, o.tokenFile, o.tokenEnv} {
		if s != "" {
			given++
		}
	}
	if given != 1 {
		return nil, errors.New("give one of --claims FILE, --id-token-file FILE or --id-token-env NAME")
	}
	switch {
	case o.claims != "":
		data, err := os.ReadFile(o.claims)
		if err != nil {
			return nil, fmt.Errorf("--claims: %w", err)
		}
		c, err := ParseClaims(data)
		if err != nil {
			return nil, fmt.Errorf("--claims %s: %w", o.claims, err)
		}
		return c, nil
	case o.tokenFile != "":
		data, err := os.ReadFile(o.tokenFile)
		if err != nil {
			return nil, fmt.Errorf("--id-token-file: %w", err)
		}
		c, err := DecodeJWT(string(data))
		if err != nil {
			return nil, fmt.Errorf("--id-token-file %s: %w", o.tokenFile, err)
		}
		return c, nil
	}
	// Users paste the token itself here: never echo a value that is not
	// a variable's name (a valid name cannot be a JWT, which holds dots).
	if !envName().MatchString(o.tokenEnv) {
		return nil, errors.New("--id-token-env: give the variable's name, not the token (letters, digits and _, e.g. ACTIONS_ID_TOKEN)")
	}
	token := getenv(o.tokenEnv)
	if strings.TrimSpace(token) == "" {
		return nil, fmt.Errorf("--id-token-env %s: the variable is empty or not set", o.tokenEnv)
	}
	c, err := DecodeJWT(token)
	if err != nil {
		return nil, fmt.Errorf("--id-token-env %s: %w", o.tokenEnv, err)
	}
	return c, nil
}
