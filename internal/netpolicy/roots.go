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

// KeepImageRoots keeps the trust a job's SSL_CERT_DIR had while the image
// also held its roots at a bundle path. Go reads SSL_CERT_DIR in place of
// /etc/ssl/certs, and the image now has its roots nowhere else, so a
// directory meant for a company's own CA (often a runner path the image
// does not even have) would leave no public root trusted; before, Go read
// them from the bundle file. When the image's roots file exists,
// SSL_CERT_DIR leaves its directory out and SSL_CERT_FILE is unset, that
// directory is added to the end, before any TLS connection loads the
// roots. A job that sets both variables chose every root itself, then as
// now, and is left alone; so is a release binary on a host.
// exists reports whether a path is there; setenv sets a variable.
func KeepImageRoots(getenv func(string) string, setenv func(string, string) error, exists func(string) bool) error {
	dirs := getenv("SSL_CERT_DIR")
	if dirs == "" || getenv("SSL_CERT_FILE") != "" || !exists(ImageRoots) {
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
