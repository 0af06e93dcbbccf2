package testbed

import (
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Account ids Roles hands out start here; each call takes the next ones, so
// roles from different calls on one server never share an account.
const firstTestAccount = 100000000001

// motoRoleTrust is the trust policy of the roles Roles creates; moto does not
// evaluate it, but IAM CreateRole requires one.
const motoRoleTrust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"token.actions.githubusercontent.com"},"Action":"sts:AssumeRoleWithWebIdentity"}]}`

// Roles creates n IAM roles named "deploy", each in its own new 12-digit
// account, and returns their ARNs. moto needs no role to assume one (it takes
// the account from the role ARN); the role exists so GetCallerIdentity's
// UserId is the stable "<RoleId>:<session>" instead of a random id per call.
func (m *Moto) Roles(ctx context.Context, n int) ([]string, error) {
	m.accountsMu.Lock()
	first := firstTestAccount + m.accountsUsed
	m.accountsUsed += n
	m.accountsMu.Unlock()
	arns := make([]string, 0, n)
	for i := range n {
		account := fmt.Sprintf("%012d", first+i)
		arn, err := m.CreateRole(ctx, account, "deploy")
		if err != nil {
			return nil, err
		}
		arns = append(arns, arn)
	}
	return arns, nil
}

// CreateRole creates role name in account (12 digits) with IAM CreateRole and
// returns its ARN. The account is chosen with moto's x-moto-account-id header;
// the Authorization header only tells moto's server the request is for IAM
// (it does not check signatures).
func (m *Moto) CreateRole(ctx context.Context, account, name string) (string, error) {
	form := url.Values{
		"Action":                   {"CreateRole"},
		"Version":                  {"2010-05-08"},
		"RoleName":                 {name},
		"AssumeRolePolicyDocument": {motoRoleTrust},
	}
	var out struct {
		Arn string `xml:"CreateRoleResult>Role>Arn"`
	}
	header := http.Header{
		"X-Moto-Account-Id": {account},
		"Authorization":     {"AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE/20260101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=0"},
	}
	if err := m.post(ctx, header, form, &out); err != nil {
		return "", fmt.Errorf("create role %s in account %s: %w", name, account, err)
	}
	return out.Arn, nil
}

// MotoCredentials are temporary credentials moto's STS handed out.
type MotoCredentials struct {
	AccessKeyID     string `xml:"AccessKeyId"`
	SecretAccessKey string `xml:"SecretAccessKey"`
	SessionToken    string `xml:"SessionToken"`
	Expiration      string `xml:"Expiration"`
}

// Env returns the credentials as the AWS_* variables every SDK reads.
func (c MotoCredentials) Env() map[string]string {
	return map[string]string{
		"AWS_ACCESS_KEY_ID":     c.AccessKeyID,
		"AWS_SECRET_ACCESS_KEY": c.SecretAccessKey,
		"AWS_SESSION_TOKEN":     c.SessionToken,
	}
}

// AssumeRoleWithWebIdentity asks moto's STS for roleARN's credentials with an
// unsigned request, as the action does. moto accepts any token and puts the
// credentials in roleARN's account.
func (m *Moto) AssumeRoleWithWebIdentity(ctx context.Context, roleARN, session string) (MotoCredentials, string, error) {
	form := url.Values{
		"Action":           {"AssumeRoleWithWebIdentity"},
		"Version":          {"2011-06-15"},
		"RoleArn":          {roleARN},
		"RoleSessionName":  {session},
		"WebIdentityToken": {"aaaa.bbbb.cccc"},
	}
	var out struct {
		Credentials MotoCredentials `xml:"AssumeRoleWithWebIdentityResult>Credentials"`
		Arn         string          `xml:"AssumeRoleWithWebIdentityResult>AssumedRoleUser>Arn"`
	}
	if err := m.post(ctx, nil, form, &out); err != nil {
		return MotoCredentials{}, "", fmt.Errorf("assume %s with web identity: %w", roleARN, err)
	}
	return out.Credentials, out.Arn, nil
}

// post sends form to moto and decodes the XML answer into out.
func (m *Moto) post(ctx context.Context, header http.Header, form url.Values, out any) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, m.URL+"/", strings.NewReader(form.Encode()))
	if err != nil {
		return err
	}
	for k, v := range header {
		req.Header[k] = v
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("status %d: %s", resp.StatusCode, truncateText(string(body)))
	}
	return xml.Unmarshal(body, out)
}
