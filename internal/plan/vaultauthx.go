package plan

import (
	"strings"

	"github.com/federate-action/federate/internal/inputs"
)

// Vault's own defaults for its aws auth method: with no sts_endpoint
// configured, Vault sends the signed GetCallerIdentity to the global
// endpoint, whose signing region is us-east-1.
const (
	defaultVaultSTSURL    = "https://sts.amazonaws.com/"
	defaultVaultSTSRegion = "us-east-1"
)

// AWSLoginPlan is what vault-method aws signs: the GetCallerIdentity
// request Vault replays to STS.
type AWSLoginPlan struct {
	STSURL      string // the URL the request is signed for
	Region      string // the SigV4 region
	HeaderValue string // X-Vault-AWS-IAM-Server-ID; "" sends none
	// FromRole: the credentials are role-to-assume's, got in this step;
	// else the job's environment's.
	FromRole bool
}

// vaultCertAWS validates vault-method cert and aws, before any request.
func vaultCertAWS(r *inputs.Reader, v *VaultPlan) error {
	switch v.Method {
	case "cert":
		if r.String("vault-client-certificate") == "" || r.String("vault-client-key") == "" {
			return &inputs.Error{Input: "vault-client-certificate",
				Hint: "vault-method is cert: set vault-client-certificate and vault-client-key to the PEM certificate and key Vault's cert method trusts"}
		}
		if !strings.HasPrefix(v.Address, "https://") {
			return &inputs.Error{Input: "vault-url", Value: v.Address,
				Hint: "vault-method cert logs in with a TLS client certificate: use Vault's https URL"}
		}
	case "aws":
		v.AWSLogin = awsLogin(r)
		if !validHeaderValue(v.AWSLogin.HeaderValue) {
			return &inputs.Error{Input: "vault-aws-header-value", Value: v.AWSLogin.HeaderValue,
				Hint: "it is sent as the X-Vault-AWS-IAM-Server-ID header, and no HTTP header may hold a control character: use the mount's iam_server_id_header_value, e.g. vault.example.com"}
		}
		if !v.AWSLogin.FromRole && (r.Env("AWS_ACCESS_KEY_ID") == "" || r.Env("AWS_SECRET_ACCESS_KEY") == "") {
			return &inputs.Error{Input: "vault-method", Value: v.Method,
				Hint: "vault-method aws signs with AWS credentials, and there are none: set role-to-assume (and aws-region) to get them in this step, or run after a step that exports AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"}
		}
	}
	return nil
}

// awsLogin picks the STS request to sign. Vault replays it to its own
// sts_endpoint, so the signature must be for what Vault is configured
// with: Vault's defaults, unless this step talks to another STS itself
// (sts-endpoint, with aws-region as its signing region), which Vault must
// then be configured with too. sts-endpoint and aws-region are validated
// by the AWS side, and apply only with role-to-assume.
func awsLogin(r *inputs.Reader) *AWSLoginPlan {
	l := &AWSLoginPlan{STSURL: defaultVaultSTSURL, Region: defaultVaultSTSRegion,
		HeaderValue: r.String("vault-aws-header-value"), FromRole: r.String("role-to-assume") != ""}
	if !l.FromRole {
		return l
	}
	if e := r.String("sts-endpoint"); e != "" {
		l.STSURL = strings.TrimRight(e, "/") + "/"
		if region := r.String("aws-region"); region != "" {
			l.Region = region
		}
	}
	return l
}
