// Command sdkcaller is what a later workflow step does with the files and
// variables the action leaves behind: it loads the AWS SDK for Go v2's
// default configuration (config.LoadDefaultConfig, so the environment, the
// shared config and credentials files, credential_process, source_profile
// chains, ...) and calls sts:GetCallerIdentity -n times with one client.
//
// It prints one JSON document on stdout and exits 0 whether or not the SDK
// succeeded; the SDK's error text is the "error" field. A non-zero exit means
// the program itself was misused.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// call is one GetCallerIdentity answer and the access key id the SDK signed
// it with, so a caller can count how often the credentials changed.
type call struct {
	Account     string `json:"Account"`
	Arn         string `json:"Arn"`
	UserId      string `json:"UserId"` //nolint:revive // the API's spelling
	AccessKeyID string `json:"AccessKeyId"`
}

type answer struct {
	Calls []call `json:"calls"`
	Error string `json:"error,omitempty"`
}

func main() {
	n := flag.Int("n", 1, "how many GetCallerIdentity calls to make with one client")
	interval := flag.Duration("interval", 0, "pause between calls")
	flag.Parse()
	if *n < 1 {
		fmt.Fprintln(os.Stderr, "sdkcaller: -n must be at least 1")
		os.Exit(2)
	}
	out := run(context.Background(), *n, *interval)
	if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
		fmt.Fprintln(os.Stderr, "sdkcaller:", err)
		os.Exit(2)
	}
}

func run(ctx context.Context, n int, interval time.Duration) answer {
	var out answer
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		out.Error = err.Error()
		return out
	}
	var signedWith string
	client := sts.NewFromConfig(cfg, func(o *sts.Options) {
		o.APIOptions = append(o.APIOptions, recordSigningKey(&signedWith))
	})
	for i := range n {
		if i > 0 && interval > 0 {
			time.Sleep(interval)
		}
		id, err := client.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		if err != nil {
			out.Error = err.Error()
			return out
		}
		out.Calls = append(out.Calls, call{
			Account:     aws.ToString(id.Account),
			Arn:         aws.ToString(id.Arn),
			UserId:      aws.ToString(id.UserId),
			AccessKeyID: signedWith,
		})
	}
	return out
}

// recordSigningKey stores the access key id of each signed request in *key.
// It reads the request rather than asking the credentials cache, which could
// itself fetch and so skew a count of fetches.
func recordSigningKey(key *string) func(*middleware.Stack) error {
	return func(stack *middleware.Stack) error {
		return stack.Finalize.Add(middleware.FinalizeMiddlewareFunc("RecordSigningKey",
			func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
				if req, ok := in.Request.(*smithyhttp.Request); ok {
					*key = keyFromAuthorization(req.Header.Get("Authorization"))
				}
				return next.HandleFinalize(ctx, in)
			}), middleware.After)
	}
}

// keyFromAuthorization returns the key id of a SigV4 Authorization header.
func keyFromAuthorization(auth string) string {
	_, cred, ok := strings.Cut(auth, "Credential=")
	if !ok {
		return ""
	}
	key, _, _ := strings.Cut(cred, "/")
	return key
}
