package credprocess_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/federate-action/federate/internal/credprocess"
	"github.com/federate-action/federate/internal/idtoken/idtokentest"
	"github.com/federate-action/federate/internal/netpolicy"
	"github.com/federate-action/federate/internal/testbed"
)

// One moto for the package: it takes seconds to start.
var (
	motoOnce sync.Once
	moto     *testbed.Moto
	motoErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if moto != nil {
		_ = moto.Stop()
	}
	os.Exit(code)
}

// bed is one test's servers: a token service, and a proxy in front of the
// shared moto that counts STS calls.
type bed struct {
	tokens *idtokentest.Server
	sts    *testbed.FaultProxy
	cache  string
}

func newBed(t testing.TB) *bed {
	t.Helper()
	if testing.Short() {
		t.Skip("needs moto_server; run without -short")
	}
	motoOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		moto, motoErr = testbed.StartMoto(ctx, nil)
	})
	require.NoError(t, motoErr)
	tokens, err := idtokentest.New(idtokentest.Config{})
	require.NoError(t, err)
	t.Cleanup(tokens.Close)
	proxy, err := testbed.NewFaultProxy(moto.URL)
	require.NoError(t, err)
	t.Cleanup(proxy.Close)
	return &bed{tokens: tokens, sts: proxy, cache: filepath.Join(t.TempDir(), "aws", "default.json")}
}

func (b *bed) args() []string {
	return []string{
		"--role-arn", "arn:aws:iam::123456789012:role/credproc",
		"--region", "us-east-1",
		"--sts-endpoint", b.sts.URL,
		"--duration-seconds", "3600",
		"--cache", b.cache,
	}
}

// result is what one run printed.
type result struct {
	stdout, stderr string
	err            error
}

func (b *bed) run(t testing.TB, now func() time.Time) result {
	t.Helper()
	return runWith(t, b.args(), b.tokens.Env(), now)
}

func runWith(t testing.TB, args []string, env map[string]string, now func() time.Time) result {
	t.Helper()
	if now == nil {
		now = time.Now
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var stdout, stderr bytes.Buffer
	err := credprocess.Run(ctx, args, credprocess.Deps{
		Getenv: func(k string) string { return env[k] },
		Stdout: &stdout,
		Stderr: &stderr,
		HTTP:   netpolicy.NewClient(),
		Now:    now,
	})
	return result{stdout: stdout.String(), stderr: stderr.String(), err: err}
}
