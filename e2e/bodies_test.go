package e2e

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/federate-action/federate/internal/idtoken/idtokentest"
	"github.com/federate-action/federate/internal/testbed"
)

// hugeBody is the size of the answer a broken or hostile server sends: far
// above any limit, so an unbounded read shows in the step's peak memory.
const hugeBody = 100 << 20

// maxPeakRSS is the most memory a step may use while refusing hugeBody of
// answers: Vault's 32 MiB of answers together cost about 6 times that once
// parsed. Reading hugeBody whole costs 450 MiB to over 1 GiB.
const maxPeakRSS = 256 << 20

// maxErrorLine bounds the ::error line of one failure: its message quotes
// at most a shortened part of what the server said. Every path that
// failed adds its own.
const maxErrorLine = 1 << 10

// streamHuge writes status, then prefix, hugeBody bytes of filler and
// suffix, a chunk at a time: the test never holds the body in memory.
func streamHuge(w http.ResponseWriter, status int, contentType, prefix, suffix string) {
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(status)
	_, _ = io.WriteString(w, prefix)
	chunk := bytes.Repeat([]byte("x"), 64<<10)
	for sent := 0; sent < hugeBody; sent += len(chunk) {
		if _, err := w.Write(chunk); err != nil {
			return
		}
	}
	_, _ = io.WriteString(w, suffix)
}

// hugeSTS answers every request with a hugeBody answer.
func hugeSTS(status int) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		if status == http.StatusOK {
			streamHuge(w, status, "text/xml",
				`<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleWithWebIdentityResult><Credentials><SessionToken>`,
				`</SessionToken></Credentials></AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>`)
			return
		}
		streamHuge(w, status, "text/xml",
			`<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>`,
			`</Message></Error><RequestId>r</RequestId></ErrorResponse>`)
	}
}

// hugeVault is a Vault whose login (or, once logged in, whose reads)
// answer with a hugeBody answer; status is that answer's.
func hugeVault(status int, atLogin bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		switch {
		case strings.HasPrefix(r.URL.Path, "/v1/auth/jwt/login") && atLogin && status == http.StatusOK:
			streamHuge(w, status, "application/json", `{"auth":{"client_token":"`, `"}}`)
		case strings.HasPrefix(r.URL.Path, "/v1/auth/jwt/login") && atLogin:
			streamHuge(w, status, "application/json", `{"errors":["`, `"]}`)
		case strings.HasPrefix(r.URL.Path, "/v1/auth/jwt/login"):
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, `{"auth":{"client_token":"hvs.test","accessor":"a","lease_duration":60}}`)
		case strings.HasPrefix(r.URL.Path, "/v1/sys/internal/ui/mounts/"):
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, `{"data":{"path":"secret/","type":"kv","options":{"version":"2"}}}`)
		case strings.HasPrefix(r.URL.Path, "/v1/secret/data/") && status == http.StatusOK:
			streamHuge(w, status, "application/json", `{"data":{"data":{"k":"`, `"}}}`)
		case strings.HasPrefix(r.URL.Path, "/v1/secret/data/"):
			streamHuge(w, status, "application/json", `{"errors":["`, `"]}`)
		default:
			w.WriteHeader(http.StatusNoContent)
		}
	}
}

// manyVaultSecrets is a Vault whose secrets hold 5 MiB each: 20 of them
// are hugeBody together.
func manyVaultSecrets(w http.ResponseWriter, r *http.Request) {
	switch {
	case strings.HasPrefix(r.URL.Path, "/v1/auth/jwt/login"):
		_, _ = io.WriteString(w, `{"auth":{"client_token":"hvs.test","accessor":"a","lease_duration":60}}`)
	case strings.HasPrefix(r.URL.Path, "/v1/sys/internal/ui/mounts/"):
		_, _ = io.WriteString(w, `{"data":{"path":"secret/","type":"kv","options":{"version":"2"}}}`)
	case strings.HasPrefix(r.URL.Path, "/v1/secret/data/"):
		_, _ = io.WriteString(w, `{"data":{"data":{"k":"`)
		chunk := bytes.Repeat([]byte("x"), 64<<10)
		for sent := 0; sent < 5<<20; sent += len(chunk) {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
		_, _ = io.WriteString(w, `"}}}`)
	default:
		w.WriteHeader(http.StatusNoContent)
	}
}

// manyVaultInputs reads 20 secrets from url.
func manyVaultInputs(url string) map[string]string {
	in := hugeVaultInputs(url)
	var specs []string
	for i := range hugeBody / (5 << 20) {
		specs = append(specs, fmt.Sprintf("secret/data/s%02d k | K%02d", i, i))
	}
	in["vault-secrets"] = strings.Join(specs, "\n")
	return in
}

// peakRSS reads the "maxrss=KB" line /usr/bin/time -f writes to stderr.
func peakRSS(t *testing.T, stderr string) int {
	t.Helper()
	m := regexp.MustCompile(`maxrss=(\d+)`).FindStringSubmatch(stderr)
	require.NotNil(t, m, "no maxrss line in stderr:\n%s", stderr)
	kb, err := strconv.Atoi(m[1])
	require.NoError(t, err)
	return kb << 10
}

// A server that answers 100 MB (a proxy's download, a hostile endpoint)
// fails the step at once with a short error, and the step's memory stays
// bounded: no answer is read past its limit, nor printed whole.
func TestOversizedAnswer_FailsShortAndBounded(t *testing.T) {
	t.Parallel()
	bin, _ := servers(t)
	tests := []struct {
		name      string
		handler   http.HandlerFunc
		inputs    func(url string) map[string]string
		wantTitle string
		wantText  string
	}{
		{"sts_credentials_of_100_mb", hugeSTS(http.StatusOK), tutorialInputs,
			"Answer too large", "more than 1 MiB"},
		{"sts_error_message_of_100_mb", hugeSTS(http.StatusForbidden), tutorialInputs,
			"Answer too large", "more than 1 MiB"},
		{"vault_login_answer_of_100_mb", hugeVault(http.StatusOK, true), hugeVaultInputs,
			"Vault login failed", "more than 8 MiB"},
		{"vault_login_error_of_100_mb", hugeVault(http.StatusBadRequest, true), hugeVaultInputs,
			"Vault login failed", "more than 8 MiB"},
		{"vault_secret_of_100_mb", hugeVault(http.StatusOK, false), hugeVaultInputs,
			"Vault read failed", "more than 8 MiB"},
		{"vault_read_error_of_100_mb", hugeVault(http.StatusInternalServerError, false), hugeVaultInputs,
			"Vault read failed", "more than 8 MiB"},
		{"vault_secrets_of_100_mb_together", manyVaultSecrets, manyVaultInputs,
			"Vault read failed", "more than 32 MiB together"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewServer(tt.handler)
			t.Cleanup(srv.Close)
			tokens := tokenServer(t, idtokentest.Config{})

			res := run(t, testbed.Step{Binary: "/usr/bin/time", Args: []string{"-f", "maxrss=%M", bin},
				Inputs: tt.inputs(srv.URL), Env: tokens.Env()})

			rss := peakRSS(t, res.Stderr)
			t.Logf("%s: exit %d after %s, peak RSS %d MiB, stdout %d bytes", tt.name, res.ExitCode, res.Wall, rss>>20, len(res.Stdout))
			assert.Equal(t, 1, res.ExitCode)
			assert.Less(t, rss, maxPeakRSS, "peak RSS")
			// The log holds a few lines besides: the token's mask, a retry
			// line if the token service was slow under load.
			failures := strings.Count(tt.inputs(srv.URL)["vault-secrets"], "\n") + 1
			assert.Less(t, len(res.Stdout), 16<<10+failures*maxErrorLine, "the whole log stays short:\n%s", firstBytes(res.Stdout, 8000))
			errs := errorAnnotations(res.Stdout)
			require.Len(t, errs, 1, firstBytes(res.Stdout, 2000))
			assert.Less(t, len(errs[0]), failures*maxErrorLine, "the ::error line")
			assert.True(t, strings.HasPrefix(errs[0], "::error title="+tt.wantTitle+"::"), firstBytes(errs[0], 2000))
			assert.Contains(t, errs[0], tt.wantText)
			assert.Empty(t, res.EnvRaw, "a failed step writes nothing")
		})
	}
}

// hugeVaultInputs logs in with jwt and reads one secret from url.
func hugeVaultInputs(url string) map[string]string {
	return map[string]string{
		"vault-url":                url,
		"vault-role":               "ci",
		"vault-secrets":            "secret/data/big k | K",
		"vault-method":             "jwt",
		"vault-export-env":         "true",
		"vault-export-token":       "false",
		"vault-output-token":       "false",
		"vault-ignore-not-found":   "false",
		"vault-tls-skip-verify":    "false",
		"vault-retry-max-attempts": "3",
		"action-timeout-s":         "60",
	}
}

// firstBytes keeps a failure message readable when the log is huge.
func firstBytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}
