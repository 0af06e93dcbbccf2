package awsprofiles_test

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/federate-action/federate/internal/awsprofiles"
)

// FuzzParse: Parse never panics; an error always points inside the input
// (a line that exists, a column on it or one past its end); a valid
// result has every source before the profiles chained from it.
func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		"prod arn:aws:iam::222222222222:role/deploy",
		"staging deploy account=333333333333 region=us-east-1 session-name=ci duration=900",
		"hub arn:aws:iam::222222222222:role/hub\naudit arn:aws:iam::444444444444:role/read source=hub external-id=ci-audit",
		"a r account=111122223333 source=b\nb r account=111122223333 source=a",
		"# comment\n\n  x\ty\r\nz arn:aws-cn:iam::111122223333:role/r",
		"prød é=é",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, in string) {
		got, err := awsprofiles.Parse(in, defaults)
		if err != nil {
			var perr *awsprofiles.Error
			require.True(t, errors.As(err, &perr), "error %T: %v", err, err)
			lines := strings.Split(in, "\n")
			require.GreaterOrEqual(t, perr.Line, 1)
			require.LessOrEqual(t, perr.Line, len(lines))
			line := strings.TrimSuffix(lines[perr.Line-1], "\r")
			require.GreaterOrEqual(t, perr.Column, 1)
			require.LessOrEqual(t, perr.Column, utf8.RuneCountInString(line)+1, "column within line %q", line)
			return
		}
		seen := map[string]bool{}
		for _, p := range got {
			assert.False(t, seen[p.Name], "profile %s once", p.Name)
			if p.Source != "" {
				assert.True(t, seen[p.Source], "source %s before %s", p.Source, p.Name)
			}
			seen[p.Name] = true
			assert.True(t, strings.HasPrefix(p.RoleARN, "arn:aws"), p.RoleARN)
			assert.NotContains(t, p.RoleARN+p.Name+p.ExternalID+p.SessionName+p.Region, "\n")
		}
	})
}
