package netpolicy_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/federate-action/federate/internal/netpolicy"
)

func TestKeepImageRoots(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		certDir    string
		certFile   string
		imageRoots bool
		wantLoaded string // SSL_CERT_DIR when the roots are loaded; "" when nothing is done
	}{
		{"a_job_directory_gains_the_images_roots", "/home/runner/corp-certs", "", true, "/home/runner/corp-certs:/etc/ssl/certs"},
		{"several_job_directories_gain_the_images_roots", "/a:/b", "", true, "/a:/b:/etc/ssl/certs"},
		// The old image had this file, so Go read the public roots from it.
		{"ssl_cert_file_naming_the_old_bundle_gains_them_too", "/home/runner/corp-certs", "/etc/ssl/certs/ca-certificates.crt", true, "/home/runner/corp-certs:/etc/ssl/certs"},
		{"a_list_that_holds_the_images_directory_is_kept", "/a:/etc/ssl/certs/", "", true, ""},
		{"no_ssl_cert_dir_is_left_unset", "", "", true, ""},
		// Go then read neither default with the old image either: the job chose every root.
		{"ssl_cert_file_naming_another_file_is_left_alone", "/home/runner/corp-certs", "/home/runner/corp.pem", true, ""},
		{"outside_the_image_nothing_changes", "/home/runner/corp-certs", "", false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			env := map[string]string{"SSL_CERT_DIR": tt.certDir, "SSL_CERT_FILE": tt.certFile}
			loaded := ""
			err := netpolicy.KeepImageRoots(
				func(k string) string { return env[k] },
				func(k, v string) error { require.Equal(t, "SSL_CERT_DIR", k); env[k] = v; return nil },
				func(p string) bool { return tt.imageRoots && p == netpolicy.ImageRoots },
				func() { loaded = env["SSL_CERT_DIR"] })
			require.NoError(t, err)
			assert.Equal(t, tt.wantLoaded, loaded, "SSL_CERT_DIR as the roots were loaded")
			assert.Equal(t, tt.certDir, env["SSL_CERT_DIR"], "SSL_CERT_DIR afterwards: the job's own")
		})
	}
}
