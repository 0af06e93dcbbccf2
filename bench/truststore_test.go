package main

import (
	"encoding/pem"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestBundleWithCA_holds_the_bundle_and_the_token_CA(t *testing.T) {
	t.Parallel()
	if _, err := os.Stat(systemBundle); err != nil {
		t.Skipf("no %s on this machine", systemBundle)
	}
	dir := t.TempDir()
	bundle, err := os.ReadFile(systemBundle)
	require.NoError(t, err)
	block, _ := pem.Decode(bundle)
	require.NotNil(t, block)
	ca := filepath.Join(dir, "ca.pem")
	require.NoError(t, os.WriteFile(ca, pem.EncodeToMemory(block), 0o600))

	path, roots, err := bundleWithCA(dir, ca)
	require.NoError(t, err)
	both, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, roots+1, countCertificates(both))
	assert.Equal(t, countCertificates(bundle), roots)
}

func TestEmptyCertDir_is_empty(t *testing.T) {
	t.Parallel()
	d, err := emptyCertDir(t.TempDir())
	require.NoError(t, err)
	entries, err := os.ReadDir(d)
	require.NoError(t, err)
	assert.Empty(t, entries)
}

func countCertificates(b []byte) int {
	n := 0
	for {
		var block *pem.Block
		if block, b = pem.Decode(b); block == nil {
			return n
		}
		n++
	}
}
