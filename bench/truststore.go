package main

import (
	"bytes"
	"encoding/pem"
	"fmt"
	"os"
	"path/filepath"
)

// systemBundle is the CA bundle the image copies from its build stage; the
// bench's host has the same file, so the production trust store can be
// measured without the image.
const systemBundle = "/etc/ssl/certs/ca-certificates.crt"

// emptyCertDir makes an empty directory for SSL_CERT_DIR.
func emptyCertDir(dir string) (string, error) {
	d := filepath.Join(dir, "empty-cert-dir")
	return d, os.MkdirAll(d, 0o700)
}

// bundleWithCA writes systemBundle followed by the PEM file tokenCA into
// one file in dir, so a run with it as SSL_CERT_FILE parses a full set of
// public roots once (as the image does) and still trusts the test token
// service. It returns the file and how many roots the bundle holds.
func bundleWithCA(dir, tokenCA string) (string, int, error) {
	bundle, err := os.ReadFile(systemBundle)
	if err != nil {
		return "", 0, err
	}
	ca, err := os.ReadFile(tokenCA)
	if err != nil {
		return "", 0, err
	}
	roots := 0
	for rest := bundle; ; {
		var b *pem.Block
		if b, rest = pem.Decode(rest); b == nil {
			break
		}
		if b.Type == "CERTIFICATE" {
			roots++
		}
	}
	if roots == 0 {
		return "", 0, fmt.Errorf("%s holds no certificates", systemBundle)
	}
	path := filepath.Join(dir, "bundle-and-token-ca.pem")
	body := append(bytes.TrimRight(bundle, "\n"), '\n')
	return path, roots, os.WriteFile(path, append(body, ca...), 0o600)
}
