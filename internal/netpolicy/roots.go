package netpolicy

import (
	"path/filepath"
	"strings"
)

// ImageRoots is where federate's image keeps its public roots: a file in
// /etc/ssl/certs, the directory Go's crypto/x509 scans, under a name that
// is none of the bundle files Go reads first, so every run parses the
// roots once instead of twice.
const ImageRoots = "/etc/ssl/certs/public-roots.pem"

// KeepImageRoots makes a job's SSL_CERT_DIR add to the image's roots
// instead of replacing them. Go reads SSL_CERT_DIR in place of
// /etc/ssl/certs, and the image has its roots nowhere else, so a
// directory meant for a company's own CA (often a runner path the image
// does not even have) would leave no public root trusted. When the image's
// roots file exists and SSL_CERT_DIR leaves its directory out, that
// directory is added to the end, before any TLS connection loads the
// roots. Anywhere else (a release binary on a host) it does nothing.
// exists reports whether a path is there; setenv sets a variable.
func KeepImageRoots(getenv func(string) string, setenv func(string, string) error, exists func(string) bool) error {
	dirs := getenv("SSL_CERT_DIR")
	if dirs == "" || !exists(ImageRoots) {
		return nil
	}
	imageDir := filepath.Dir(ImageRoots)
	for _, d := range strings.Split(dirs, ":") {
		if d != "" && filepath.Clean(d) == imageDir {
			return nil
		}
	}
	return setenv("SSL_CERT_DIR", dirs+":"+imageDir)
}
