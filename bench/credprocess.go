package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"time"
)

// credentialProcessRows times `federate credential-process` exec'd the way
// an SDK runs a profile's credential_process: served from its cache, and
// refreshing (an empty cache: one token request and one STS call), with
// and without the added latency in front of STS.
func (e *env) credentialProcessRows(ctx context.Context, w io.Writer, runs int) error {
	cache := filepath.Join(e.dir, "credential-process", "cache.json")
	rows := []struct {
		name  string
		sts   string
		fresh bool // remove the cache before each run
	}{
		{"credential-process, served from its cache", e.sts.URL, false},
		{"credential-process, refreshing (token + STS, no added latency)", e.sts.URL, true},
		{"credential-process, refreshing, STS behind the latency", e.slowSTS.URL, true},
	}
	for _, r := range rows {
		// The first run fills the cache the cached row reads.
		if _, err := e.credentialProcess(ctx, r.sts, cache); err != nil {
			return err
		}
		var walls []time.Duration
		tokensBefore, stsBefore := len(e.tokens.Requests()), e.stsRequests()
		for range runs {
			if r.fresh {
				if err := os.Remove(cache); err != nil {
					return err
				}
			}
			wall, err := e.credentialProcess(ctx, r.sts, cache)
			if err != nil {
				return err
			}
			walls = append(walls, wall)
		}
		perRun := func(n int) float64 { return float64(n) / float64(runs) }
		fmt.Fprintf(w, "| %s | %s | n/a | %.0f / %.0f / 0 |\n", r.name, median(walls).Round(100*time.Microsecond),
			perRun(len(e.tokens.Requests())-tokensBefore), perRun(e.stsRequests()-stsBefore))
	}
	return nil
}

// credentialProcess runs the built binary's credential-process mode once
// and returns its wall time, from fork to exit.
func (e *env) credentialProcess(ctx context.Context, sts, cache string) (time.Duration, error) {
	cmd := exec.CommandContext(ctx, e.bin, "credential-process",
		"--role-arn", "arn:aws:iam::737236345234:role/gha-oidc-role", "--region", "us-west-1",
		"--sts-endpoint", sts, "--cache", cache)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH")}
	for k, v := range e.stepEnv {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	if err != nil {
		return 0, fmt.Errorf("credential-process: %w: %s", err, stderr.String())
	}
	if !bytes.Contains(stdout.Bytes(), []byte(`"AccessKeyId"`)) {
		return 0, fmt.Errorf("credential-process printed no credentials: %q", stdout.String())
	}
	return wall, nil
}
