package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/federate-action/federate/internal/export"
)

// formats are env's output formats, by --format name.
var formats = map[string]func(io.Writer, []export.Var) error{
	"shell":  writeShell,
	"dotenv": writeDotenv,
	"json":   writeJSON,
}

// writeShell prints `export NAME='value'` lines for eval in any POSIX
// shell. Inside single quotes nothing is special but the quote itself,
// which is closed, escaped with a backslash and reopened. Newlines stay
// inside the quotes.
func writeShell(w io.Writer, vars []export.Var) error {
	var b strings.Builder
	for _, v := range vars {
		fmt.Fprintf(&b, "export %s='%s'\n", v.Name, strings.ReplaceAll(v.Value.Reveal(), "'", `'\''`))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// dotenvEscaper writes a value between double quotes with the only
// escapes every dotenv reader that decodes escapes agrees on: \n, \r, \\
// and \". The dollar sign is written as is: python-dotenv keeps \$ as two
// characters, so no escape of it is read the same everywhere.
var dotenvEscaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`, "\r", `\r`)

// writeDotenv prints NAME='value' lines, or NAME="value" for a value that
// single quotes cannot hold.
func writeDotenv(w io.Writer, vars []export.Var) error {
	var b strings.Builder
	for _, v := range vars {
		value := v.Value.Reveal()
		if singleQuotable(value) {
			fmt.Fprintf(&b, "%s='%s'\n", v.Name, value)
		} else {
			fmt.Fprintf(&b, "%s=\"%s\"\n", v.Name, dotenvEscaper.Replace(value))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// singleQuotable reports whether value reads back unchanged between single
// quotes, which Ruby dotenv, Node dotenv and Docker Compose take literally.
// python-dotenv also decodes \\ and \' there, and reads a closing quote
// after a final backslash as escaped, so those values go in double quotes.
func singleQuotable(value string) bool {
	return !strings.ContainsAny(value, "'\n\r") &&
		!strings.Contains(value, `\\`) && !strings.HasSuffix(value, `\`)
}

// writeJSON prints one object, NAME to value, in the set's order.
func writeJSON(w io.Writer, vars []export.Var) error {
	var b bytes.Buffer
	b.WriteString("{")
	for i, v := range vars {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString("\n  ")
		if err := encodeString(&b, v.Name); err != nil {
			return err
		}
		b.WriteString(": ")
		if err := encodeString(&b, v.Value.Reveal()); err != nil {
			return err
		}
	}
	b.WriteString("\n}\n")
	_, err := w.Write(b.Bytes())
	return err
}

// encodeString writes s as a JSON string, without HTML escaping (the
// output is read by programs, and < in a value should stay <).
func encodeString(b *bytes.Buffer, s string) error {
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		return err
	}
	b.Write(bytes.TrimSuffix(out.Bytes(), []byte("\n")))
	return nil
}
