package testbed

// The SDK program under testdata/sdkcaller is outside `./...`, so `go mod
// tidy` would drop the module it needs. Importing it here, in test code only,
// keeps it in go.mod without linking it into the action.
import _ "github.com/aws/aws-sdk-go-v2/config"
