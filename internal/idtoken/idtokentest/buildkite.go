package idtokentest

import (
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// BuildkiteAgent writes into dir a `buildkite-agent` stand-in: a shell
// script that appends its arguments, one call per line, to the file Log
// returns and prints the token minted for its --audience (one of
// audiences, minted now; "" is the call without --audience). An audience
// it has no token for makes it fail with a message on stderr, as the
// agent does when the API refuses.
func (s *Server) BuildkiteAgent(dir string, audiences ...string) (path, log string, err error) {
	tokens := filepath.Join(dir, "buildkite-tokens")
	if err := os.MkdirAll(tokens, 0o700); err != nil {
		return "", "", err
	}
	for _, aud := range audiences {
		token, err := s.Mint(aud)
		if err != nil {
			return "", "", err
		}
		if err := os.WriteFile(filepath.Join(tokens, "aud-"+hex.EncodeToString([]byte(aud))), []byte(token+"\n"), 0o600); err != nil {
			return "", "", err
		}
	}
	log = filepath.Join(dir, "buildkite-agent.log")
	script := fmt.Sprintf(`#!/bin/sh
printf '%%s\n' "$*" >> %[1]s
aud=""
while [ $# -gt 0 ]; do
  if [ "$1" = "--audience" ]; then aud="$2"; shift; fi
  shift
done
f=%[2]s/aud-$(printf '%%s' "$aud" | od -An -tx1 | tr -d ' \n')
if [ ! -f "$f" ]; then
  echo "fatal: failed to request OIDC token: audience $aud is not allowed" >&2
  exit 1
fi
cat "$f"
`, shellQuote(log), shellQuote(tokens))
	path = filepath.Join(dir, "buildkite-agent")
	if err := os.WriteFile(path, []byte(script), 0o755); err != nil { //nolint:gosec // the stand-in must be executable
		return "", "", err
	}
	return path, log, nil
}

// shellQuote quotes s for sh.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
