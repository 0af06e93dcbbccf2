// Package runnertest reproduces, in Go, how the GitHub Actions runner reads the
// GITHUB_ENV, GITHUB_OUTPUT and GITHUB_STATE file-command files, so tests see
// what the action wrote exactly as a real workflow would, quirks included.
//
// It is a port of actions/runner src/Runner.Worker/FileCommandManager.cs:
// class EnvFileKeyValuePairs (the parser shared by SetEnvFileCommand,
// SetOutputFileCommand and SaveStateFileCommand), its ReadLine helper, and the
// NODE_OPTIONS block list of SetEnvFileCommand. Comments quote the C# they
// mirror. Where the runner is surprising (CRLF on Linux, an "=value" line with
// an empty name, entries applied before a later line fails) this package does
// the surprising thing too, on purpose.
package runnertest

import (
	"fmt"
	"strings"
)

// Entry is one NAME/value pair in file order, as EnvFileKeyValuePairs yields it.
type Entry struct{ Name, Value string }

// Parse parses the text of a GITHUB_ENV / GITHUB_OUTPUT / GITHUB_STATE file the
// way the Linux runner does, which is the only runner that runs container
// actions (ContainerActionHandler: "Container action is only supported on
// Linux"). Entries are returned in file order with duplicates kept.
//
// On error Parse also returns the entries read before the bad line: the runner
// enumerates EnvFileKeyValuePairs lazily and has already set those variables
// or outputs when the exception stops it (the step is then marked failed with
// "Unable to process file command 'env' successfully.").
func Parse(content string) ([]Entry, error) {
	return parse(content, false)
}

// ToMap folds entries into a map where the last write of a name wins, as the
// runner's dictionary assignment (EnvironmentVariables[name] = value) does.
func ToMap(entries []Entry) map[string]string {
	m := make(map[string]string, len(entries))
	for _, e := range entries {
		m[e.Name] = e.Value
	}
	return m
}

// parse is EnvFileKeyValuePairs.GetEnumerator. windows selects the runner's
// OS_WINDOWS build of ReadLine, which alone treats "\r\n" as a line break.
func parse(text string, windows bool) ([]Entry, error) {
	var entries []Entry
	index, lineNo := 0, 0
	fail := func(format string, args ...any) ([]Entry, error) {
		return entries, fmt.Errorf("line %d: "+format, append([]any{lineNo}, args...)...)
	}
	for {
		line, _, ok := readLine(text, &index, windows)
		if !ok {
			return entries, nil
		}
		lineNo++
		// if (!string.IsNullOrEmpty(line)) -- only truly empty lines are skipped;
		// "   " or a lone "\r" (CRLF blank line on Linux) is an invalid format.
		if line == "" {
			continue
		}
		equalsIndex := strings.Index(line, "=")
		heredocIndex := strings.Index(line, "<<")
		switch {
		// Normal style NAME=VALUE
		case equalsIndex >= 0 && (heredocIndex < 0 || equalsIndex < heredocIndex):
			// The runner's guard is `if (string.IsNullOrEmpty(line)) throw ...
			// "Name must not be empty"`: it tests the line, not split[0], so it
			// never fires and "=value" yields an entry with an empty name.
			name, value, _ := strings.Cut(line, "=")
			entries = append(entries, Entry{Name: name, Value: value})

		// Heredoc style NAME<<EOF
		case heredocIndex >= 0 && (equalsIndex < 0 || heredocIndex < equalsIndex):
			name, delimiter, _ := strings.Cut(line, "<<")
			if name == "" || delimiter == "" {
				return fail("Invalid format '%s'. Name must not be empty and delimiter must not be empty", line)
			}
			startIndex := index // start of the value (inclusive)
			endIndex := index   // end of the value (exclusive)
			for {
				tempLine, newline, ok := readLine(text, &index, windows)
				if !ok {
					return fail("Invalid value. Matching delimiter not found '%s'", delimiter)
				}
				lineNo++
				// string.Equals(tempLine, delimiter, StringComparison.Ordinal)
				if tempLine == delimiter {
					break
				}
				if newline == "" {
					return fail("Invalid value. EOF marker missing new line.")
				}
				endIndex = index - len(newline)
			}
			// The value is the raw text between the lines, so its inner line
			// breaks are whatever the file had ("\r\n" stays "\r\n").
			value := ""
			if endIndex > startIndex {
				value = text[startIndex:endIndex]
			}
			entries = append(entries, Entry{Name: name, Value: value})

		default:
			return fail("Invalid format '%s'", line)
		}
	}
}

// readLine is EnvFileKeyValuePairs.ReadLine: it returns the line at *index
// without its terminator, the terminator itself ("" for a last line without
// one), and false at end of text. Only the OS_WINDOWS build looks for "\r\n";
// on Linux a CR before the LF stays part of the line.
func readLine(text string, index *int, windows bool) (line, newline string, ok bool) {
	if *index >= len(text) {
		return "", "", false
	}
	start := *index
	lf := strings.Index(text[start:], "\n")
	if lf < 0 {
		*index = len(text)
		return text[start:], "", true
	}
	lf += start
	if windows {
		if crlf := strings.Index(text[start:], "\r\n"); crlf >= 0 && crlf+start < lf {
			crlf += start
			*index = crlf + 2
			return text[start:crlf], "\r\n", true
		}
	}
	*index = lf + 1
	return text[start:lf], "\n", true
}
