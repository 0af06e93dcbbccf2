package vault

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// Text renders a value read from Vault as vault-action exports it:
// strings verbatim (decoded first if encoding is base64 or hex), numbers
// and booleans as their JSON text, null as "null", objects and arrays as
// compact JSON.
func Text(v any, encoding string) (string, error) {
	switch x := v.(type) {
	case string:
		return decode(x, encoding)
	case json.Number:
		return x.String(), nil
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64), nil
	case bool:
		return strconv.FormatBool(x), nil
	case nil:
		return "null", nil
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // keep <, > and & as written
	if err := enc.Encode(v); err != nil {
		return "", fmt.Errorf("rendering a value as JSON: %w", err)
	}
	return strings.TrimSuffix(b.String(), "\n"), nil
}

// EncodingError is a value that vault-secret-encoding-type cannot decode.
// It never shows the value.
type EncodingError struct{ Encoding string }

func (e *EncodingError) Error() string {
	return "a value is not valid " + e.Encoding + " (vault-secret-encoding-type); the value is not shown"
}

// Title is the annotation title.
func (e *EncodingError) Title() string { return "Invalid input vault-secret-encoding-type" }

func decode(s, encoding string) (string, error) {
	switch encoding {
	case "base64":
		b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(s))
		if err != nil {
			return "", &EncodingError{Encoding: encoding}
		}
		return string(b), nil
	case "hex":
		b, err := hex.DecodeString(strings.TrimSpace(s))
		if err != nil {
			return "", &EncodingError{Encoding: encoding}
		}
		return string(b), nil
	}
	return s, nil
}
