package app

import (
	"context"
	"errors"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/federate-action/federate/internal/awssts"
	"github.com/federate-action/federate/internal/plan"
	"github.com/federate-action/federate/internal/vault"
)

// awsSide is the AWS side's result once it is done, for vault-method aws,
// which signs with the credentials this step got.
type awsSide struct {
	done chan struct{} // closed when res and err are final
	res  *awsResult
	err  *error
}

// errNoAWSForVault ends the Vault login when the AWS side failed: that
// failure is reported on its own.
var errNoAWSForVault = errors.New("vault-method aws: no AWS credentials, since assuming role-to-assume failed")

// vaultAWSCredentials yields the credentials vault-method aws signs with:
// role-to-assume's, waiting for the AWS side, when the step assumes one
// (or the environment's, when use-existing-credentials kept them); else
// the environment's, which the plan has checked are there.
func vaultAWSCredentials(p *plan.AWSLoginPlan, side awsSide, env awssts.Credentials) func(context.Context) (aws.Credentials, error) {
	return func(ctx context.Context) (aws.Credentials, error) {
		if p.FromRole {
			select {
			case <-side.done:
			case <-ctx.Done():
				return aws.Credentials{}, context.Cause(ctx)
			}
			if *side.err != nil {
				return aws.Credentials{}, errNoAWSForVault
			}
			if side.res.assumed {
				env = side.res.creds
			}
		}
		return aws.Credentials{AccessKeyID: env.AccessKeyID.Reveal(), SecretAccessKey: env.SecretAccessKey.Reveal(),
			SessionToken: env.SessionToken.Reveal(), Source: "federate"}, nil
	}
}

// vaultAWSLogin is what vault-method aws signs; nil for other methods.
func vaultAWSLogin(p *plan.VaultPlan, side awsSide, getenv func(string) string) *vault.AWSLogin {
	if p.Method != "aws" || p.AWSLogin == nil {
		return nil
	}
	return &vault.AWSLogin{STSURL: p.AWSLogin.STSURL, Region: p.AWSLogin.Region, HeaderValue: p.AWSLogin.HeaderValue,
		Credentials: vaultAWSCredentials(p.AWSLogin, side, envCredentials(getenv))}
}

// awsLoginSource says what vault-method aws signs with, for the log.
func awsLoginSource(p *plan.VaultPlan) string {
	if p.AWSLogin.FromRole {
		return "role-to-assume's credentials from this step (waiting for them)"
	}
	return "the AWS credentials in the environment"
}
