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
		name        string
		certDir     string
		certFile    string
		imageRoots  bool
		wantCertDir string // "" when SSL_CERT_DIR must be left alone
	}{
		{"a_job_directory_gains_the_images_roots", "/home/runner/corp-certs", "", true, "/home/runner/corp-certs:/etc/ssl/certs"},
		{"several_job_directories_gain_the_images_roots", "/a:/b", "", true, "/a:/b:/etc/ssl/certs"},
		{"a_list_that_holds_the_images_directory_is_kept", "/a:/etc/ssl/certs/", "", true, ""},
		{"no_ssl_cert_dir_is_left_unset", "", "", true, ""},
		// Go then reads neither default: the job chose every root, as it did before.
		{"a_job_that_sets_both_variables_is_left_alone", "/home/runner/corp-certs", "/home/runner/corp.pem", true, ""},
		{"outside_the_image_nothing_changes", "/home/runner/corp-certs", "", false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			env := map[string]string{"SSL_CERT_DIR": tt.certDir, "SSL_CERT_FILE": tt.certFile}
			set := ""
			err := netpolicy.KeepImageRoots(
				func(k string) string { return env[k] },
				func(k, v string) error { require.Equal(t, "SSL_CERT_DIR", k); set = v; return nil },
				func(p string) bool { return tt.imageRoots && p == netpolicy.ImageRoots })
			require.NoError(t, err)
			assert.Equal(t, tt.wantCertDir, set)
		})
	}
}
