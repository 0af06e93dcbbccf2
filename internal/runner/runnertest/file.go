package runnertest

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io/fs"
	"os"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// ParseFile reads a file-command file like the runner's File.ReadAllText and
// parses it with Parse. A missing file (or directory) gives no entries and no
// error: the runner catches FileNotFoundException / DirectoryNotFoundException
// and only logs "File does not exist".
func ParseFile(path string) ([]Entry, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	entries, err := Parse(decode(data))
	if err != nil {
		return entries, &fs.PathError{Op: "parse", Path: path, Err: err}
	}
	return entries, nil
}

// decode turns file bytes into text the way .NET's File.ReadAllText does:
// UTF-8 unless a byte-order mark says UTF-32 or UTF-16, the mark removed, and
// invalid UTF-8 replaced by U+FFFD (Go replaces per byte where .NET replaces
// per maximal invalid sequence; both make the text valid).
func decode(b []byte) string {
	switch {
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE, 0, 0}):
		return decodeUTF32(b[4:], binary.LittleEndian)
	case bytes.HasPrefix(b, []byte{0, 0, 0xFE, 0xFF}):
		return decodeUTF32(b[4:], binary.BigEndian)
	case bytes.HasPrefix(b, []byte{0xEF, 0xBB, 0xBF}):
		b = b[3:]
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE}):
		return decodeUTF16(b[2:], binary.LittleEndian)
	case bytes.HasPrefix(b, []byte{0xFE, 0xFF}):
		return decodeUTF16(b[2:], binary.BigEndian)
	}
	if utf8.Valid(b) {
		return string(b)
	}
	var sb strings.Builder
	for _, r := range string(b) {
		sb.WriteRune(r) // invalid bytes arrive as utf8.RuneError
	}
	return sb.String()
}

// decodeUTF16 decodes UTF-16 code units; a trailing odd byte becomes U+FFFD.
func decodeUTF16(b []byte, order binary.ByteOrder) string {
	units := make([]uint16, 0, len(b)/2)
	for i := 0; i+1 < len(b); i += 2 {
		units = append(units, order.Uint16(b[i:]))
	}
	s := string(utf16.Decode(units))
	if len(b)%2 != 0 {
		s += string(utf8.RuneError)
	}
	return s
}

// decodeUTF32 decodes UTF-32 code points; invalid ones become U+FFFD.
func decodeUTF32(b []byte, order binary.ByteOrder) string {
	var sb strings.Builder
	for i := 0; i+3 < len(b); i += 4 {
		sb.WriteRune(rune(order.Uint32(b[i:]))) // WriteRune maps invalid runes to U+FFFD
	}
	if len(b)%4 != 0 {
		sb.WriteRune(utf8.RuneError)
	}
	return sb.String()
}
