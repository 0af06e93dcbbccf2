package export_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/federate-action/federate/internal/export"
	"github.com/federate-action/federate/internal/secret"
)

func TestSet_SecretValuesAreMaskedAndRedacted(t *testing.T) {
	t.Parallel()
	var s export.Set
	require.NoError(t, s.Env("AWS_SECRET_ACCESS_KEY", export.Secret(secret.New("s3cr3t")), "role-to-assume"))
	require.NoError(t, s.Env("AWS_REGION", export.Public("us-east-1"), "role-to-assume"))

	require.Len(t, s.Masks(), 1)
	assert.Equal(t, "s3cr3t", s.Masks()[0].Reveal())
	assert.Equal(t, "***", fmt.Sprint(s.EnvVars()[0].Value))
	assert.Equal(t, "us-east-1", fmt.Sprint(s.EnvVars()[1].Value))
	assert.Equal(t, "s3cr3t", s.EnvVars()[0].Value.Reveal())
}

func TestSet_RefusesATakenName(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		add  func(s *export.Set, source string) error
		want string
	}{
		{"env_var", func(s *export.Set, src string) error { return s.Env("TOKEN", export.Public("x"), src) },
			"env var TOKEN is set twice: by first and by second"},
		{"output", func(s *export.Set, src string) error { return s.Output("token", export.Public("x"), src) },
			"output token is set twice: by first and by second"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var s export.Set
			require.NoError(t, tt.add(&s, "first"))
			err := tt.add(&s, "second")
			var c *export.CollisionError
			require.ErrorAs(t, err, &c)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestSet_EnvAndOutputMayShareAName(t *testing.T) {
	t.Parallel()
	var s export.Set
	require.NoError(t, s.Env("NPM_TOKEN", export.Public("x"), "a"))
	require.NoError(t, s.Output("NPM_TOKEN", export.Public("x"), "a"))
}
