package inputs_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/federate-action/federate/internal/inputs"
)

func reader(env map[string]string) *inputs.Reader {
	return inputs.New(func(k string) string { return env[k] })
}

func TestReader_ReadsHyphenatedNamesAndTrims(t *testing.T) {
	t.Parallel()
	r := reader(map[string]string{"INPUT_ROLE-TO-ASSUME": "  arn:aws:iam::1:role/r \n", "ACTIONS_X": "y"})
	assert.Equal(t, "arn:aws:iam::1:role/r", r.String("role-to-assume"))
	assert.Equal(t, "y", r.Env("ACTIONS_X"))
}

func TestReader_Bool(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		def     bool
		want    bool
		wantErr bool
	}{
		{"", true, true, false}, {"", false, false, false},
		{"true", false, true, false}, {"True", false, true, false}, {"TRUE", false, true, false},
		{"false", true, false, false}, {"False", true, false, false}, {"FALSE", true, false, false},
		{"yes", false, false, true}, {"1", false, false, true}, {"tRuE", false, false, true},
	}
	for _, tt := range tests {
		got, err := reader(map[string]string{"INPUT_FLAG": tt.in}).Bool("flag", tt.def)
		if tt.wantErr {
			var e *inputs.Error
			require.ErrorAs(t, err, &e, "%q", tt.in)
			assert.Equal(t, "flag", e.Input)
			continue
		}
		require.NoError(t, err, "%q", tt.in)
		assert.Equal(t, tt.want, got, "%q", tt.in)
	}
}

func TestReader_Int(t *testing.T) {
	t.Parallel()
	r := reader(map[string]string{"INPUT_N": "42", "INPUT_BIG": "99999", "INPUT_WORD": "ten"})
	n, err := r.Int("n", 1, 1, 100)
	require.NoError(t, err)
	assert.Equal(t, 42, n)
	n, err = r.Int("unset", 7, 1, 100)
	require.NoError(t, err)
	assert.Equal(t, 7, n)
	_, err = r.Int("big", 1, 1, 100)
	assert.ErrorContains(t, err, "from 1 to 100")
	_, err = r.Int("word", 1, 1, 100)
	assert.ErrorContains(t, err, `"ten"`)
}

func TestReader_ListsAndLines(t *testing.T) {
	t.Parallel()
	r := reader(map[string]string{"INPUT_IDS": " 1, 2\n3,,\n", "INPUT_ARNS": "arn:a,b\n\n arn:c \n"})
	assert.Equal(t, []string{"1", "2", "3"}, r.List("ids"))
	assert.Equal(t, []string{"arn:a,b", "arn:c"}, r.Lines("arns"))
	assert.Nil(t, r.List("unset"))
}

func TestError_HidesASecretValue(t *testing.T) {
	t.Parallel()
	e := &inputs.Error{Input: "vault-client-key", Value: "hunter2", Secret: true, Hint: "use a PEM key"}
	assert.NotContains(t, e.Error(), "hunter2")
	assert.Equal(t, "Invalid input vault-client-key", e.Title())
}

func TestError_ShowsAValueShortened(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, value, want string
	}{
		{"short_value_is_shown_whole", "us-east-9", `"us-east-9"`},
		{"long_value_is_cut_between_characters", strings.Repeat("é", 100<<10), `"` + strings.Repeat("é", 300) + `... (204200 more bytes not shown)"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := &inputs.Error{Input: "inline-session-policy", Value: tt.value, Hint: "use a JSON object"}
			assert.Equal(t, "input inline-session-policy has an invalid value "+tt.want+": use a JSON object", e.Error())
		})
	}
}

func TestReader_RawKeepsLeadingLinesAndSpaces(t *testing.T) {
	t.Parallel()
	r := inputs.New(func(k string) string {
		return map[string]string{"INPUT_AWS-PROFILES": "\n  prod r\n"}[k]
	})
	assert.Equal(t, "\n  prod r\n", r.Raw("aws-profiles"))
	assert.Equal(t, "prod r", r.String("aws-profiles"))
}
