package randtext_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/federate-action/federate/internal/randtext"
)

func TestStrings_are_made_of_the_pieces_and_repeat_for_a_seed(t *testing.T) {
	t.Parallel()
	got := randtext.Strings(1, 500, 2, 5, []string{"ab", "c"})
	assert.Len(t, got, 500)
	assert.Equal(t, got, randtext.Strings(1, 500, 2, 5, []string{"ab", "c"}))
	assert.NotEqual(t, got, randtext.Strings(2, 500, 2, 5, []string{"ab", "c"}))
	for _, s := range got {
		pieces := strings.Count(s, "ab") + strings.Count(s, "c")
		assert.GreaterOrEqual(t, pieces, 2, s)
		assert.Less(t, pieces, 5, s)
	}
}
