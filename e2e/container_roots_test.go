package e2e

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/federate-action/federate/internal/netpolicy"
	"github.com/federate-action/federate/internal/runner/runnertest"
	"github.com/federate-action/federate/internal/testbed"
)

// imageRoots is where the image keeps its CA bundle: a file in a
// directory Go's crypto/x509 scans, under a name that is none of the
// bundle files it reads first. Go reads the first bundle file it finds
// (SSL_CERT_FILE, else a fixed list starting with
// /etc/ssl/certs/ca-certificates.crt) and then every file of
// /etc/ssl/certs (SSL_CERT_DIR): a bundle in both places is parsed twice
// on every run.
const imageRoots = netpolicy.ImageRoots

// Every TLS run in the image parses the roots once: strace shows the
// files the binary opens while it verifies the token service's
// certificate, trusted through the image's bundle alone.
func TestContainer_ReadsTheCABundleOnce(t *testing.T) {
	t.Parallel()
	p := image(t)
	trace, err := testbed.NewStrace(filepath.Join(t.TempDir(), "strace.out"))
	if errors.Is(err, testbed.ErrStraceMissing) && os.Getenv("FEDERATE_REQUIRE_CONTAINER") == "" {
		t.Skip(err)
	}
	require.NoError(t, err)
	_, moto := servers(t)
	_, _, tokens := vaultServer(t)

	res := run(t, testbed.Step{Image: testImage, Podman: p, Inputs: tutorialInputs(moto.URL), Env: tokens.Env(), Under: trace.Command()})
	require.Equal(t, 0, res.ExitCode, res.Stdout+res.Stderr)
	opened, err := trace.Opened("federate")
	require.NoError(t, err)
	var roots []string
	for _, path := range opened {
		if strings.HasPrefix(path, "/etc/ssl") || strings.HasPrefix(path, "/etc/pki") {
			roots = append(roots, path)
		}
	}
	assert.Equal(t, []string{filepath.Dir(imageRoots), imageRoots}, roots, "the CA files the binary opened, in order")
}

// A workflow may set SSL_CERT_FILE for its other tools, to a path on the
// runner that does not exist in the image (or comes in through
// GITHUB_ENV). Go then reads no bundle file, but still the directory the
// image's bundle is in: the public roots stay trusted, as they were when
// the bundle was parsed twice.
func TestContainer_KeepsTheRootsWhenSSLCertFileNamesAHostPath(t *testing.T) {
	t.Parallel()
	p := image(t)
	_, moto := servers(t)
	_, _, tokens := vaultServer(t)
	env := with(tokens.Env(), map[string]string{"SSL_CERT_FILE": "/home/runner/work/_temp/corp-ca.pem"})

	res := run(t, testbed.Step{Image: testImage, Podman: p, Inputs: tutorialInputs(moto.URL), Env: env})
	require.Equal(t, 0, res.ExitCode, res.Stdout+res.Stderr)
	assert.Contains(t, runnertest.ToMap(res.Env), "AWS_SESSION_TOKEN")
}

// A workflow may set SSL_CERT_DIR for a company's own CA, usually to a
// runner path the image does not have, and SSL_CERT_FILE to the runner's
// bundle path. Go reads SSL_CERT_DIR in place of /etc/ssl/certs, where the
// image keeps its roots: federate adds that directory back, so the public
// roots stay trusted, as they were when the image also had its bundle at
// the usual bundle path.
func TestContainer_KeepsTheRootsWhenSSLCertDirNamesAnotherDirectory(t *testing.T) {
	t.Parallel()
	p := image(t)
	_, moto := servers(t)
	_, _, tokens := vaultServer(t)
	for _, vars := range []map[string]string{
		{"SSL_CERT_DIR": "/home/runner/corp-certs"},
		{"SSL_CERT_DIR": "/github/workspace"},
		{"SSL_CERT_DIR": "/home/runner/corp-certs", "SSL_CERT_FILE": "/etc/ssl/certs/ca-certificates.crt"},
	} {
		res := run(t, testbed.Step{Image: testImage, Podman: p, Inputs: tutorialInputs(moto.URL), Env: with(tokens.Env(), vars)})
		require.Equal(t, 0, res.ExitCode, "%v\n%s%s", vars, res.Stdout, res.Stderr)
		assert.Contains(t, runnertest.ToMap(res.Env), "AWS_SESSION_TOKEN")
	}
}
