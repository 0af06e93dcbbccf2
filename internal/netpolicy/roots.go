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

// oldImageBundle is where the image kept its roots before: a bundle file
// Go read whatever SSL_CERT_DIR said.
const oldImageBundle = "/etc/ssl/certs/ca-certificates.crt"

// KeepImageRoots keeps the trust a job's SSL_CERT_DIR had while the image
// held its roots at a bundle path. Go reads SSL_CERT_DIR in place of
// /etc/ssl/certs, and the image now has its roots nowhere else, so a
// directory meant for a company's own CA (often a runner path the image
// does not even have) would leave no public root trusted, where before Go
// read them from the bundle file.
//
// So when the image's roots file exists, SSL_CERT_DIR leaves its
// directory out, and Go would have read the old bundle file (SSL_CERT_FILE
// unset, or naming that file), the directory is added to SSL_CERT_DIR,
// load makes Go read the roots (x509.SystemCertPool: Go reads them once
// per process), and SSL_CERT_DIR is put back as the job set it, so a
// command federate starts sees the job's own value. A job whose
// SSL_CERT_FILE names another file chose every root itself, then as now,
// and is left alone; so is a release binary on a host, which has no
// image roots file. exists reports whether a path is there.
func KeepImageRoots(getenv func(string) string, setenv func(string, string) error, exists func(string) bool, load func()) error {
	dirs := getenv("SSL_CERT_DIR")
	if dirs == "" || !exists(ImageRoots) {
		return nil
	}
	if file := getenv("SSL_CERT_FILE"); file != "" && filepath.Clean(file) != oldImageBundle {
		return nil
	}
	imageDir := filepath.Dir(ImageRoots)
	for _, d := range strings.Split(dirs, ":") {
		if d != "" && filepath.Clean(d) == imageDir {
			return nil
		}
	}
	if err := setenv("SSL_CERT_DIR", dirs+":"+imageDir); err != nil {
		return err
	}
	load()
	return setenv("SSL_CERT_DIR", dirs)
}
