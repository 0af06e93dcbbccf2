package testbed

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
)

// ErrPodmanMissing is returned (wrapped) when buildah or podman is not
// installed (Debian packages buildah, podman and runc).
var ErrPodmanMissing = errors.New("buildah and podman are needed: apt-get install -y buildah podman runc")

// Podman builds images with buildah and runs them with podman as the runner
// runs a container action, with settings that work as root without a
// container daemon or overlay mounts: vfs storage, chroot isolation for
// builds, runc and the cgroupfs manager, and no raised ulimits (some
// sandboxes refuse raising them).
type Podman struct {
	conf string // CONTAINERS_CONF file
	runc string // path of the runc runtime
}

// NewPodman checks the tools and writes their configuration into dir.
func NewPodman(dir string) (*Podman, error) {
	for _, tool := range []string{"buildah", "podman", "runc"} {
		if _, err := exec.LookPath(tool); err != nil {
			return nil, fmt.Errorf("%w: %v", ErrPodmanMissing, err)
		}
	}
	runc, _ := exec.LookPath("runc")
	conf := filepath.Join(dir, "containers.conf")
	if err := os.WriteFile(conf, []byte("[containers]\ndefault_ulimits = []\n"), 0o644); err != nil {
		return nil, err
	}
	return &Podman{conf: conf, runc: runc}, nil
}

func (p *Podman) command(ctx context.Context, tool string, args ...string) *exec.Cmd {
	flags := []string{"--storage-driver", "vfs"}
	if tool == "podman" {
		flags = append(flags, "--runtime", p.runc, "--cgroup-manager=cgroupfs")
	}
	cmd := exec.CommandContext(ctx, tool, append(append([]string{}, flags...), args...)...)
	cmd.Env = append(os.Environ(), "CONTAINERS_CONF="+p.conf)
	return cmd
}

func (p *Podman) output(ctx context.Context, tool string, args ...string) (string, error) {
	cmd := p.command(ctx, tool, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("%s %s: %w\n%s", tool, strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return strings.TrimSpace(string(out)), nil
}

// BuilderImage makes a stand-in for the Dockerfile's golang builder image
// from what the host has, for builds that cannot reach a registry: the
// host's Go toolchain, a static busybox for the RUN lines, and the host's CA
// bundle with extraCA appended. extraCA plays the part of a public root:
// a server whose chain ends in it is trusted through the image's bundle
// alone, which is what proves the bundle is in the image and used.
func (p *Podman) BuilderImage(ctx context.Context, tag, extraCA, dir string) error {
	root := filepath.Join(dir, "builder-root")
	for _, d := range []string{"bin", "etc/ssl/certs", "tmp", "root"} {
		if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
			return err
		}
	}
	busybox, err := exec.LookPath("busybox")
	if err != nil {
		return fmt.Errorf("a static busybox is needed (apt-get install -y busybox-static): %w", err)
	}
	if err := copyFile(busybox, filepath.Join(root, "bin", "busybox"), 0o755); err != nil {
		return err
	}
	for _, applet := range []string{"sh", "cp", "mkdir", "ln", "ls", "cat", "rm", "mv"} {
		if err := os.Symlink("busybox", filepath.Join(root, "bin", applet)); err != nil && !os.IsExist(err) {
			return err
		}
	}
	bundle, err := os.ReadFile("/etc/ssl/certs/ca-certificates.crt")
	if err != nil {
		return err
	}
	bundle = append(append(bundle, '\n'), extraCA...)
	if err := os.WriteFile(filepath.Join(root, "etc/ssl/certs/ca-certificates.crt"), bundle, 0o644); err != nil {
		return err
	}
	goroot, err := exec.CommandContext(ctx, "go", "env", "GOROOT").Output()
	if err != nil {
		return fmt.Errorf("go env GOROOT: %w", err)
	}
	ctr, err := p.output(ctx, "buildah", "from", "scratch")
	if err != nil {
		return err
	}
	defer func() { _, _ = p.output(context.WithoutCancel(ctx), "buildah", "rm", ctr) }()
	steps := [][]string{
		{"copy", ctr, strings.TrimSpace(string(goroot)), "/usr/local/go"},
		{"copy", ctr, root + "/", "/"},
		{"config", "--env", "PATH=/usr/local/go/bin:/bin", "--env", "HOME=/root", "--env", "GOFLAGS=-buildvcs=false", ctr},
		{"commit", ctr, tag},
	}
	for _, args := range steps {
		if _, err := p.output(ctx, "buildah", args...); err != nil {
			return err
		}
	}
	return nil
}

// Prune removes images no tag points at any more: with vfs storage each
// rebuilt builder image would otherwise leave a quarter gigabyte behind.
func (p *Podman) Prune(ctx context.Context) error {
	_, err := p.output(ctx, "podman", "image", "prune", "--force")
	return err
}

// Build builds the Dockerfile in contextDir as tag. The host's Go module
// and build caches are mounted into the build, so it downloads nothing
// the tests have not already fetched.
func (p *Podman) Build(ctx context.Context, contextDir, tag string, buildArgs map[string]string) error {
	args := []string{"bud", "--isolation", "chroot", "-t", tag, "-f", filepath.Join(contextDir, "Dockerfile")}
	keys := make([]string, 0, len(buildArgs))
	for k := range buildArgs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		args = append(args, "--build-arg", k+"="+buildArgs[k])
	}
	for _, cache := range []string{"GOMODCACHE", "GOCACHE"} {
		dir, err := exec.CommandContext(ctx, "go", "env", cache).Output()
		if err != nil {
			return fmt.Errorf("go env %s: %w", cache, err)
		}
		inside := map[string]string{"GOMODCACHE": "/root/go/pkg/mod", "GOCACHE": "/root/.cache/go-build"}[cache]
		args = append(args, "-v", strings.TrimSpace(string(dir))+":"+inside)
	}
	_, err := p.output(ctx, "buildah", append(args, contextDir)...)
	return err
}

// Image is what the runner and the tests care about in an image's config.
type Image struct {
	Size       int64             `json:"Size"`
	User       string            `json:"-"`
	Entrypoint []string          `json:"-"`
	Labels     map[string]string `json:"-"`
}

// Inspect reads tag's size and config.
func (p *Podman) Inspect(ctx context.Context, tag string) (Image, error) {
	out, err := p.output(ctx, "podman", "image", "inspect", tag)
	if err != nil {
		return Image{}, err
	}
	var raw []struct {
		Size   int64 `json:"Size"`
		Config struct {
			User       string            `json:"User"`
			Entrypoint []string          `json:"Entrypoint"`
			Labels     map[string]string `json:"Labels"`
		} `json:"Config"`
	}
	if err := json.Unmarshal([]byte(out), &raw); err != nil || len(raw) != 1 {
		return Image{}, fmt.Errorf("podman image inspect %s: %v", tag, err)
	}
	r := raw[0]
	return Image{Size: r.Size, User: r.Config.User, Entrypoint: r.Config.Entrypoint, Labels: r.Config.Labels}, nil
}

// Files lists the regular files and links in tag's file system, and the
// size of that file system as a gzipped tar (what a pull transfers).
func (p *Podman) Files(ctx context.Context, tag string) (files []string, gzipped int64, err error) {
	ctr, err := p.output(ctx, "podman", "create", tag)
	if err != nil {
		return nil, 0, err
	}
	defer func() { _, _ = p.output(context.WithoutCancel(ctx), "podman", "rm", ctr) }()
	cmd := p.command(ctx, "podman", "export", ctr)
	exported, err := cmd.Output()
	if err != nil {
		return nil, 0, fmt.Errorf("podman export: %w", err)
	}
	tr := tar.NewReader(bytes.NewReader(exported))
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, 0, err
		}
		if h.Typeflag != tar.TypeDir {
			files = append(files, h.Name)
		}
	}
	sort.Strings(files)
	return files, gzipSize(exported), nil
}

// runCommand returns the podman command line that runs image for one step
// the way the runner does: the file commands, workspace, home and runner
// temp mounted at /github/..., the workspace as working directory, host
// networking (the test servers listen on loopback), every variable as -e.
func (p *Podman) runCommand(ctx context.Context, image string, l layout, env []string, entrypoint string) *exec.Cmd {
	args := []string{"run", "--rm", "--network", "host", "--workdir", "/github/workspace",
		"-v", filepath.Dir(l.env) + ":/github/file_commands",
		"-v", l.workspace + ":/github/workspace",
		"-v", l.home + ":/github/home",
		"-v", l.runnerTemp + ":/github/runner_temp",
	}
	if entrypoint != "" {
		args = append(args, "--entrypoint", entrypoint)
	}
	for _, kv := range env {
		args = append(args, "-e", kv)
	}
	return p.command(ctx, "podman", append(args, image)...)
}

func copyFile(from, to string, mode os.FileMode) error {
	b, err := os.ReadFile(from)
	if err != nil {
		return err
	}
	return os.WriteFile(to, b, mode)
}

// gzipSize is the size of b gzipped at the default level.
func gzipSize(b []byte) int64 {
	var n countingWriter
	zw := gzip.NewWriter(&n)
	_, _ = zw.Write(b)
	_ = zw.Close()
	return int64(n)
}

type countingWriter int64

func (c *countingWriter) Write(p []byte) (int, error) {
	*c += countingWriter(len(p))
	return len(p), nil
}
