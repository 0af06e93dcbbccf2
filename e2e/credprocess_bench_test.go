package e2e

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/federate-action/federate/internal/idtoken/idtokentest"
)

// runCredentialProcess runs the built binary as an SDK does, and fails b
// on any error.
func runCredentialProcess(b *testing.B, bin, endpoint, cache string, env []string) {
	b.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "credential-process", "--role-arn", "arn:aws:iam::123456789012:role/bench",
		"--region", "us-east-1", "--sts-endpoint", endpoint, "--duration-seconds", "900", "--cache", cache)
	cmd.Env = env
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("%v: %s", err, out)
	}
}

// BenchmarkCredentialProcess_BinaryCacheHit is what an SDK waits for on
// most calls: starting the binary and reading the cache (goal: < 10 ms on
// an idle machine).
func BenchmarkCredentialProcess_BinaryCacheHit(b *testing.B) {
	bin, moto := servers(b)
	tokens := tokenServer(b, idtokentest.Config{})
	env := []string{"ACTIONS_ID_TOKEN_REQUEST_URL=" + tokens.URL, "ACTIONS_ID_TOKEN_REQUEST_TOKEN=" + tokens.RequestToken}
	cache := filepath.Join(b.TempDir(), "bench.json")
	runCredentialProcess(b, bin, moto.URL, cache, env) // fills the cache; b.Loop starts the timer after it
	for b.Loop() {
		runCredentialProcess(b, bin, moto.URL, cache, env)
	}
	if n := len(tokens.Requests()); n != 1 {
		b.Fatalf("%d token requests, want 1: the cache did not serve", n)
	}
}

// BenchmarkCredentialProcess_BinaryRefresh is a run without a usable
// cache: a token request, AssumeRoleWithWebIdentity at moto, a cache write.
func BenchmarkCredentialProcess_BinaryRefresh(b *testing.B) {
	bin, moto := servers(b)
	tokens := tokenServer(b, idtokentest.Config{})
	env := []string{"ACTIONS_ID_TOKEN_REQUEST_URL=" + tokens.URL, "ACTIONS_ID_TOKEN_REQUEST_TOKEN=" + tokens.RequestToken}
	cache := filepath.Join(b.TempDir(), "bench.json")
	for b.Loop() {
		b.StopTimer()
		_ = os.Remove(cache)
		b.StartTimer()
		runCredentialProcess(b, bin, moto.URL, cache, env)
	}
}
