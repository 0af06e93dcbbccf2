package idtokentest

import (
	"bytes"
	"crypto"
	"crypto/rsa"
	"crypto/sha1" //nolint:gosec // x5t is a SHA-1 thumbprint by definition.
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"io"
	"math/big"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// newServer starts a server for one test and closes it at cleanup.
func newServer(t *testing.T, cfg Config) *Server {
	t.Helper()
	s, err := New(cfg)
	require.NoError(t, err)
	t.Cleanup(s.Close)
	return s
}

// call sends one request and returns the status, headers and body.
func call(t *testing.T, c *http.Client, method, rawURL, auth string) (int, http.Header, []byte) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, rawURL, nil)
	require.NoError(t, err)
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := c.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, resp.Header, body
}

// fetchToken asks for a token the way a correct client does and returns it.
func fetchToken(t *testing.T, s *Server, rawURL string) string {
	t.Helper()
	status, hdr, body := call(t, s.Client(), http.MethodGet, rawURL, "Bearer "+s.RequestToken)
	require.Equal(t, http.StatusOK, status, "body: %s", body)
	assert.Contains(t, hdr.Get("Content-Type"), "application/json")
	var got struct {
		Count int    `json:"count"`
		Value string `json:"value"`
	}
	require.NoError(t, json.Unmarshal(body, &got))
	require.NotEmpty(t, got.Value)
	assert.Equal(t, len(got.Value), got.Count)
	return got.Value
}

// withAudience merges audience into the endpoint's query, as clients must.
func withAudience(t *testing.T, raw, aud string) string {
	t.Helper()
	u, err := url.Parse(raw)
	require.NoError(t, err)
	q := u.Query()
	q.Set("audience", aud)
	u.RawQuery = q.Encode()
	return u.String()
}

// verify checks token's RS256 signature against the JWKS that discovery
// points to, rebuilding the key from n and e, and returns header and claims.
func verify(t *testing.T, s *Server, token string) (map[string]any, map[string]any) {
	t.Helper()
	status, _, body := call(t, s.Client(), http.MethodGet, s.Issuer+"/.well-known/openid-configuration", "")
	require.Equal(t, http.StatusOK, status)
	var disc struct {
		Issuer  string `json:"issuer"`
		JWKSURI string `json:"jwks_uri"`
	}
	require.NoError(t, json.Unmarshal(body, &disc))
	require.Equal(t, s.Issuer, disc.Issuer)
	require.Equal(t, s.Issuer+"/.well-known/jwks", disc.JWKSURI)

	status, _, body = call(t, s.Client(), http.MethodGet, disc.JWKSURI, "")
	require.Equal(t, http.StatusOK, status)
	var set struct {
		Keys []struct {
			Kty, Alg, Use, Kid, N, E, X5t string
			X5c                           []string
		} `json:"keys"`
	}
	require.NoError(t, json.Unmarshal(body, &set))
	require.Len(t, set.Keys, 1)
	k := set.Keys[0]
	assert.Equal(t, []string{"RSA", "RS256", "sig"}, []string{k.Kty, k.Alg, k.Use})

	parts := strings.Split(token, ".")
	require.Len(t, parts, 3)
	header, claims := decodePart(t, parts[0]), decodePart(t, parts[1])
	assert.Equal(t, "RS256", header["alg"])
	assert.Equal(t, "JWT", header["typ"])
	require.Equal(t, k.Kid, header["kid"], "token kid must name a JWKS key")
	assert.Equal(t, k.X5t, header["x5t"])

	pub := &rsa.PublicKey{N: new(big.Int).SetBytes(b64(t, k.N)), E: int(new(big.Int).SetBytes(b64(t, k.E)).Int64())}
	assert.Equal(t, 2048, pub.N.BitLen())
	digest := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	require.NoError(t, rsa.VerifyPKCS1v15(pub, crypto.SHA256, digest[:], b64(t, parts[2])))

	// x5c and x5t must agree with n and e, or go-jose (Vault) refuses the set.
	require.Len(t, k.X5c, 1)
	der, err := base64.StdEncoding.DecodeString(k.X5c[0])
	require.NoError(t, err)
	cert, err := x509.ParseCertificate(der)
	require.NoError(t, err)
	assert.True(t, pub.Equal(cert.PublicKey), "x5c key differs from n/e")
	thumb := sha1.Sum(der) //nolint:gosec // see the import.
	assert.Equal(t, base64.RawURLEncoding.EncodeToString(thumb[:]), k.X5t)
	return header, claims
}

func b64(t *testing.T, s string) []byte {
	t.Helper()
	b, err := base64.RawURLEncoding.DecodeString(s)
	require.NoError(t, err)
	return b
}

// decodePart decodes a JWT segment keeping numbers as json.Number, so tests
// can tell GitHub's string IDs from numeric times.
func decodePart(t *testing.T, seg string) map[string]any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(b64(t, seg)))
	dec.UseNumber()
	var m map[string]any
	require.NoError(t, dec.Decode(&m))
	return m
}

func unix(t *testing.T, v any) int64 {
	t.Helper()
	n, ok := v.(json.Number)
	require.True(t, ok, "want a JSON number, got %T %v", v, v)
	i, err := n.Int64()
	require.NoError(t, err)
	return i
}

func TestServer_TokenContract(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		method     string
		url        func(t *testing.T, s *Server) string
		auth       func(s *Server) string
		wantStatus int
		wantAud    string // checked on 200
		wantReq    Request
	}{
		{
			name:       "post_is_405",
			method:     http.MethodPost,
			wantStatus: http.StatusMethodNotAllowed,
			wantReq:    Request{Method: http.MethodPost, Authorized: true, RawQuery: "api-version=2.0"},
		},
		{
			name:       "missing_bearer_is_401",
			auth:       func(*Server) string { return "" },
			wantStatus: http.StatusUnauthorized,
			wantReq:    Request{Method: http.MethodGet, RawQuery: "api-version=2.0"},
		},
		{
			name:       "wrong_bearer_is_401",
			auth:       func(s *Server) string { return "Bearer " + s.RequestToken + "x" },
			wantStatus: http.StatusUnauthorized,
			wantReq:    Request{Method: http.MethodGet, RawQuery: "api-version=2.0"},
		},
		{
			name:       "token_without_bearer_is_401",
			auth:       func(s *Server) string { return s.RequestToken },
			wantStatus: http.StatusUnauthorized,
			wantReq:    Request{Method: http.MethodGet, RawQuery: "api-version=2.0"},
		},
		{
			name:       "double_question_mark_is_400",
			url:        func(_ *testing.T, s *Server) string { return s.URL + "?audience=sts.amazonaws.com" },
			wantStatus: http.StatusBadRequest,
			wantReq:    Request{Method: http.MethodGet, Authorized: true, RawQuery: "api-version=2.0?audience=sts.amazonaws.com"},
		},
		{
			name:       "missing_api_version_is_400",
			url:        func(_ *testing.T, s *Server) string { return s.Issuer + "/_apis/distributedtask/idtoken?audience=x" },
			wantStatus: http.StatusBadRequest,
			wantReq:    Request{Method: http.MethodGet, Authorized: true, Audience: "x", HasAudience: true, RawQuery: "audience=x"},
		},
		{
			name:       "default_audience_is_owner_url",
			wantStatus: http.StatusOK,
			wantAud:    "https://github.com/octo-org",
			wantReq:    Request{Method: http.MethodGet, Authorized: true, RawQuery: "api-version=2.0"},
		},
		{
			name:       "explicit_audience",
			url:        func(_ *testing.T, s *Server) string { return s.URL + "&audience=sts.amazonaws.com" },
			wantStatus: http.StatusOK,
			wantAud:    "sts.amazonaws.com",
			wantReq: Request{Method: http.MethodGet, Authorized: true, Audience: "sts.amazonaws.com",
				HasAudience: true, RawQuery: "api-version=2.0&audience=sts.amazonaws.com"},
		},
		{
			name: "merged_query_with_escaped_audience",
			url: func(t *testing.T, s *Server) string {
				return withAudience(t, s.URL, "https://vault.example.com/a b?c=1")
			},
			wantStatus: http.StatusOK,
			wantAud:    "https://vault.example.com/a b?c=1",
			wantReq: Request{Method: http.MethodGet, Authorized: true, Audience: "https://vault.example.com/a b?c=1",
				HasAudience: true, RawQuery: "api-version=2.0&audience=https%3A%2F%2Fvault.example.com%2Fa+b%3Fc%3D1"},
		},
		{
			name:       "empty_audience_is_owner_url",
			url:        func(_ *testing.T, s *Server) string { return s.URL + "&audience=" },
			wantStatus: http.StatusOK,
			wantAud:    "https://github.com/octo-org",
			wantReq:    Request{Method: http.MethodGet, Authorized: true, HasAudience: true, RawQuery: "api-version=2.0&audience="},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := newServer(t, Config{})
			method, rawURL, auth := http.MethodGet, s.URL, "Bearer "+s.RequestToken
			if tt.method != "" {
				method = tt.method
			}
			if tt.url != nil {
				rawURL = tt.url(t, s)
			}
			if tt.auth != nil {
				auth = tt.auth(s)
			}

			status, hdr, body := call(t, s.Client(), method, rawURL, auth)

			require.Equal(t, tt.wantStatus, status, "body: %s", body)
			assert.Equal(t, []Request{tt.wantReq}, s.Requests())
			assert.Contains(t, hdr.Get("Content-Type"), "application/json")
			if tt.wantStatus != http.StatusOK {
				var e struct{ Message string }
				require.NoError(t, json.Unmarshal(body, &e), "error body must be JSON: %s", body)
				assert.NotEmpty(t, e.Message)
				assert.NotContains(t, string(body), s.RequestToken, "never echo the request token")
				return
			}
			var resp struct{ Value string }
			require.NoError(t, json.Unmarshal(body, &resp))
			_, claims := verify(t, s, resp.Value)
			assert.Equal(t, tt.wantAud, claims["aud"])
		})
	}
}

func TestServer_Claims(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		name      string
		cfg       Config
		want      map[string]any // claims compared exactly
		wantAbsnt []string
		wantLife  time.Duration
	}{
		{
			name:     "defaults",
			cfg:      Config{},
			wantLife: 5 * time.Minute,
			want: map[string]any{
				"aud":                   "https://github.com/octo-org",
				"sub":                   "repo:octo-org/octo-repo:ref:refs/heads/main",
				"repository":            "octo-org/octo-repo",
				"repository_owner":      "octo-org",
				"repository_visibility": "private",
				"ref":                   "refs/heads/main",
				"ref_type":              "branch",
				"ref_protected":         "true",
				"workflow":              "deploy",
				"workflow_ref":          "octo-org/octo-repo/.github/workflows/deploy.yml@refs/heads/main",
				"job_workflow_ref":      "octo-org/octo-repo/.github/workflows/deploy.yml@refs/heads/main",
				"event_name":            "push",
				"actor":                 "octocat",
				"run_attempt":           "1",
				"runner_environment":    "github-hosted",
				"head_ref":              "",
				"base_ref":              "",
			},
			wantAbsnt: []string{"environment"},
		},
		{
			name:     "owner_repo_and_lifetime",
			cfg:      Config{Owner: "acme", Repo: "infra", Lifetime: time.Hour, Now: func() time.Time { return now }},
			wantLife: time.Hour,
			want: map[string]any{
				"aud":          "https://github.com/acme",
				"sub":          "repo:acme/infra:ref:refs/heads/main",
				"repository":   "acme/infra",
				"workflow_ref": "acme/infra/.github/workflows/deploy.yml@refs/heads/main",
				"iat":          json.Number("1795773600"),
			},
		},
		{
			name: "overrides_merge_and_nil_deletes",
			cfg: Config{Claims: map[string]any{
				"sub":         "repo:octo-org/octo-repo:environment:prod",
				"environment": "prod",
				"head_ref":    nil,
				"run_attempt": "3",
			}},
			wantLife: 5 * time.Minute,
			want: map[string]any{
				"sub":         "repo:octo-org/octo-repo:environment:prod",
				"environment": "prod",
				"run_attempt": "3",
				"repository":  "octo-org/octo-repo",
			},
			wantAbsnt: []string{"head_ref"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := newServer(t, tt.cfg)
			_, claims := verify(t, s, fetchToken(t, s, s.URL))

			for k, v := range tt.want {
				assert.Equal(t, v, claims[k], "claim %q", k)
			}
			for _, k := range tt.wantAbsnt {
				assert.NotContains(t, claims, k)
			}
			assert.Equal(t, s.Issuer, claims["iss"])
			for _, k := range []string{"repository_id", "repository_owner_id", "actor_id", "run_id", "run_number", "run_attempt"} {
				assert.IsType(t, "", claims[k], "GitHub sends %s as a string", k)
			}
			assert.Regexp(t, `^[0-9a-f]{40}$`, claims["sha"])
			assert.Regexp(t, `^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`, claims["jti"])
			iat, nbf, exp := unix(t, claims["iat"]), unix(t, claims["nbf"]), unix(t, claims["exp"])
			assert.LessOrEqual(t, nbf, iat)
			assert.Equal(t, int64(tt.wantLife/time.Second), exp-iat)
		})
	}
}

func TestServer_SetClaims(t *testing.T) {
	t.Parallel()
	s := newServer(t, Config{Claims: map[string]any{"environment": "staging"}})
	_, first := verify(t, s, fetchToken(t, s, s.URL))
	assert.Equal(t, "staging", first["environment"])

	s.SetClaims(map[string]any{"ref": "refs/tags/v1.0.0", "ref_type": "tag"})
	_, second := verify(t, s, fetchToken(t, s, s.URL))
	assert.Equal(t, "refs/tags/v1.0.0", second["ref"])
	assert.Equal(t, "tag", second["ref_type"])
	assert.NotContains(t, second, "environment", "SetClaims replaces, not merges, the overrides")
	assert.NotEqual(t, first["jti"], second["jti"])
}

func TestServer_FailNext(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		faults [][3]any // n, status, body
		auth   bool
		want   []int // statuses of consecutive token requests
	}{
		{
			name:   "two_503_then_token",
			faults: [][3]any{{2, http.StatusServiceUnavailable, `{"message":"busy"}`}},
			auth:   true,
			want:   []int{503, 503, 200},
		},
		{
			name:   "faults_queue_in_order",
			faults: [][3]any{{1, http.StatusTooManyRequests, "slow down"}, {1, http.StatusBadGateway, "bad gateway"}},
			auth:   true,
			want:   []int{429, 502, 200},
		},
		{
			name:   "fault_precedes_auth_check",
			faults: [][3]any{{1, http.StatusInternalServerError, "boom"}},
			auth:   false,
			want:   []int{500, 401},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := newServer(t, Config{})
			var bodies []string
			for _, f := range tt.faults {
				s.FailNext(f[0].(int), f[1].(int), f[2].(string))
				for range f[0].(int) {
					bodies = append(bodies, f[2].(string))
				}
			}
			auth := "Bearer wrong"
			if tt.auth {
				auth = "Bearer " + s.RequestToken
			}

			// Discovery and JWKS are never failed, and do not consume faults.
			for _, p := range []string{"/.well-known/openid-configuration", "/.well-known/jwks"} {
				status, _, _ := call(t, s.Client(), http.MethodGet, s.Issuer+p, "")
				assert.Equal(t, http.StatusOK, status, p)
			}
			for i, want := range tt.want {
				status, _, body := call(t, s.Client(), http.MethodGet, s.URL, auth)
				require.Equal(t, want, status, "request %d: %s", i, body)
				if i < len(bodies) {
					assert.Equal(t, bodies[i], string(body))
				}
			}
			assert.Len(t, s.Requests(), len(tt.want), "failed requests are recorded too")
		})
	}
}

func TestServer_TLS(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		tls  bool
	}{
		{name: "plain_http", tls: false},
		{name: "https", tls: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := newServer(t, Config{TLS: tt.tls})
			if !tt.tls {
				assert.Empty(t, s.CAPEM())
				assert.True(t, strings.HasPrefix(s.Issuer, "http://"))
				verify(t, s, fetchToken(t, s, s.URL))
				return
			}
			require.True(t, strings.HasPrefix(s.Issuer, "https://"), s.Issuer)
			require.True(t, strings.HasPrefix(s.URL, s.Issuer+"/"), s.URL)
			verify(t, s, fetchToken(t, s, s.URL))

			// CAPEM alone must be enough to trust the issuer, as for Vault.
			block, rest := pem.Decode([]byte(s.CAPEM()))
			require.NotNil(t, block)
			assert.Empty(t, rest)
			assert.Equal(t, "CERTIFICATE", block.Type)
			pool := x509.NewCertPool()
			require.True(t, pool.AppendCertsFromPEM([]byte(s.CAPEM())))
			c := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}}
			status, _, _ := call(t, c, http.MethodGet, s.Issuer+"/.well-known/openid-configuration", "")
			assert.Equal(t, http.StatusOK, status)

			// A client that trusts nothing special is refused.
			req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, s.Issuer+"/.well-known/jwks", nil)
			require.NoError(t, err)
			_, err = (&http.Client{Transport: &http.Transport{}}).Do(req)
			require.Error(t, err)
		})
	}
}

func TestServer_Sign(t *testing.T) {
	t.Parallel()
	s := newServer(t, Config{})
	past := time.Now().Add(-time.Hour).Unix()
	token, err := s.Sign(map[string]any{"iss": s.Issuer, "aud": "sts.amazonaws.com", "exp": past, "custom": []string{"a"}})
	require.NoError(t, err)

	_, claims := verify(t, s, token)
	assert.Len(t, claims, 4, "Sign adds no default claims: %v", claims)
	assert.Equal(t, past, unix(t, claims["exp"]))
	assert.Equal(t, []any{"a"}, claims["custom"])
	assert.Empty(t, s.Requests(), "Sign is not a token request")
}

func TestServer_Env(t *testing.T) {
	t.Parallel()
	s := newServer(t, Config{})
	assert.Equal(t, map[string]string{
		"ACTIONS_ID_TOKEN_REQUEST_URL":   s.URL,
		"ACTIONS_ID_TOKEN_REQUEST_TOKEN": s.RequestToken,
	}, s.Env())
	assert.True(t, strings.HasSuffix(s.URL, "/_apis/distributedtask/idtoken?api-version=2.0"), s.URL)
	assert.Len(t, s.RequestToken, 43, "32 random bytes, base64url")

	other := newServer(t, Config{})
	assert.NotEqual(t, s.RequestToken, other.RequestToken)
}

func TestServer_ConcurrentRequests(t *testing.T) {
	t.Parallel()
	s := newServer(t, Config{})
	s.FailNext(3, http.StatusServiceUnavailable, "busy")
	const n = 12
	var wg sync.WaitGroup
	statuses := make(chan int, n)
	for i := range n {
		wg.Go(func() {
			if i%2 == 0 {
				s.SetClaims(map[string]any{"run_attempt": "2"})
			}
			// No require here: FailNow must not run outside the test goroutine.
			req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, s.URL, nil)
			if err != nil {
				statuses <- -1
				return
			}
			req.Header.Set("Authorization", "Bearer "+s.RequestToken)
			resp, err := s.Client().Do(req)
			if err != nil {
				statuses <- -1
				return
			}
			_ = resp.Body.Close()
			statuses <- resp.StatusCode
		})
	}
	wg.Wait()
	close(statuses)
	count := map[int]int{}
	for st := range statuses {
		count[st]++
	}
	assert.Equal(t, map[int]int{http.StatusServiceUnavailable: 3, http.StatusOK: n - 3}, count)
	assert.Len(t, s.Requests(), n)
}
