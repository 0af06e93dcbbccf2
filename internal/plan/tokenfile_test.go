package plan_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/federate-action/federate/internal/inputs"
	"github.com/federate-action/federate/internal/plan"
)

func TestBuild_TokenFileStaysInTheWorkspace(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		file      string
		workspace string
		wantPath  string
		wantRoot  string
		wantHint  string
	}{
		{name: "relative_path_is_under_the_workspace", file: "token.jwt", workspace: "/github/workspace", wantPath: "/github/workspace/token.jwt", wantRoot: "/github/workspace"},
		{name: "inner_dot_dot_that_stays_inside_is_cleaned", file: "a/../b/./token.jwt", workspace: "/github/workspace", wantPath: "/github/workspace/b/token.jwt", wantRoot: "/github/workspace"},
		{name: "absolute_path_in_the_workspace", file: "/github/workspace/t/token.jwt", workspace: "/github/workspace/", wantPath: "/github/workspace/t/token.jwt", wantRoot: "/github/workspace"},
		{name: "absolute_path_in_runner_temp", file: "/github/runner_temp/token.jwt", workspace: "/github/workspace", wantPath: "/github/runner_temp/token.jwt", wantRoot: "/github/runner_temp"},
		{name: "dot_dot_out_of_the_workspace_refused", file: "../../etc/passwd", workspace: "/github/workspace", wantHint: "it resolves to /etc/passwd, outside them"},
		{name: "dot_dot_to_a_sibling_refused", file: "../workspace-other/token.jwt", workspace: "/github/workspace", wantHint: "outside them"},
		{name: "absolute_path_elsewhere_refused", file: "/proc/self/environ", workspace: "/github/workspace", wantHint: "give a file inside the workspace (/github/workspace) or RUNNER_TEMP (/github/runner_temp)"},
		{name: "the_workspace_itself_refused", file: ".", workspace: "/github/workspace", wantHint: "outside them"},
		{name: "no_workspace_refused", file: "token.jwt", wantHint: "GITHUB_WORKSPACE is not set"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			env := map[string]string{
				"INPUT_ROLE-TO-ASSUME":          "arn:aws:iam::111122223333:role/r",
				"INPUT_AWS-REGION":              "us-east-1",
				"INPUT_WEB-IDENTITY-TOKEN-FILE": tt.file,
				"GITHUB_WORKSPACE":              tt.workspace,
				"RUNNER_TEMP":                   "/github/runner_temp",
				"GITHUB_ENV":                    "/github/file_commands/set_env",
				"GITHUB_OUTPUT":                 "/github/file_commands/set_output",
			}
			p, err := plan.Build(inputs.New(func(k string) string { return env[k] }))
			if tt.wantHint != "" {
				var inErr *inputs.Error
				require.ErrorAs(t, err, &inErr)
				assert.Equal(t, "web-identity-token-file", inErr.Input)
				assert.Contains(t, inErr.Hint, tt.wantHint)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.wantPath, p.Token.File)
			assert.Equal(t, tt.wantRoot, p.Token.FileRoot)
		})
	}
}
