package testbed

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// binaryName is the file Build writes, the action's name.
const binaryName = "federate"

// Build compiles the action (the main package at the module root) into
// dir/federate and returns that path. The module root is the one `go env
// GOMOD` reports for the working directory, so it works from any package's
// tests and from a program run inside the repository.
func Build(ctx context.Context, dir string) (string, error) {
	root, err := moduleRoot(ctx)
	if err != nil {
		return "", err
	}
	return BuildModule(ctx, root, dir)
}

// BuildModule builds moduleDir's main package into dir/federate with the
// flags of the released image (static, stripped), so tests and figures are
// about the binary users run. It is Build with the module named explicitly,
// for callers outside the repository and for testing Build on a throwaway
// module.
func BuildModule(ctx context.Context, moduleDir, dir string) (string, error) {
	out, err := filepath.Abs(filepath.Join(dir, binaryName))
	if err != nil {
		return "", fmt.Errorf("build: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return "", fmt.Errorf("build: %w", err)
	}
	cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-ldflags=-s -w", "-o", out, ".")
	cmd.Dir = moduleDir
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	var log bytes.Buffer
	cmd.Stdout, cmd.Stderr = &log, &log
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("go build in %s: %w\n%s", moduleDir, err, strings.TrimSpace(log.String()))
	}
	return out, nil
}

// moduleRoot returns the directory of the go.mod governing the working directory.
func moduleRoot(ctx context.Context) (string, error) {
	out, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("find module root: go env GOMOD: %w", err)
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == os.DevNull {
		return "", errors.New("find module root: the working directory is not inside a Go module")
	}
	return filepath.Dir(gomod), nil
}
