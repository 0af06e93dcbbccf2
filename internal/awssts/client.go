// Package awssts gets AWS credentials from STS: an ID token exchanged with
// AssumeRoleWithWebIdentity, or credentials already held exchanged with
// AssumeRole (role chaining), retrying only transient faults.
package awssts

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/aws-sdk-go-v2/service/sts/types"

	"github.com/federate-action/federate/internal/bodylimit"
	"github.com/federate-action/federate/internal/retry"
	"github.com/federate-action/federate/internal/secret"
)

// Request is one role to assume.
type Request struct {
	RoleARN         string
	SessionName     string
	Duration        time.Duration
	InlinePolicy    string
	ManagedPolicies []string
	// Audience is the audience the token was asked for, so a refusal can
	// say when the token was minted for another (a token from an
	// environment variable has whatever audience its platform gave it).
	Audience string
}

// Credentials are what STS returned, with the secrets kept secret.
type Credentials struct {
	AccessKeyID     secret.String
	SecretAccessKey secret.String
	SessionToken    secret.String
	Expiration      time.Time
	AssumedRoleARN  string // arn:aws:sts::ACCOUNT:assumed-role/NAME/SESSION
	AccountID       string // the ARN's 5th field: no GetCallerIdentity call needed
}

// Client calls STS.
type Client struct {
	api *sts.Client
}

// Options configure the client.
type Options struct {
	Region   string
	Endpoint string // "" for the SDK's regional endpoint
	HTTP     *http.Client
}

// answerLimit bounds what is read of one STS answer: credentials and an
// ARN, or an error document, are a few KiB. A larger answer is not STS's.
var answerLimit = bodylimit.Limit{Server: "STS", Bytes: 1 << 20,
	Hint: "STS answers in a few KiB; check sts-endpoint and the proxy settings (http-proxy, HTTPS_PROXY)"}

// New returns a client that signs nothing by default
// (AssumeRoleWithWebIdentity needs no credentials; AssumeRole signs each
// call with its source's) and never retries by itself: Assume owns the
// retries so each attempt can use a fresh ID token.
func New(o Options) *Client {
	opts := sts.Options{
		Region:      o.Region,
		HTTPClient:  bodylimit.Client(o.HTTP, answerLimit),
		Credentials: aws.AnonymousCredentials{},
		Retryer:     aws.NopRetryer{},
		AppID:       "federate",
	}
	if o.Endpoint != "" {
		opts.BaseEndpoint = aws.String(o.Endpoint)
	}
	return &Client{api: sts.New(opts)}
}

// TokenFunc returns a fresh ID token for each attempt.
type TokenFunc func(ctx context.Context) (secret.String, error)

// Assume assumes req's role, fetching a new token for every attempt and
// retrying only what is transient. A refusal is returned at once as a
// *DeniedError that shows the token's claims.
func (c *Client) Assume(ctx context.Context, req Request, tokens TokenFunc, policy retry.Policy) (Credentials, error) {
	var creds Credentials
	var lastToken secret.String
	classify := &classifier{}
	err := retry.Do(ctx, policy, classify.transient, func(ctx context.Context) error {
		token, err := tokens(ctx)
		if err != nil {
			return err
		}
		lastToken = token
		creds, err = c.assumeOnce(ctx, req, token)
		return err
	})
	if err != nil {
		return Credentials{}, explain(err, req, lastToken)
	}
	return creds, nil
}

func (c *Client) assumeOnce(ctx context.Context, req Request, token secret.String) (Credentials, error) {
	in := &sts.AssumeRoleWithWebIdentityInput{
		RoleArn:          aws.String(req.RoleARN),
		RoleSessionName:  aws.String(req.SessionName),
		WebIdentityToken: aws.String(token.Reveal()),
		DurationSeconds:  aws.Int32(int32(req.Duration / time.Second)),
	}
	if req.InlinePolicy != "" {
		in.Policy = aws.String(req.InlinePolicy)
	}
	for _, arn := range req.ManagedPolicies {
		in.PolicyArns = append(in.PolicyArns, types.PolicyDescriptorType{Arn: aws.String(arn)})
	}
	out, err := c.api.AssumeRoleWithWebIdentity(ctx, in)
	if err != nil {
		return Credentials{}, callError{err}
	}
	if out.Credentials == nil || out.AssumedRoleUser == nil {
		return Credentials{}, fmt.Errorf("STS answered without credentials for %s", req.RoleARN)
	}
	return credentialsFrom(out.Credentials, out.AssumedRoleUser), nil
}

// credentialsFrom keeps what STS answered, the secrets kept secret.
func credentialsFrom(c *types.Credentials, user *types.AssumedRoleUser) Credentials {
	arn := aws.ToString(user.Arn)
	return Credentials{
		AccessKeyID:     secret.New(aws.ToString(c.AccessKeyId)),
		SecretAccessKey: secret.New(aws.ToString(c.SecretAccessKey)),
		SessionToken:    secret.New(aws.ToString(c.SessionToken)),
		Expiration:      aws.ToTime(c.Expiration),
		AssumedRoleARN:  arn,
		AccountID:       accountOf(arn),
	}
}

// accountOf returns an ARN's account field (arn:partition:service:region:ACCOUNT:...).
func accountOf(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 {
		return ""
	}
	return parts[4]
}
