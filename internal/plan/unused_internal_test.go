package plan

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// Every role-only input is an AWS input: a name missing from awsInputs
// would drop out of the check for inputs that do nothing.
func TestRoleInputsAreAWSInputs(t *testing.T) {
	t.Parallel()
	picked := sideInputsNamed(awsInputs, roleInputs)
	var names []string
	for _, in := range picked {
		names = append(names, in.name)
	}
	assert.ElementsMatch(t, roleInputs, names)
}
