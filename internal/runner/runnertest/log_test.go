package runnertest_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/federate-action/federate/internal/runner/runnertest"
)

func TestMasks_UnescapesAndSkipsBlankValues(t *testing.T) {
	t.Parallel()
	stdout := "::add-mask::a%0Ab\n::add-mask:: \n::add-mask::\nplain\n::add-mask::100%25\n"
	assert.Equal(t, []string{"a\nb", "100%"}, runnertest.Masks(stdout))
}

func TestVisible_MasksOnlyLinesAfterTheMask(t *testing.T) {
	t.Parallel()
	stdout := "early s3cret\n::add-mask::s3cret\n::add-mask::\nlate s3cret\n"
	assert.Equal(t, "early s3cret\nlate ***\n\nerr s3cret", runnertest.Visible(stdout, "err s3cret"))
}
