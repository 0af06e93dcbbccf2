package e2e

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/federate-action/federate/internal/runner/runnertest"
	"github.com/federate-action/federate/internal/testbed"
)

const (
	testImage    = "localhost/federate:test"
	builderImage = "localhost/federate-builder:test"
	// imageBudget is the largest the image may be, uncompressed.
	imageBudget = 12 << 20
)

var (
	imageOnce sync.Once
	podman    *testbed.Podman
	imageErr  error
)

// image builds the real Dockerfile with buildah once for the package. So
// that no registry is needed, the builder image is assembled from the
// host's Go and a static busybox; the Dockerfile itself is unchanged.
// Without buildah and podman the tests skip, unless
// FEDERATE_REQUIRE_CONTAINER is set (.ci/run sets it): then they fail.
func image(t *testing.T) *testbed.Podman {
	t.Helper()
	_, _, tokens := vaultServer(t) // its HTTPS token service plays a public CA
	imageOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
		defer cancel()
		dir, err := os.MkdirTemp(tmpDir, "image-*")
		if err != nil {
			imageErr = err
			return
		}
		if podman, imageErr = testbed.NewPodman(dir); imageErr != nil {
			return
		}
		if imageErr = podman.BuilderImage(ctx, builderImage, tokens.CAPEM(), dir); imageErr != nil {
			return
		}
		root, err := filepath.Abs("..")
		if err != nil {
			imageErr = err
			return
		}
		if imageErr = podman.Build(ctx, root, testImage, map[string]string{"BUILDER_IMAGE": builderImage, "VERSION": "v0.0.0-test"}); imageErr != nil {
			return
		}
		imageErr = podman.Prune(ctx)
	})
	if errors.Is(imageErr, testbed.ErrPodmanMissing) && os.Getenv("FEDERATE_REQUIRE_CONTAINER") == "" {
		t.Skip(imageErr)
	}
	require.NoError(t, imageErr, "building the image")
	return podman
}

func TestContainer_ImageFacts(t *testing.T) {
	t.Parallel()
	p := image(t)
	ctx := context.Background()
	img, err := p.Inspect(ctx, testImage)
	require.NoError(t, err)
	files, gzipped, err := p.Files(ctx, testImage)
	require.NoError(t, err)
	t.Logf("image: %.1f MB uncompressed, %.1f MB gzipped", float64(img.Size)/1e6, float64(gzipped)/1e6)

	assert.Contains(t, []string{"", "root", "0"}, img.User, "the runner's file commands need root")
	assert.Equal(t, []string{"/federate"}, img.Entrypoint)
	assert.Equal(t, []string{"LICENSE", strings.TrimPrefix(imageRoots, "/"), "federate", "federate-post"}, files)
	assert.LessOrEqual(t, img.Size, int64(imageBudget))
	assert.Equal(t, "https://github.com/federate-action/federate", img.Labels["org.opencontainers.image.source"])
	assert.Equal(t, "v0.0.0-test", img.Labels["org.opencontainers.image.version"])
	assert.Equal(t, "MIT", img.Labels["org.opencontainers.image.licenses"])
}

// The same flows as the binary's end-to-end tests, run in the image. The
// token service is HTTPS and no SSL_CERT_FILE is given: it is trusted
// through the image's own CA bundle, as GitHub's is in production.
func TestContainer_RunsLikeTheRunnerRunsIt(t *testing.T) {
	t.Parallel()
	p := image(t)
	_, moto := servers(t)
	_, v, tokens := vaultServer(t)

	t.Run("aws", func(t *testing.T) {
		t.Parallel()
		res := run(t, testbed.Step{Image: testImage, Podman: p, Inputs: tutorialInputs(moto.URL), Env: tokens.Env()})
		require.Equal(t, 0, res.ExitCode, res.Stdout+res.Stderr)
		assert.Equal(t, []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_REGION", "AWS_DEFAULT_REGION"}, names(res.Env))
		out := runnertest.ToMap(res.Outputs)
		assert.Equal(t, "arn:aws:sts::737236345234:assumed-role/gha-oidc-role/samplerolesession", out["authenticated-arn"])
		env := runnertest.ToMap(res.Env)
		for _, s := range []string{env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"], env["AWS_SESSION_TOKEN"]} {
			assert.Contains(t, runnertest.Masks(res.Stdout), s)
			assert.NotContains(t, runnertest.Visible(res.Stdout, res.Stderr), s)
		}
		assert.Contains(t, res.Summary, "samplerolesession")
	})
	t.Run("aws_and_vault", func(t *testing.T) {
		t.Parallel()
		in := with(vaultInputs(v, "secret/data/aws accessKey | VAULT_ACCESS_KEY"), tutorialInputs(moto.URL))
		res := run(t, testbed.Step{Image: testImage, Podman: p, Inputs: in, Env: tokens.Env()})
		require.Equal(t, 0, res.ExitCode, res.Stdout+res.Stderr)
		env := runnertest.ToMap(res.Env)
		assert.Equal(t, "test", env["VAULT_ACCESS_KEY"])
		assert.NotEmpty(t, env["AWS_SESSION_TOKEN"])
		assert.Contains(t, res.Stdout, "Vault token revoked")
	})
	t.Run("bad_input_fails_with_one_annotation", func(t *testing.T) {
		t.Parallel()
		res := run(t, testbed.Step{Image: testImage, Podman: p, Inputs: with(tutorialInputs(moto.URL), map[string]string{"aws-region": "nowhere"}), Env: tokens.Env()})
		assert.Equal(t, 1, res.ExitCode)
		errs := errorAnnotations(res.Stdout)
		require.Len(t, errs, 1, res.Stdout)
		assert.True(t, strings.HasPrefix(errs[0], "::error title=Invalid input aws-region::"))
		assert.Empty(t, res.EnvRaw)
	})
	t.Run("post_step", func(t *testing.T) {
		t.Parallel()
		res := run(t, testbed.Step{Image: testImage, Podman: p, Entrypoint: "/federate-post"})
		require.Equal(t, 0, res.ExitCode, res.Stdout+res.Stderr)
		assert.Contains(t, res.Stdout, "nothing to clean up")
		assert.Empty(t, res.EnvRaw)
	})
}

// In the image, the step writes the profile files under the mounted
// /github/runner_temp but exports them as the host sees them (input
// runner-temp, which the runner fills with the host's runner.temp): a later
// step on the host reads them with the SDKs. The post step, in the image
// again, deletes them.
func TestContainer_ProfileFilesAreExportedAsHostPaths(t *testing.T) {
	t.Parallel()
	p := image(t)
	_, moto := servers(t)
	_, _, tokens := vaultServer(t) // HTTPS, trusted through the image's CA bundle
	callers := sdkCallers(t)
	roles := testRoles(t, 2)
	dir := stepDir(t)
	hostTemp := runnerTempOf(dir)
	in := with(profilesInputs(moto.URL, "prod "+roles[0]+"\naudit "+roles[1]+" source=prod"), map[string]string{"runner-temp": hostTemp})

	res := run(t, testbed.Step{Image: testImage, Podman: p, Inputs: in, Env: tokens.Env(), Dir: dir})
	require.Equal(t, 0, res.ExitCode, "stdout:\n%s\nstderr:\n%s", res.Stdout, res.Stderr)
	files := exportedFiles(t, res, hostTemp) // host paths, checked on the host
	state := runnertest.ToMap(res.State)["aws-files-dir"]
	assert.Equal(t, "/github/runner_temp/"+filepath.Base(files.Dir), state, "the post step gets the path inside the container")
	assertMaskedEverywhere(t, res, fileSecrets(t, files.Credentials))
	for _, c := range callers {
		for i, name := range []string{"prod", "audit"} {
			assertIdentity(t, c.Name+" "+name, sdkCall(t, c, moto.URL, files.Env(name)), accountOf(roles[i]), assumedARN(roles[i], "GitHubActions"))
		}
	}

	post := run(t, testbed.Step{Image: testImage, Podman: p, Entrypoint: "/federate-post", Inputs: in, Dir: dir,
		Env: map[string]string{"STATE_aws-files-dir": state}})
	require.Equal(t, 0, post.ExitCode, post.Stdout+post.Stderr)
	_, err := os.Stat(files.Dir)
	assert.True(t, os.IsNotExist(err), "the post step deleted the files: %v", err)
}
