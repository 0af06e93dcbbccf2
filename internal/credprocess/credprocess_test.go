package credprocess_test

import (
	"encoding/json"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/federate-action/federate/internal/credprocess"
	"github.com/federate-action/federate/internal/testbed"
)

func decode(t testing.TB, stdout string) (credprocess.Output, time.Time) {
	t.Helper()
	var out credprocess.Output
	require.NoError(t, json.Unmarshal([]byte(stdout), &out), stdout)
	exp, err := time.Parse(time.RFC3339, out.Expiration)
	require.NoError(t, err)
	return out, exp
}

func TestRun_FirstCallAssumesTheRoleAndCachesTheAnswer(t *testing.T) {
	t.Parallel()
	b := newBed(t)

	res := b.run(t, nil)
	require.NoError(t, res.err, res.stderr)
	assert.Empty(t, res.stderr)
	out, exp := decode(t, res.stdout)
	assert.Equal(t, 1, out.Version)
	assert.Regexp(t, `^ASIA[A-Z0-9]{16}$`, out.AccessKeyID)
	assert.NotEmpty(t, out.SecretAccessKey)
	assert.NotEmpty(t, out.SessionToken)
	assert.WithinDuration(t, time.Now().Add(3600*time.Second), exp, time.Minute)
	assert.Equal(t, 1, b.sts.Requests())
	require.Len(t, b.tokens.Requests(), 1)
	assert.Equal(t, "sts.amazonaws.com", b.tokens.Requests()[0].Audience)

	fi, err := os.Stat(b.cache)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
	cached, err := os.ReadFile(b.cache)
	require.NoError(t, err)
	assert.JSONEq(t, res.stdout, string(cached))
	assert.Equal(t, `{"Version":1,"AccessKeyId":`, res.stdout[:len(`{"Version":1,"AccessKeyId":`)], "the SDKs' field names")
}

func TestRun_CacheServesUntilElevenMinutesBeforeExpiry(t *testing.T) {
	t.Parallel()
	b := newBed(t)
	first := b.run(t, nil)
	require.NoError(t, first.err, first.stderr)
	_, exp := decode(t, first.stdout)

	// Within validity: no token request, no STS call, the same answer.
	second := b.run(t, func() time.Time { return exp.Add(-11*time.Minute - time.Second) })
	require.NoError(t, second.err, second.stderr)
	assert.Equal(t, first.stdout, second.stdout)
	assert.Equal(t, 1, b.sts.Requests())
	assert.Len(t, b.tokens.Requests(), 1)

	// At the margin: refreshed with a new token and a new STS call.
	third := b.run(t, func() time.Time { return exp.Add(-11 * time.Minute) })
	require.NoError(t, third.err, third.stderr)
	assert.NotEqual(t, first.stdout, third.stdout)
	assert.Equal(t, 2, b.sts.Requests())
	assert.Len(t, b.tokens.Requests(), 2)
	cached, err := os.ReadFile(b.cache)
	require.NoError(t, err)
	assert.JSONEq(t, third.stdout, string(cached))
}

func TestRun_AnUnusableCacheIsRefreshedNeverServed(t *testing.T) {
	t.Parallel()
	valid := `{"Version":1,"AccessKeyId":"AKIDPLANTED","SecretAccessKey":"s","SessionToken":"t","Expiration":"` +
		time.Now().Add(time.Hour).UTC().Format(time.RFC3339) + `"}`
	tests := []struct {
		name  string
		plant func(t *testing.T, path string)
	}{
		{name: "not_json", plant: func(t *testing.T, path string) { write(t, path, "{not json", 0o600) }},
		{name: "truncated", plant: func(t *testing.T, path string) { write(t, path, valid[:40], 0o600) }},
		{name: "no_session_token", plant: func(t *testing.T, path string) {
			write(t, path, strings.Replace(valid, `"SessionToken":"t"`, `"SessionToken":""`, 1), 0o600)
		}},
		{name: "another_version", plant: func(t *testing.T, path string) {
			write(t, path, strings.Replace(valid, `"Version":1`, `"Version":2`, 1), 0o600)
		}},
		{name: "expiration_not_rfc3339", plant: func(t *testing.T, path string) {
			write(t, path, strings.Replace(valid, `"Expiration":"`, `"Expiration":"soon `, 1), 0o600)
		}},
		{name: "already_expired", plant: func(t *testing.T, path string) {
			write(t, path, strings.Replace(valid, time.Now().Add(time.Hour).UTC().Format("2006"), "2001", 1), 0o600)
		}},
		{name: "readable_by_others", plant: func(t *testing.T, path string) { write(t, path, valid, 0o644) }},
		{name: "a_symlink_to_a_valid_file", plant: func(t *testing.T, path string) {
			write(t, path+".real", valid, 0o600)
			require.NoError(t, os.Symlink(path+".real", path))
		}},
		{name: "a_directory", plant: func(t *testing.T, path string) { require.NoError(t, os.Mkdir(path, 0o700)) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := newBed(t)
			require.NoError(t, os.MkdirAll(dirOf(b.cache), 0o700))
			tt.plant(t, b.cache)

			res := b.run(t, nil)
			if tt.name == "a_directory" {
				// Cannot be replaced by a file: an error, and nothing served.
				require.Error(t, res.err)
				assert.Empty(t, res.stdout)
				return
			}
			require.NoError(t, res.err, res.stderr)
			assert.NotContains(t, res.stdout, "AKIDPLANTED")
			assert.Equal(t, 1, b.sts.Requests())
			fi, err := os.Lstat(b.cache)
			require.NoError(t, err)
			assert.True(t, fi.Mode().IsRegular())
			assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
		})
	}
}

func TestRun_ConcurrentCallsShareOneSTSCall(t *testing.T) {
	t.Parallel()
	b := newBed(t)
	const callers = 10
	results := make([]result, callers)
	var wg sync.WaitGroup
	for i := range callers {
		wg.Go(func() { results[i] = b.run(t, nil) })
	}
	wg.Wait()
	for _, r := range results {
		require.NoError(t, r.err, r.stderr)
		assert.Equal(t, results[0].stdout, r.stdout)
	}
	assert.Equal(t, 1, b.sts.Requests())
	assert.Len(t, b.tokens.Requests(), 1)
}

func TestRun_ErrorsAreOneLineWithoutSecrets(t *testing.T) {
	t.Parallel()
	b := newBed(t)
	b.sts.Enqueue(testbed.Fault{Status: 403, Body: testbed.STSError("AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity")})

	res := b.run(t, nil)
	require.Error(t, res.err)
	assert.Empty(t, res.stdout)
	assert.Equal(t, 1, strings.Count(res.stderr, "\n"), res.stderr)
	assert.True(t, strings.HasSuffix(res.stderr, "\n"))
	assert.Contains(t, res.stderr, "AccessDenied: Not authorized")
	assert.Contains(t, res.stderr, "sub: repo:octo-org/octo-repo")
	assert.NotContains(t, res.stderr, b.tokens.RequestToken)
	assert.NotContains(t, res.stderr, "eyJ", "no ID token")
	assert.NoFileExists(t, b.cache)
}
