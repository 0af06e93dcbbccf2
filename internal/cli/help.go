package cli

import (
	"fmt"
	"io"
	"strings"
)

// usage is the synopsis of every command.
const usage = `Usage:
  federate exec [flags] [--] COMMAND [ARGS...]
      Run COMMAND with the AWS credentials and Vault secrets in its environment
      only: nothing is written to disk or printed. Its exit code is federate's;
      SIGINT, SIGTERM, SIGHUP and SIGQUIT are passed on; the Vault token is
      revoked when it ends.
  federate env --format shell|dotenv|json [flags]
      Print the variables, for eval "$(federate env --format shell ...)" or a
      file only you can read. The output is secret.
  federate explain ...
      Check an IAM trust policy or a Vault jwt role against a token's claims,
      offline (federate help explain).
  federate help [COMMAND]

With no arguments, federate is the GitHub Action's step.

Flags are the action's inputs, with the same meaning, defaults and checks:
--name value or --name=value; a boolean flag alone means true. A value
@path is the content of the file at path (a regular file of at most
1 MiB); write @@ for a value starting with @. Inputs that write files (aws-profiles, aws-profile,
refresh-credentials, vault-secrets entries with >) are refused: the command
line writes nothing to disk.
`

// writeHelp prints the usage and the flags of cmd (exec's and env's flags
// for ""), generated from action.yml's inputs.
func writeHelp(w io.Writer, cmd string, table []Flag) {
	var b strings.Builder
	b.WriteString(usage)
	if cmd == "" {
		cmd = "exec"
	}
	b.WriteString("\nFlags of " + cmd + ":\n")
	for _, f := range commandFlags(cmd, table) {
		writeFlag(&b, f)
	}
	io.WriteString(w, b.String())
}

// writeFlag prints one flag, its wrapped description and its default.
func writeFlag(b *strings.Builder, f Flag) {
	if f.Bool {
		fmt.Fprintf(b, "  --%s\n", f.Name)
	} else {
		fmt.Fprintf(b, "  --%s VALUE\n", f.Name)
	}
	for _, line := range wrap(f.Description, 72) {
		fmt.Fprintf(b, "      %s\n", line)
	}
	if f.Default != "" && !strings.Contains(f.Default, "${{") {
		fmt.Fprintf(b, "      Default: %s\n", f.Default)
	}
}

// wrap breaks text into lines of at most width characters, at spaces.
func wrap(text string, width int) []string {
	var lines []string
	line := ""
	for _, word := range strings.Fields(text) {
		if line != "" && len(line)+1+len(word) > width {
			lines = append(lines, line)
			line = ""
		}
		if line != "" {
			line += " "
		}
		line += word
	}
	if line != "" {
		lines = append(lines, line)
	}
	return lines
}
