package awssts_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/stretchr/testify/require"

	"github.com/federate-action/federate/internal/awssts"
)

// iamCall makes one IAM Query API call at moto's endpoint, signed with
// creds: moto keeps IAM per account, and the account is the one of the
// credentials' session.
func iamCall(t *testing.T, endpoint string, creds awssts.Credentials, form url.Values) string {
	t.Helper()
	form.Set("Version", "2010-05-08")
	body := form.Encode()
	req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, endpoint+"/", strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	sum := sha256.Sum256([]byte(body))
	err = v4.NewSigner().SignHTTP(context.Background(), aws.Credentials{
		AccessKeyID: creds.AccessKeyID.Reveal(), SecretAccessKey: creds.SecretAccessKey.Reveal(), SessionToken: creds.SessionToken.Reveal(),
	}, req, hex.EncodeToString(sum[:]), "iam", "us-east-1", time.Now())
	require.NoError(t, err)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	answer, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode, string(answer))
	return string(answer)
}

// createRole creates the role roleARN names, in its account, with a trust
// policy; admin holds credentials of that account.
func createRole(t *testing.T, endpoint string, admin awssts.Credentials, roleARN, trust string) {
	t.Helper()
	name := roleARN[strings.LastIndex(roleARN, "/")+1:]
	iamCall(t, endpoint, admin, url.Values{"Action": {"CreateRole"}, "RoleName": {name}, "AssumeRolePolicyDocument": {trust}})
	got := iamCall(t, endpoint, admin, url.Values{"Action": {"GetRole"}, "RoleName": {name}})
	require.Contains(t, got, "<Arn>"+roleARN+"</Arn>", "the role is in the account its ARN names")
}
