package plan_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/federate-action/federate/internal/inputs"
	"github.com/federate-action/federate/internal/plan"
)

func TestBuild_TokenSourceDetection(t *testing.T) {
	t.Parallel()
	bin := t.TempDir()
	agent := filepath.Join(bin, "buildkite-agent")
	require.NoError(t, os.WriteFile(agent, []byte("#!/bin/sh\n"), 0o755))
	github := map[string]string{"ACTIONS_ID_TOKEN_REQUEST_URL": "https://token.example/idtoken", "ACTIONS_ID_TOKEN_REQUEST_TOKEN": "runtime-token"}
	with := func(base map[string]string, kv ...string) map[string]string {
		m := map[string]string{}
		for k, v := range base {
			m[k] = v
		}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	tests := []struct {
		name    string
		env     map[string]string
		step    bool // read as the action's step, not the command line
		want    plan.TokenPlan
		wantErr string
	}{
		{name: "step_refuses_id_token_env", step: true, env: with(github, "INPUT_ID-TOKEN-ENV", "MY_TOKEN"),
			wantErr: "input id-token-env is not valid (value hidden): this input exists only in the federate CLI"},
		{name: "step_refuses_id_token_file", step: true, env: map[string]string{"INPUT_ID-TOKEN-FILE": "/etc/shadow", "GITHUB_WORKSPACE": "/w"},
			wantErr: "input id-token-file is not valid (value hidden): this input exists only in the federate CLI"},
		{name: "step_takes_web_identity_token_file", step: true, env: map[string]string{"INPUT_WEB-IDENTITY-TOKEN-FILE": "t.jwt", "GITHUB_WORKSPACE": "/w"},
			want: plan.TokenPlan{Platform: "file", File: "/w/t.jwt", FileRoot: "/w"}},
		{name: "github_token_service", env: github,
			want: plan.TokenPlan{Platform: "github", RequestURL: "https://token.example/idtoken"}},
		{name: "github_comes_before_every_other_platform", env: with(github, "CIRCLECI", "true", "CIRCLE_OIDC_TOKEN", "a.b.c", "BUILDKITE", "true", "GITLAB_CI", "true"),
			want: plan.TokenPlan{Platform: "github", RequestURL: "https://token.example/idtoken"}},
		{name: "github_actions_without_permission_says_so", env: map[string]string{"GITHUB_ACTIONS": "true", "CIRCLECI": "true", "CIRCLE_OIDC_TOKEN": "a.b.c"},
			wantErr: "permissions:\n  id-token: write"},
		{name: "no_platform_at_all_is_todays_permission_error", env: map[string]string{}, wantErr: "id-token: write"},
		{name: "circleci_prefers_v2", env: map[string]string{"CIRCLECI": "true", "CIRCLE_OIDC_TOKEN": "a.b.c", "CIRCLE_OIDC_TOKEN_V2": "d.e.f"},
			want: plan.TokenPlan{Platform: "circleci", EnvName: "CIRCLE_OIDC_TOKEN_V2"}},
		{name: "circleci_falls_back_to_v1", env: map[string]string{"CIRCLECI": "true", "CIRCLE_OIDC_TOKEN": "a.b.c"},
			want: plan.TokenPlan{Platform: "circleci", EnvName: "CIRCLE_OIDC_TOKEN"}},
		{name: "circleci_without_a_token_names_both_variables", env: map[string]string{"CIRCLECI": "true"},
			wantErr: "neither CIRCLE_OIDC_TOKEN_V2 nor CIRCLE_OIDC_TOKEN is set"},
		{name: "buildkite_runs_the_agent_on_path", env: map[string]string{"BUILDKITE": "true", "PATH": "relative:" + bin},
			want: plan.TokenPlan{Platform: "buildkite", Command: agent, CommandArgs: []string{"oidc", "request-token"}}},
		{name: "buildkite_without_the_agent_says_so", env: map[string]string{"BUILDKITE": "true", "PATH": t.TempDir()},
			wantErr: "no buildkite-agent is on PATH"},
		{name: "buildkite_ignores_a_relative_path_entry", env: map[string]string{"BUILDKITE": "true", "PATH": "."},
			wantErr: "no buildkite-agent is on PATH"},
		{name: "gitlab_needs_the_variable_named", env: map[string]string{"GITLAB_CI": "true"},
			wantErr: "--id-token-env NAME. For example, in .gitlab-ci.yml:\n  job:\n    id_tokens:\n      AWS_ID_TOKEN:\n        aud: sts.amazonaws.com"},
		{name: "gitlab_with_the_variable_named", env: map[string]string{"GITLAB_CI": "true", "INPUT_ID-TOKEN-ENV": "AWS_ID_TOKEN"},
			want: plan.TokenPlan{Platform: "gitlab", EnvName: "AWS_ID_TOKEN", EnvInput: "id-token-env"}},
		{name: "a_named_variable_wins_over_github", env: with(github, "INPUT_ID-TOKEN-ENV", "MY_TOKEN"),
			want: plan.TokenPlan{Platform: "env", EnvName: "MY_TOKEN", EnvInput: "id-token-env"}},
		{name: "a_token_instead_of_a_name_refused", env: map[string]string{"INPUT_ID-TOKEN-ENV": "eyJ.eyJ.sig"},
			wantErr: "give the name of the environment variable that holds the token"},
		{name: "id_token_file_absolute", env: map[string]string{"INPUT_ID-TOKEN-FILE": "/run/token.jwt"},
			want: plan.TokenPlan{Platform: "file", File: "/run/token.jwt", FileInput: "id-token-file"}},
		{name: "two_sources_refused", env: map[string]string{"INPUT_ID-TOKEN-FILE": "/run/token.jwt", "INPUT_ID-TOKEN-ENV": "T"},
			wantErr: "give one token source only; id-token-env and id-token-file are both set"},
		{name: "web_identity_token_file_as_before", env: map[string]string{"INPUT_WEB-IDENTITY-TOKEN-FILE": "t.jwt", "GITHUB_WORKSPACE": "/w"},
			want: plan.TokenPlan{Platform: "file", File: "/w/t.jwt", FileRoot: "/w"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			env := with(tt.env, "INPUT_ROLE-TO-ASSUME", "arn:aws:iam::111122223333:role/r", "INPUT_AWS-REGION", "us-east-1",
				"GITHUB_ENV", "/tmp/env", "GITHUB_OUTPUT", "/tmp/out")
			getenv := func(k string) string { return env[k] }
			reader := inputs.NewCommandLine(getenv)
			if tt.step {
				reader = inputs.New(getenv)
			}
			p, err := plan.Build(reader)
			if tt.wantErr != "" {
				require.Error(t, err)
				assert.NotContains(t, err.Error(), "eyJ", "a token given by mistake is never shown")
				assert.Contains(t, err.Error(), tt.wantErr)
				return
			}
			require.NoError(t, err)
			got := p.Token
			if got.RequestURL != "" {
				assert.Equal(t, "runtime-token", got.RequestToken.Reveal())
				got.RequestToken = tt.want.RequestToken
			}
			assert.Equal(t, tt.want, got)
		})
	}
}
