package awssts_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/federate-action/federate/internal/awssts"
	"github.com/federate-action/federate/internal/retry"
	"github.com/federate-action/federate/internal/secret"
)

const assumed = `<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleWithWebIdentityResult>` +
	`<Credentials><AccessKeyId>ASIAEXAMPLEEXAMPLE00</AccessKeyId><SecretAccessKey>s</SecretAccessKey><SessionToken>t</SessionToken>` +
	`<Expiration>2030-01-01T00:00:00Z</Expiration></Credentials>` +
	`<AssumedRoleUser><Arn>arn:aws:sts::111122223333:assumed-role/r/s</Arn><AssumedRoleId>AROA:s</AssumedRoleId></AssumedRoleUser>` +
	`</AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>`

func refusal(code string) string {
	return `<ErrorResponse><Error><Type>Sender</Type><Code>` + code + `</Code><Message>m</Message></Error><RequestId>r</RequestId></ErrorResponse>`
}

// TestAssume_EachTokenRefusalGetsThreeTries: STS's token refusals get 3
// tries each, as the README says, not 3 between them.
func TestAssume_EachTokenRefusalGetsThreeTries(t *testing.T) {
	t.Parallel()
	const invalid, expired = "InvalidIdentityToken", "ExpiredTokenException"
	tests := []struct {
		name         string
		answers      []string // refusal codes, then success
		wantErr      string
		wantRequests int
	}{
		{name: "two_of_each_then_success", answers: []string{invalid, invalid, expired, expired}, wantRequests: 5},
		{name: "third_invalid_token_is_final", answers: []string{invalid, expired, invalid, expired, invalid}, wantErr: invalid, wantRequests: 5},
		{name: "third_expired_token_is_final", answers: []string{expired, expired, expired}, wantErr: expired, wantRequests: 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var mu sync.Mutex
			requests := 0
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				mu.Lock()
				n := requests
				requests++
				mu.Unlock()
				w.Header().Set("Content-Type", "text/xml")
				if n < len(tt.answers) {
					w.WriteHeader(http.StatusBadRequest)
					_, _ = w.Write([]byte(refusal(tt.answers[n])))
					return
				}
				_, _ = w.Write([]byte(assumed))
			}))
			defer srv.Close()
			c := awssts.New(awssts.Options{Region: "us-east-1", Endpoint: srv.URL, HTTP: srv.Client()})
			tokens := func(context.Context) (secret.String, error) { return secret.New("a.b.c"), nil }
			policy := retry.Policy{MaxAttempts: 10, Base: time.Millisecond, Cap: time.Millisecond}
			creds, err := c.Assume(context.Background(), awssts.Request{RoleARN: "arn:aws:iam::111122223333:role/r", SessionName: "s", Duration: time.Hour}, tokens, policy)
			mu.Lock()
			assert.Equal(t, tt.wantRequests, requests)
			mu.Unlock()
			if tt.wantErr != "" {
				require.ErrorContains(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, "111122223333", creds.AccountID)
		})
	}
}
