package idtoken_test

import (
	"encoding/base64"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/federate-action/federate/internal/idtoken"
	"github.com/federate-action/federate/internal/secret"
)

func jwtWith(payload string) secret.String {
	return secret.New("eyJhbGciOiJSUzI1NiJ9." + base64.RawURLEncoding.EncodeToString([]byte(payload)) + ".c2ln")
}

func TestParseClaims(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		token   secret.String
		want    idtoken.Claims
		wantErr string
	}{
		{
			name:  "github_claims",
			token: jwtWith(`{"iss":"https://token.actions.githubusercontent.com","aud":"sts.amazonaws.com","sub":"repo:o/r:ref:refs/heads/main","repository":"o/r","ref":"refs/heads/main","job_workflow_ref":"o/r/.github/workflows/d.yml@refs/heads/main","environment":"prod","exp":1700000000}`),
			want: idtoken.Claims{Issuer: "https://token.actions.githubusercontent.com", Audience: idtoken.Audience{"sts.amazonaws.com"},
				Subject: "repo:o/r:ref:refs/heads/main", Repository: "o/r", Ref: "refs/heads/main",
				JobWorkflowRef: "o/r/.github/workflows/d.yml@refs/heads/main", Environment: "prod", Expiry: 1700000000},
		},
		{name: "audience_list", token: jwtWith(`{"aud":["a","b"]}`), want: idtoken.Claims{Audience: idtoken.Audience{"a", "b"}}},
		{name: "not_a_jwt", token: secret.New("abc"), wantErr: "not a JWT"},
		{name: "payload_not_base64", token: secret.New("a.!!!.c"), wantErr: "base64url"},
		{name: "payload_not_json", token: jwtWith("nope"), wantErr: "JSON object"},
		{name: "audience_of_wrong_type", token: jwtWith(`{"aud":42}`), wantErr: "JSON object"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := idtoken.ParseClaims(tt.token)
			if tt.wantErr != "" {
				require.ErrorContains(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func FuzzParseClaims(f *testing.F) {
	f.Add("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln")
	f.Add("a.b.c")
	f.Add("..")
	f.Fuzz(func(t *testing.T, token string) {
		_, _ = idtoken.ParseClaims(secret.New(token)) // must not panic
	})
}
