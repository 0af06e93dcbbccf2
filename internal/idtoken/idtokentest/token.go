package idtokentest

import (
	"crypto/subtle"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
)

// Request is one call to the token endpoint as the server saw it, so tests
// can check how the client asked, not only what it got.
type Request struct {
	// Audience is the audience query parameter, "" when absent.
	Audience string
	// HasAudience reports whether the query carried an audience parameter.
	HasAudience bool
	// Authorized reports whether the Authorization header was exactly
	// "Bearer " + RequestToken.
	Authorized bool
	// Method is the HTTP method.
	Method string
	// RawQuery is the query exactly as sent, to catch a second '?'.
	RawQuery string
}

// tokenResponse is the endpoint's body. GitHub sends count (the length of
// value) next to value; clients must read value and ignore the rest.
type tokenResponse struct {
	Count int    `json:"count"`
	Value string `json:"value"`
}

// serveToken answers like GitHub's token endpoint: queued faults first, then
// the method, the bearer, the query, and finally a signed token.
func (s *Server) serveToken(w http.ResponseWriter, r *http.Request) {
	// The log uses Go's lenient parse, so it holds the audience even of a
	// query the endpoint refuses.
	q := r.URL.Query()
	qerr := checkQuery(r.URL.RawQuery)
	req := Request{
		Audience:    q.Get("audience"),
		HasAudience: q.Has("audience"),
		Authorized:  s.authorized(r.Header.Get("Authorization")),
		Method:      r.Method,
		RawQuery:    r.URL.RawQuery,
	}
	f, failed := s.record(req)
	switch {
	case failed:
		writeRaw(w, f.status, f.body)
	case r.Method != http.MethodGet:
		w.Header().Set("Allow", http.MethodGet)
		writeError(w, http.StatusMethodNotAllowed, "MethodNotAllowed",
			"The requested resource does not support http method '"+r.Method+"'.")
	case !req.Authorized:
		writeError(w, http.StatusUnauthorized, "UnauthorizedRequestException",
			"TF400813: The user '' is not authorized to access this resource.")
	case qerr != nil:
		writeError(w, http.StatusBadRequest, "InvalidQueryException", qerr.Error())
	default:
		aud := req.Audience
		if aud == "" {
			aud = "https://github.com/" + s.owner
		}
		token, err := s.issue(aud)
		if err != nil {
			writeError(w, http.StatusInternalServerError, "SigningException", err.Error())
			return
		}
		writeJSON(w, http.StatusOK, tokenResponse{Count: len(token), Value: token})
	}
}

// record appends req to the log and pops the next queued fault, if any,
// under one lock so concurrent requests each see a consistent order.
func (s *Server) record(req Request) (fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = append(s.requests, req)
	if len(s.faults) == 0 {
		return fault{}, false
	}
	f := s.faults[0]
	s.faults = s.faults[1:]
	return f, true
}

// authorized compares in constant time, as a real service must.
func (s *Server) authorized(header string) bool {
	return subtle.ConstantTimeCompare([]byte(header), []byte("Bearer "+s.RequestToken)) == 1
}

// queryError explains a malformed query in the 400 body.
type queryError string

func (e queryError) Error() string { return string(e) }

// checkQuery rejects what a client that appends "?audience=" instead of
// merging it into the existing query sends: a second '?', or no
// api-version (runner contract, "The ID token endpoint").
func checkQuery(raw string) error {
	if strings.Contains(raw, "?") {
		return queryError("The query contains a second '?': merge audience into the existing query.")
	}
	q, err := url.ParseQuery(raw)
	if err != nil {
		return queryError("The query is malformed: " + err.Error())
	}
	if q.Get("api-version") == "" {
		return queryError("No api-version was supplied for the request.")
	}
	return nil
}

// errorBody mirrors the Azure DevOps error document the endpoint returns.
type errorBody struct {
	ID             string  `json:"$id"`
	InnerException *string `json:"innerException"`
	Message        string  `json:"message"`
	TypeName       string  `json:"typeName"`
	TypeKey        string  `json:"typeKey"`
	ErrorCode      int     `json:"errorCode"`
	EventID        int     `json:"eventId"`
}

func writeError(w http.ResponseWriter, status int, typeKey, msg string) {
	writeJSON(w, status, errorBody{
		ID:       "1",
		Message:  msg,
		TypeName: "Microsoft.TeamFoundation.Framework.Server." + typeKey,
		TypeKey:  typeKey,
		EventID:  3000,
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// writeRaw sends a FailNext body, labelled JSON only when it is JSON.
func writeRaw(w http.ResponseWriter, status int, body string) {
	ct := "text/plain; charset=utf-8"
	if json.Valid([]byte(body)) {
		ct = "application/json; charset=utf-8"
	}
	w.Header().Set("Content-Type", ct)
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body))
}
