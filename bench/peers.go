package main

import (
	"errors"
	"maps"
	"os/exec"
)

// nodePath finds the node the runner would run a JavaScript action with.
func nodePath() (string, error) {
	p, err := exec.LookPath("node")
	if err != nil {
		return "", errors.New("no node on PATH: the peer is not measured")
	}
	return p, nil
}

// nodeEnv is the step env for a JavaScript action: node trusts the roots
// built into it and reads neither SSL_CERT_FILE nor SSL_CERT_DIR, so the
// token service's CA goes in NODE_EXTRA_CA_CERTS, added to those roots.
func nodeEnv(stepEnv, extra map[string]string) map[string]string {
	env := maps.Clone(stepEnv)
	if ca, ok := env["SSL_CERT_FILE"]; ok {
		env["NODE_EXTRA_CA_CERTS"] = ca
	}
	maps.Copy(env, extra)
	return env
}
