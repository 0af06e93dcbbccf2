package mapping

import (
	"fmt"
	"strings"

	"github.com/federate-action/federate/internal/export"
	"github.com/federate-action/federate/internal/secretspec"
)

// KeyError is a selector that matches nothing in a secret that exists.
type KeyError struct {
	Spec secretspec.Spec
	Keys []string
}

func (e *KeyError) Error() string {
	if e.Spec.Selector.IsExpression() {
		return fmt.Sprintf("vault-secrets entry %d (%s): the JSONata selector gives no value (nothing matched, or null) on %s; its keys are: %s",
			e.Spec.Entry, e.Spec.Raw, e.Spec.Path, strings.Join(e.Keys, ", "))
	}
	return fmt.Sprintf("vault-secrets entry %d (%s): %s has no %s; its keys are: %s",
		e.Spec.Entry, e.Spec.Raw, e.Spec.Path, e.Spec.Selector.Text, strings.Join(e.Keys, ", "))
}

// Title is the annotation title.
func (e *KeyError) Title() string { return "Vault secret has no such key" }

// KeyNameError is a key of a wildcard entry whose derived name later
// steps could not use. It wraps the export rule's error with the key.
type KeyNameError struct {
	Spec secretspec.Spec
	Key  string
	Err  *export.NameError
}

func (e *KeyNameError) Error() string {
	return fmt.Sprintf("vault-secrets entry %d (%s): key %q of %s cannot be exported as %s %q: %s; read it with its own entry and `| NAME`",
		e.Spec.Entry, e.Spec.Raw, e.Key, e.Spec.Path, e.Err.Kind, e.Err.Name, e.Err.Reason)
}

// Unwrap returns the export rule's error.
func (e *KeyNameError) Unwrap() error { return e.Err }

// Title is the annotation title.
func (e *KeyNameError) Title() string { return "Invalid input vault-secrets" }
