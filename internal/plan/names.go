package plan

import (
	"errors"
	"fmt"

	"github.com/federate-action/federate/internal/export"
	"github.com/federate-action/federate/internal/inputs"
	"github.com/federate-action/federate/internal/secretspec"
)

// EnvNames are the env vars the AWS side exports, configure-aws-credentials'
// names; the run exports exactly these.
func (a *AWSPlan) EnvNames() []string {
	if !a.OutputEnvCredentials {
		return nil
	}
	return []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_REGION", "AWS_DEFAULT_REGION"}
}

// OutputNames are the step outputs the AWS side sets; the run sets exactly
// these.
func (a *AWSPlan) OutputNames() []string {
	names := []string{"aws-account-id", "authenticated-arn", "aws-expiration"}
	if a.OutputCredentials {
		names = append(names, "aws-access-key-id", "aws-secret-access-key", "aws-session-token")
	}
	return names
}

// checkNames refuses, before any request, two sources that would export
// under one name: vault-action silently keeps the last, handing a step the
// wrong secret. Every name the run will export is added, valueless, to a
// scratch export set, so the rule is the very one the export applies.
// Wildcard entries are checked when their keys are known.
func checkNames(p Plan) error {
	set := &export.Set{}
	blank := export.Public("")
	if p.AWS != nil {
		for _, name := range p.AWS.EnvNames() {
			_ = set.Env(name, blank, "role-to-assume") // distinct by construction
		}
		for _, name := range p.AWS.OutputNames() {
			_ = set.Output(name, blank, "role-to-assume")
		}
	}
	v := p.Vault
	if v == nil {
		return nil
	}
	if v.ExportToken {
		_ = set.Env("VAULT_TOKEN", blank, "vault-export-token")
		_ = set.Env("VAULT_ADDR", blank, "vault-export-token")
	}
	if v.OutputToken {
		_ = set.Output("vault-token", blank, "vault-output-token")
	}
	for _, s := range v.Specs {
		if s.Selector.Wildcard != secretspec.None {
			continue
		}
		entry := fmt.Sprintf("entry %d (%s)", s.Entry, s.Raw)
		var err error
		if v.ExportEnv {
			err = set.Env(s.EnvName(), blank, entry)
		}
		if err == nil {
			err = set.Output(s.OutputName(), blank, entry)
		}
		var clash *export.CollisionError
		if errors.As(err, &clash) {
			hint := fmt.Sprintf("%s and %s both set %s %s: give one of them another name with `| NAME`", clash.First, clash.Second, clash.Kind, clash.Name)
			if clash.First == "role-to-assume" && clash.Kind == "env var" {
				hint += ", or set output-env-credentials: false"
			}
			return &inputs.Error{Input: "vault-secrets", Value: s.Raw, Hint: hint}
		}
	}
	return nil
}
