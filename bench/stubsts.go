package main

import (
	"encoding/xml"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"time"
)

// stubSTS answers sts:AssumeRoleWithWebIdentity and sts:AssumeRole at
// once and concurrently, as STS does. moto answers one request at a time
// (a few milliseconds of Python each), so with many profiles its figures
// measure moto; the stub's measure the step. It checks nothing: the
// end-to-end tests do that against moto.
type stubSTS struct {
	*httptest.Server
	n atomic.Int64
}

func newStubSTS() *stubSTS {
	s := &stubSTS{}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

// Requests is how many requests the stub answered.
func (s *stubSTS) Requests() int { return int(s.n.Load()) }

func (s *stubSTS) serve(w http.ResponseWriter, r *http.Request) {
	s.n.Add(1)
	if err := r.ParseForm(); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	action, role := r.PostForm.Get("Action"), r.PostForm.Get("RoleArn")
	// arn:PARTITION:iam::ACCOUNT:role/PATH/NAME
	parts := strings.SplitN(role, ":", 6)
	if (action != "AssumeRoleWithWebIdentity" && action != "AssumeRole") || len(parts) < 6 {
		http.Error(w, "unexpected request", http.StatusBadRequest)
		return
	}
	name := parts[5][strings.LastIndex(parts[5], "/")+1:]
	type user struct {
		Arn           string
		AssumedRoleID string `xml:"AssumedRoleId"`
	}
	type creds struct {
		AccessKeyID     string `xml:"AccessKeyId"`
		SecretAccessKey string
		SessionToken    string
		Expiration      string
	}
	type result struct {
		Credentials     creds
		AssumedRoleUser user
	}
	session := r.PostForm.Get("RoleSessionName")
	res := result{
		Credentials: creds{
			AccessKeyID:     fmt.Sprintf("ASIASTUB%012d", s.n.Load()),
			SecretAccessKey: strings.Repeat("s", 40),
			SessionToken:    strings.Repeat("t", 300),
			Expiration:      time.Now().Add(time.Hour).UTC().Format(time.RFC3339),
		},
		AssumedRoleUser: user{
			Arn:           fmt.Sprintf("arn:%s:sts::%s:assumed-role/%s/%s", parts[1], parts[4], name, session),
			AssumedRoleID: "AROASTUB:" + session,
		},
	}
	body, err := xml.Marshal(res)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/xml")
	fmt.Fprintf(w, `<%[1]sResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><%[1]sResult>%s</%[1]sResult><ResponseMetadata><RequestId>stub</RequestId></ResponseMetadata></%[1]sResponse>`,
		action, strings.TrimSuffix(strings.TrimPrefix(string(body), "<result>"), "</result>"))
}
