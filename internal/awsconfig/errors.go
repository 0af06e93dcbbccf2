package awsconfig

import "fmt"

// Error names the profile and key that cannot be written, and why. It
// never holds the value: it may be a secret key.
type Error struct {
	Profile string
	Key     string // empty when the profile itself is refused
	Reason  string
}

var _ error = (*Error)(nil)

func (e *Error) Error() string {
	if e.Key == "" {
		return fmt.Sprintf("AWS profile %q cannot be written: %s", e.Profile, e.Reason)
	}
	return fmt.Sprintf("AWS profile %q cannot be written: %s: %s", e.Profile, e.Key, e.Reason)
}

// Title is the annotation title.
func (e *Error) Title() string { return "Cannot write the AWS config files" }
