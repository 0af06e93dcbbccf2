package mapping

import (
	"github.com/federate-action/federate/internal/export"
	"github.com/federate-action/federate/internal/secret"
)

// maskLeaves masks every string inside an object or array value as well:
// the whole JSON text is masked, but a later step that prints one field
// of it would otherwise show that field (vault-action masks JSON only as a
// whole).
func maskLeaves(set *export.Set, v any) {
	switch x := v.(type) {
	case map[string]any:
		for _, item := range x {
			maskLeaves(set, item)
		}
	case []any:
		for _, item := range x {
			maskLeaves(set, item)
		}
	case string:
		set.Mask(secret.New(x))
	}
}
