package idtoken

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/federate-action/federate/internal/bodylimit"
	"github.com/federate-action/federate/internal/redact"
	"github.com/federate-action/federate/internal/retry"
	"github.com/federate-action/federate/internal/secret"
)

// HTTP asks the runner's token service (ACTIONS_ID_TOKEN_REQUEST_URL) for
// a token. go-githubactions' GetIDToken does the same request but reports
// every failure as text, so a 503 could not be told from a 403 without
// parsing messages; this one returns a *StatusError.
type HTTP struct {
	URL          string
	RequestToken secret.String
	Client       *http.Client
}

// maxBody bounds what is read from the token service (as the toolkit
// does): its answer is one JWT, a few KiB.
const maxBody = 64 << 10

// answerLimit refuses a larger answer instead of parsing its first
// maxBody bytes, which would fail as malformed and be retried in vain.
var answerLimit = bodylimit.Limit{Server: "the runner's ID token service", Bytes: maxBody,
	Hint: "its answer is one token of a few KiB; check ACTIONS_ID_TOKEN_REQUEST_URL and the proxy settings (http-proxy, HTTPS_PROXY)"}

// StatusError is a non-200 answer from the token service.
type StatusError struct {
	StatusCode int
	Body       string        // shortened by redact.Shorten; the service never echoes a token
	Wait       time.Duration // the answer's Retry-After, 0 if none
}

// RetryAfter is how long the service asked us to wait (retry honours it).
func (e *StatusError) RetryAfter() time.Duration { return e.Wait }

func (e *StatusError) Error() string {
	return fmt.Sprintf("the runner's ID token service answered HTTP %d: %s", e.StatusCode, e.Body)
}

// Temporary reports whether asking again may succeed.
func (e *StatusError) Temporary() bool { return retry.HTTPStatus(e.StatusCode) }

// Title is the annotation title.
func (e *StatusError) Title() string { return "Cannot get an ID token" }

// Token requests a token for audience ("" for GitHub's default audience).
func (h *HTTP) Token(ctx context.Context, audience string) (secret.String, error) {
	u, err := url.Parse(h.URL)
	if err != nil {
		return secret.String{}, fmt.Errorf("parsing ACTIONS_ID_TOKEN_REQUEST_URL: %w", err)
	}
	if audience != "" {
		// Merge into the existing query (?api-version=2.0): a second '?'
		// would make the service ignore the audience.
		q := u.Query()
		q.Set("audience", audience)
		u.RawQuery = q.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return secret.String{}, fmt.Errorf("building ID token request: %w", err)
	}
	req.Header.Set("Authorization", "Bearer "+h.RequestToken.Reveal())
	req.Header.Set("Accept", "application/json")
	resp, err := h.Client.Do(req)
	if err != nil {
		// A *url.Error's text holds the whole URL, query and all.
		var uerr *url.Error
		if errors.As(err, &uerr) {
			err = uerr.Err
		}
		return secret.String{}, fmt.Errorf("requesting an ID token from %s: %w", redact.URL(u), err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		// Only the start of a refusal is shown: its status decides.
		body, _ := io.ReadAll(io.LimitReader(resp.Body, maxBody))
		return secret.String{}, &StatusError{StatusCode: resp.StatusCode, Body: redact.Shorten(string(body)), Wait: retryAfter(resp.Header.Get("Retry-After"))}
	}
	bodylimit.Wrap(resp, answerLimit)
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return secret.String{}, fmt.Errorf("reading the ID token response: %w", err)
	}
	var doc struct {
		Value string `json:"value"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		return secret.String{}, &MalformedError{Reason: "the response is not JSON: " + err.Error()}
	}
	if strings.Count(doc.Value, ".") != 2 {
		return secret.String{}, &MalformedError{Reason: "the response holds no JWT in \"value\""}
	}
	return secret.New(doc.Value), nil
}

// MalformedError is a 200 answer that holds no token. It is transient: a
// proxy that cut the body short is the likely cause.
type MalformedError struct{ Reason string }

func (e *MalformedError) Error() string { return "the runner's ID token service: " + e.Reason }

// Temporary reports that asking again may succeed.
func (e *MalformedError) Temporary() bool { return true }

// maxRetryAfter bounds a server's Retry-After before it is used: a huge
// number of seconds would overflow time.Duration. retry caps the wait far
// lower anyway.
const maxRetryAfter = time.Hour

// retryAfter reads a Retry-After header: seconds, or an HTTP date. The
// header's text itself is never shown, only the wait it asks for.
func retryAfter(v string) time.Duration {
	if v == "" {
		return 0
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil && secs > 0 {
		return time.Duration(min(secs, int64(maxRetryAfter/time.Second))) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		return min(max(time.Until(t), 0), maxRetryAfter)
	}
	return 0
}
