package secretspec

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/federate-action/federate/internal/export"
)

// PKISpec is one entry of vault-pki: a certificate to issue and the name
// its four parts are exported under.
type PKISpec struct {
	// Entry is the 1-based index of the entry among the non-blank entries.
	Entry int
	// Line is the 1-based line on which the entry starts.
	Line int
	// Raw is the entry's text, trimmed.
	Raw string
	// Path is the API path under v1/, e.g. pki/issue/web, without a
	// leading '/'.
	Path string
	// Params is the JSON object posted to Path, as written.
	Params json.RawMessage
	// Name is the text after the '|', trimmed; "" when the entry has none.
	Name string
}

// The parts of an issued certificate, in export order, by name suffix.
// vault-action derives its names with these suffixes (src/pki.js).
var pkiSuffixes = []string{"_cert", "_key", "_ca", "_ca_chain"}

// PKIPart is one exported part of an issued certificate.
type PKIPart int

// The parts, in the order they are exported.
const (
	PKICert PKIPart = iota
	PKIKey
	PKICA
	PKICAChain
)

// PKIParts lists every part, in export order.
var PKIParts = []PKIPart{PKICert, PKIKey, PKICA, PKICAChain}

// Names returns the env var and output name of one part. With `| NAME`,
// both are NAME followed by the upper-cased suffix (NAME_CERT), as an
// explicit name of vault-secrets names both. Without it the name is
// derived from the role (the path's last segment) as vault-action does:
// the env var is upper-cased whole (WEB_CERT) and the output keeps the
// role's case with a lower-case suffix (web_cert).
func (s PKISpec) Names(p PKIPart) (env, output string) {
	suffix := pkiSuffixes[p]
	if s.Name != "" {
		n := s.Name + strings.ToUpper(suffix)
		return n, n
	}
	output = DeriveName(s.Role()) + suffix
	return strings.ToUpper(output), output
}

// Role is the path's last segment, the PKI role.
func (s PKISpec) Role() string {
	return s.Path[strings.LastIndexByte(s.Path, '/')+1:]
}

// ParsePKI reads every entry of the vault-pki input, in order:
// `pki/issue/ROLE {json} [| NAME]`, separated by ';' or newlines as
// vault-secrets. The JSON object may span lines. The error, if any, is a
// *ParseError for the first entry that cannot be used.
func ParsePKI(input string) ([]PKISpec, error) {
	var specs []PKISpec
	p := pkiParser{in: input}
	for {
		p.skip(func(r rune) bool { return r == ';' || unicode.IsSpace(r) })
		if p.off >= len(p.in) {
			return specs, nil
		}
		s, err := p.entry(len(specs) + 1)
		if err != nil {
			return nil, err
		}
		specs = append(specs, s)
	}
}

// pkiParser walks the whole input, since an entry's JSON may span lines.
type pkiParser struct {
	in    string
	off   int
	start int // where the current entry starts
	n     int // the current entry's number
}

func (p *pkiParser) skip(f func(rune) bool) {
	for p.off < len(p.in) {
		r, w := utf8.DecodeRuneInString(p.in[p.off:])
		if !f(r) {
			return
		}
		p.off += w
	}
}

// sameLineSpace is whitespace that does not end an entry.
func sameLineSpace(r rune) bool { return r != '\n' && unicode.IsSpace(r) }

// entryEnd is where the current entry ends: the next ';' or newline
// outside its JSON, from off.
func (p *pkiParser) entryEnd(off int) int {
	if i := strings.IndexAny(p.in[off:], ";\n"); i >= 0 {
		return off + i
	}
	return len(p.in)
}

// errorAt returns a *ParseError for byte offset off of the input, with the
// entry's text up to its end.
func (p *pkiParser) errorAt(off int, msg string) *ParseError {
	lineStart := strings.LastIndexByte(p.in[:off], '\n') + 1
	end := max(p.entryEnd(max(off, p.start)), off)
	return &ParseError{Input: "vault-pki", Entry: p.n, Line: strings.Count(p.in[:off], "\n") + 1,
		Column: utf8.RuneCountInString(p.in[lineStart:off]) + 1,
		Raw:    strings.TrimSpace(p.in[p.start:end]), Msg: msg}
}

const pkiExample = `write "pki/issue/ROLE {\"common_name\": \"app.example.com\"} | NAME"`

func (p *pkiParser) entry(n int) (PKISpec, error) {
	p.start, p.n = p.off, n
	s := PKISpec{Entry: n, Line: strings.Count(p.in[:p.off], "\n") + 1}
	p.skip(func(r rune) bool { return r != ';' && r != '|' && r != '{' && !unicode.IsSpace(r) })
	tok := p.in[p.start:p.off]
	if tok == "" {
		return s, p.errorAt(p.start, "the path is missing ("+pkiExample+")")
	}
	if i := strings.IndexByte(tok, '?'); i >= 0 {
		return s, p.errorAt(p.start+i, "invalid path: a vault-pki path takes no query (put the parameters in the JSON object)")
	}
	path, off, msg := checkPath(tok)
	if msg == "" {
		path, off, msg = checkPKIPath(path, len(tok)-len(path))
	}
	if msg != "" {
		return s, p.errorAt(p.start+off, msg)
	}
	s.Path = path
	p.skip(sameLineSpace)
	if p.off >= len(p.in) || p.in[p.off] != '{' {
		return s, p.errorAt(p.off, "the parameters must be a JSON object, after the path on the same line ("+pkiExample+")")
	}
	jsonStart := p.off
	dec := json.NewDecoder(strings.NewReader(p.in[jsonStart:]))
	var obj map[string]json.RawMessage
	if err := dec.Decode(&obj); err != nil {
		return s, p.errorAt(jsonErrorOffset(p.in, jsonStart, err), "invalid JSON parameters: "+jsonReason(err))
	}
	p.off = jsonStart + int(dec.InputOffset())
	s.Params = json.RawMessage(bytes.TrimSpace([]byte(p.in[jsonStart:p.off])))
	p.skip(sameLineSpace)
	if p.off < len(p.in) && p.in[p.off] == '|' {
		pipe := p.off
		p.off++
		p.skip(sameLineSpace)
		nameStart := p.off
		p.off = p.entryEnd(p.off)
		s.Name = strings.TrimSpace(p.in[nameStart:p.off])
		if s.Name == "" {
			return s, p.errorAt(pipe, msgNoName)
		}
		if msg := checkPKIName(s); msg != "" {
			return s, p.errorAt(nameStart, msg)
		}
	} else if p.off < len(p.in) && p.in[p.off] != ';' && p.in[p.off] != '\n' && p.in[p.off] != '\r' {
		return s, p.errorAt(p.off, `unexpected text after the JSON parameters (end the entry with ";" or a new line, or name it with "| NAME")`)
	}
	if msg := checkPKIName(s); msg != "" && s.Name == "" {
		return s, p.errorAt(p.start+strings.LastIndexByte(tok, '/')+1, msg)
	}
	s.Raw = strings.TrimSpace(p.in[p.start:p.off])
	return s, nil
}

// checkPKIPath requires the path of a PKI issue endpoint, MOUNT/issue/ROLE
// (or MOUNT/issuer/REF/issue/ROLE): its answer is what the four names hold.
// off is where path starts in the token.
func checkPKIPath(path string, off int) (string, int, string) {
	segs := strings.Split(path, "/")
	if len(segs) < 3 || segs[len(segs)-2] != "issue" || segs[len(segs)-1] == "" || segs[0] == "" {
		return "", off, "invalid path: it must be a PKI issue endpoint, MOUNT/issue/ROLE (e.g. pki/issue/web)"
	}
	return path, 0, ""
}

// checkPKIName returns what is wrong with the names s is exported under,
// by export.CheckEnvName's rule (env names are the stricter), or "". No
// name the runner refuses (NODE_OPTIONS) ends in a part's suffix, so only
// the form is at stake. A role that derives to nothing would give "_CERT":
// refused, since it names nothing the user wrote.
func checkPKIName(s PKISpec) string {
	const hint = "use letters, digits and '_', not starting with a digit"
	if s.Name == "" && DeriveName(s.Role()) == "" {
		return `cannot derive a name from the role: it would be empty (add "| NAME" to choose one)`
	}
	for _, part := range PKIParts {
		env, _ := s.Names(part)
		var bad *export.NameError
		if !errors.As(export.CheckEnvName(env), &bad) {
			continue
		}
		if s.Name != "" {
			return fmt.Sprintf("invalid name %q (%s, e.g. WEB_TLS: it names %s and the other parts)", s.Name, hint, env)
		}
		return fmt.Sprintf(`cannot derive a name from the role: %q: %s (add "| NAME" to choose one)`, env, bad.Reason)
	}
	return ""
}

// jsonErrorOffset is the byte offset in in of a JSON error in the text
// that starts at start.
func jsonErrorOffset(in string, start int, err error) int {
	var syn *json.SyntaxError
	if errors.As(err, &syn) {
		return min(start+int(syn.Offset)-1, len(in))
	}
	return len(in) // io.ErrUnexpectedEOF: the object is not closed
}

// jsonReason says what is wrong with the JSON. The decoder's messages
// quote at most one character of the input.
func jsonReason(err error) string {
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return "the object is not closed (add the missing \"}\")"
	}
	return err.Error()
}
