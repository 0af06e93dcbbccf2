package mapping

import (
	"encoding/json"
	"strconv"
	"strings"

	"github.com/federate-action/federate/internal/export"
	"github.com/federate-action/federate/internal/secret"
)

// minMaskedDigits is the fewest digits a number inside a JSON secret needs
// to be masked. A shorter number cannot keep anything secret (there are
// only a thousand of them), and its mask would hide every "1" or "80" in
// the rest of the job's log; a 4-digit PIN is masked.
const minMaskedDigits = 4

// maskLeaves masks every string and every long enough number inside an
// object or array value as well: the whole JSON text is masked, but a
// later step that prints one field of it (`jq .pin`) would otherwise show
// that field (vault-action masks JSON only as a whole). true, false and
// null are left alone: they say nothing, and masking them would hide
// every "true" in the log.
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
		// A string that holds a JSON object or array is exported as that
		// text: `jq .pin` prints its fields as it would an object's.
		if inner, ok := jsonText(x); ok {
			maskLeaves(set, inner)
		}
	case json.Number:
		maskNumber(set, x.String())
	case float64:
		maskNumber(set, strconv.FormatFloat(x, 'f', -1, 64))
	}
}

// maskNumber masks a number as its JSON text, which is how the exported
// JSON prints it, and as the shortest decimal form of its value, which is
// how jq and most languages print it (1.0e4 as 10000, 123.450 as 123.45),
// each with and without its sign (`abs`, or a format that drops it).
func maskNumber(set *export.Set, text string) {
	forms := []string{text}
	if f, err := strconv.ParseFloat(text, 64); err == nil {
		forms = append(forms, strconv.FormatFloat(f, 'f', -1, 64))
	}
	seen := map[string]bool{}
	for _, form := range forms {
		for _, s := range []string{form, strings.TrimPrefix(form, "-")} {
			if !seen[s] && digits(s) >= minMaskedDigits {
				seen[s] = true
				set.Mask(secret.New(s))
			}
		}
	}
}

func digits(s string) int {
	n := 0
	for _, c := range s {
		if c >= '0' && c <= '9' {
			n++
		}
	}
	return n
}

// jsonText decodes s when it is a JSON object or array, numbers as written.
func jsonText(s string) (any, bool) {
	t := strings.TrimSpace(s)
	if !strings.HasPrefix(t, "{") && !strings.HasPrefix(t, "[") {
		return nil, false
	}
	dec := json.NewDecoder(strings.NewReader(t))
	dec.UseNumber()
	var v any
	if dec.Decode(&v) != nil || dec.More() {
		return nil, false
	}
	return v, true
}
