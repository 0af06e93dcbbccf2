package vault

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// decoded is the login body's base64 field as text.
func decoded(t *testing.T, body map[string]any, field string) string {
	t.Helper()
	s, ok := body[field].(string)
	require.True(t, ok, field)
	raw, err := base64.StdEncoding.DecodeString(s)
	require.NoError(t, err, field)
	return string(raw)
}

func TestAWSLoginBody_IsTheSignedGetCallerIdentityVaultDocuments(t *testing.T) {
	t.Parallel()
	creds := aws.Credentials{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "secret", SessionToken: "session-token"}
	tests := []struct {
		name, headerValue, role string
		wantSigned              string
	}{
		{"with_the_server_id_header", "vault.example.com", "ci", "content-length;content-type;host;x-amz-date;x-amz-security-token;x-vault-aws-iam-server-id"},
		{"without_the_server_id_header", "", "", "content-length;content-type;host;x-amz-date;x-amz-security-token"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			a := &AWSLogin{STSURL: "https://sts.amazonaws.com/", Region: "us-east-1", HeaderValue: tt.headerValue,
				Credentials: func(context.Context) (aws.Credentials, error) { return creds, nil },
				Now:         func() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) }}
			body, err := awsLoginBody(context.Background(), a, tt.role)
			require.NoError(t, err)
			assert.Equal(t, "POST", body["iam_http_request_method"])
			assert.Equal(t, "https://sts.amazonaws.com/", decoded(t, body, "iam_request_url"))
			assert.Equal(t, "Action=GetCallerIdentity&Version=2011-06-15", decoded(t, body, "iam_request_body"))
			if tt.role == "" {
				assert.NotContains(t, body, "role", "the mount's default: the role named after the caller")
			} else {
				assert.Equal(t, tt.role, body["role"])
			}
			var headers http.Header
			require.NoError(t, json.Unmarshal([]byte(decoded(t, body, "iam_request_headers")), &headers))
			assert.Equal(t, "sts.amazonaws.com", headers.Get("Host"))
			assert.Equal(t, "43", headers.Get("Content-Length"))
			assert.Equal(t, "session-token", headers.Get("X-Amz-Security-Token"))
			assert.Equal(t, "20260102T030405Z", headers.Get("X-Amz-Date"))
			assert.Equal(t, tt.headerValue, headers.Get("X-Vault-AWS-IAM-Server-ID"))
			auth := headers.Get("Authorization")
			assert.Contains(t, auth, "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260102/us-east-1/sts/aws4_request")
			assert.Contains(t, auth, "SignedHeaders="+tt.wantSigned+",")
		})
	}
}
