package vault

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// AWSLogin is what vault-method aws signs: an sts:GetCallerIdentity
// request that Vault replays to STS to learn who the caller is.
type AWSLogin struct {
	STSURL      string // the URL signed for, e.g. https://sts.amazonaws.com/
	Region      string // the SigV4 signing region
	HeaderValue string // X-Vault-AWS-IAM-Server-ID; "" sends none
	// Credentials yields the AWS credentials to sign with; it may block
	// until they are known (the same step's role-to-assume).
	Credentials func(ctx context.Context) (aws.Credentials, error)
	Now         func() time.Time // nil: time.Now
}

// iamServerIDHeader is the header Vault's iam_server_id_header_value
// checks: signed, it binds the request to one Vault, so a request
// captured by another server cannot be replayed to this one.
const iamServerIDHeader = "X-Vault-AWS-IAM-Server-ID"

// getCallerIdentityBody is the form body Vault documents for the login.
const getCallerIdentityBody = "Action=GetCallerIdentity&Version=2011-06-15"

// awsLoginBody signs a fresh GetCallerIdentity request and returns the
// login body Vault's aws method takes. The signed headers hold the session
// token: the body is sent to Vault and never logged.
func awsLoginBody(ctx context.Context, a *AWSLogin, role string) (map[string]any, error) {
	creds, err := a.Credentials(ctx)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, a.STSURL, strings.NewReader(getCallerIdentityBody))
	if err != nil {
		return nil, fmt.Errorf("building the signed GetCallerIdentity request for %s: %w", a.STSURL, err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	if a.HeaderValue != "" {
		req.Header.Set(iamServerIDHeader, a.HeaderValue)
	}
	now := time.Now
	if a.Now != nil {
		now = a.Now
	}
	sum := sha256.Sum256([]byte(getCallerIdentityBody))
	if err := v4.NewSigner().SignHTTP(ctx, creds, req, hex.EncodeToString(sum[:]), "sts", a.Region, now().UTC()); err != nil {
		return nil, fmt.Errorf("signing the GetCallerIdentity request: %w", err)
	}
	// Host and Content-Length are signed but not in req.Header: every
	// signed header goes to Vault, which replays them to STS as they are.
	headers := req.Header.Clone()
	headers.Set("Host", req.URL.Host)
	headers.Set("Content-Length", strconv.Itoa(len(getCallerIdentityBody)))
	headersJSON, err := json.Marshal(headers)
	if err != nil {
		return nil, err
	}
	body := map[string]any{
		"iam_http_request_method": http.MethodPost,
		"iam_request_url":         base64.StdEncoding.EncodeToString([]byte(a.STSURL)),
		"iam_request_body":        base64.StdEncoding.EncodeToString([]byte(getCallerIdentityBody)),
		"iam_request_headers":     base64.StdEncoding.EncodeToString(headersJSON),
	}
	if role != "" {
		body["role"] = role
	}
	return body, nil
}
