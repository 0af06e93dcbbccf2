package awssts_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/federate-action/federate/internal/awssts"
	"github.com/federate-action/federate/internal/retry"
	"github.com/federate-action/federate/internal/secret"
)

// recordingTransport keeps the URL of the one request it is given.
type recordingTransport struct{ url string }

var errRecorded = errors.New("recorded")

func (r *recordingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	r.url = req.URL.Scheme + "://" + req.URL.Host
	return nil, errRecorded
}

// URL names the server the client's calls go to, which the connection
// opened ahead of the first call must be to.
func TestOptions_URLIsWhereCallsGo(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		region   string
		endpoint string
		want     string
	}{
		{"regional_endpoint", "us-east-1", "", "https://sts.us-east-1.amazonaws.com"},
		{"other_region", "eu-west-3", "", "https://sts.eu-west-3.amazonaws.com"},
		{"china_partition", "cn-north-1", "", "https://sts.cn-north-1.amazonaws.com.cn"},
		{"govcloud", "us-gov-west-1", "", "https://sts.us-gov-west-1.amazonaws.com"},
		{"sts_endpoint_input", "us-east-1", "https://sts.example.com:8443", "https://sts.example.com:8443"},
		{"fips_prefix", "fips-us-east-1", "", "https://sts-fips.us-east-1.amazonaws.com"},
		{"fips_infix", "us-fips-east-1", "", "https://sts-fips.us-east-1.amazonaws.com"},
		{"fips_suffix", "us-east-1-fips", "", "https://sts-fips.us-east-1.amazonaws.com"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rec := &recordingTransport{}
			opts := awssts.Options{Region: tt.region, Endpoint: tt.endpoint, HTTP: &http.Client{Transport: rec}}
			tokens := func(context.Context) (secret.String, error) { return secret.New("e30.e30.sig"), nil }
			_, err := awssts.New(opts).Assume(context.Background(), awssts.Request{RoleARN: roleARN, SessionName: "s", Duration: time.Hour},
				tokens, retry.Policy{MaxAttempts: 1})
			require.ErrorIs(t, err, errRecorded)
			assert.Equal(t, tt.want, rec.url, "where the call went")
			assert.Equal(t, tt.want, opts.URL(context.Background()))
		})
	}
}
