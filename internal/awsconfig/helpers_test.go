package awsconfig_test

import (
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func commandWord(line string) string {
	for i := 0; i < len(line); i++ {
		switch line[i] {
		case '\\':
			i++
		case ' ':
			return line[:i]
		}
	}
	return line
}

// shells are the sh implementations on this machine.
func shells(t *testing.T) []string {
	t.Helper()
	var found []string
	for _, name := range []string{"sh", "dash", "bash"} {
		if path, err := exec.LookPath(name); err == nil {
			found = append(found, path)
		}
	}
	require.NotEmpty(t, found, "no sh")
	return found
}

func execOutput(name string, args ...string) ([]byte, error) {
	return exec.Command(name, args...).Output()
}

func newCmd(name string, args ...string) *exec.Cmd { return exec.Command(name, args...) }

func exitStderr(err error) string {
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return string(exit.Stderr)
	}
	return ""
}

func nulWords(out []byte) []string {
	words := strings.Split(string(out), "\x00")
	return words[:len(words)-1]
}

// botocorePython finds the Python that has botocore (moto's).
func botocorePython(t *testing.T) string {
	t.Helper()
	candidates, _ := filepath.Glob("/root/.pyenv/versions/3.11*/bin/python")
	if root := os.Getenv("PYENV_ROOT"); root != "" {
		more, _ := filepath.Glob(filepath.Join(root, "versions/3.11*/bin/python"))
		candidates = append(more, candidates...)
	}
	candidates = append(candidates, "python3")
	for _, c := range candidates {
		if exec.Command(c, "-c", "import botocore").Run() == nil {
			return c
		}
	}
	t.Skip("no python with botocore")
	return ""
}

type botoResult struct {
	P       map[string]string `json:"p"`
	C       map[string]string `json:"c"`
	Default map[string]string `json:"default"`
	Argv    []string          `json:"argv"`
}

func decode(t *testing.T, out []byte) botoResult {
	t.Helper()
	var r botoResult
	require.NoError(t, json.Unmarshal(out, &r))
	return r
}
