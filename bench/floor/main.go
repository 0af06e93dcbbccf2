// Command floor is the least a Go process can do for the AWS-only flow:
// one TLS request for the ID token, one STS request, three env lines. It
// has no input validation, retries, SDK, masks of derived values or
// atomic export, so it is not a product: the bench times it beside
// federate to show what the machine and Go's runtime cost on their own.
package main

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "floor:", err)
		os.Exit(1)
	}
}

func run() error {
	u, err := url.Parse(os.Getenv("ACTIONS_ID_TOKEN_REQUEST_URL"))
	if err != nil {
		return err
	}
	q := u.Query()
	q.Set("audience", "sts.amazonaws.com")
	u.RawQuery = q.Encode()
	req, err := http.NewRequest(http.MethodGet, u.String(), nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+os.Getenv("ACTIONS_ID_TOKEN_REQUEST_TOKEN"))
	var token struct{ Value string }
	if err := call(req, func(r io.Reader) error { return json.NewDecoder(r).Decode(&token) }); err != nil {
		return err
	}
	fmt.Printf("::add-mask::%s\n", token.Value)
	form := url.Values{
		"Action": {"AssumeRoleWithWebIdentity"}, "Version": {"2011-06-15"},
		"RoleArn": {os.Getenv("INPUT_ROLE-TO-ASSUME")}, "RoleSessionName": {"GitHubActions"},
		"WebIdentityToken": {token.Value},
	}
	req, err = http.NewRequest(http.MethodPost, os.Getenv("INPUT_STS-ENDPOINT"), strings.NewReader(form.Encode()))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	var answer struct {
		Credentials struct{ AccessKeyId, SecretAccessKey, SessionToken string } `xml:"AssumeRoleWithWebIdentityResult>Credentials"`
	}
	if err := call(req, func(r io.Reader) error { return xml.NewDecoder(r).Decode(&answer) }); err != nil {
		return err
	}
	c := answer.Credentials
	fmt.Printf("::add-mask::%s\n::add-mask::%s\n", c.SecretAccessKey, c.SessionToken)
	env := fmt.Sprintf("AWS_ACCESS_KEY_ID=%s\nAWS_SECRET_ACCESS_KEY=%s\nAWS_SESSION_TOKEN=%s\n", c.AccessKeyId, c.SecretAccessKey, c.SessionToken)
	f, err := os.OpenFile(os.Getenv("GITHUB_ENV"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	if _, err := f.WriteString(env); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// call sends req and decodes a 200 answer.
func call(req *http.Request, decode func(io.Reader) error) error {
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: %s", req.URL.Host, resp.Status)
	}
	return decode(resp.Body)
}
