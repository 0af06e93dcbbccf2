package testbed

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Identity is one sts:GetCallerIdentity answer as an SDK saw it, plus the
// access key id the request was signed with (not a secret), so a caller can
// tell how often the SDK fetched new credentials.
type Identity struct {
	Account     string `json:"Account"`
	Arn         string `json:"Arn"`
	UserId      string `json:"UserId"` //nolint:revive // the API's spelling
	AccessKeyID string `json:"AccessKeyId"`
}

// SDKAnswer is what one run of an SDK caller saw: one Identity per call that
// succeeded, in order, and the SDK's own error text for the call that failed
// (empty when all succeeded). A run stops at its first error.
type SDKAnswer struct {
	Calls []Identity `json:"calls"`
	Error string     `json:"error,omitempty"`
}

// KeyChanges is how many times the access key changed between consecutive
// calls: 0 when every call was signed with the same credentials.
func (a SDKAnswer) KeyChanges() int {
	changes := 0
	for i := 1; i < len(a.Calls); i++ {
		if a.Calls[i].AccessKeyID != a.Calls[i-1].AccessKeyID {
			changes++
		}
	}
	return changes
}

// SDKCall is one run of a later step: Env is the AWS part of its environment
// (AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE, AWS_PROFILE, AWS_ACCESS_KEY_ID,
// AWS_REGION, ACTIONS_ID_TOKEN_REQUEST_URL, ...). Calls is how many
// GetCallerIdentity calls one client makes (0 means 1), Interval the pause
// between them.
type SDKCall struct {
	Env      map[string]string
	Calls    int
	Interval time.Duration
}

// SDKCaller runs sts:GetCallerIdentity the way a later workflow step would:
// a fresh process of one real AWS SDK that resolves credentials on its own
// from the environment and the shared files. The judge of what the action
// wrote is the SDK, never this repository's code.
type SDKCaller struct {
	// Name is "boto3" or "aws-sdk-go-v2", for test names.
	Name string

	argv func(c SDKCall) []string
}

// Call runs the SDK once with a clean environment: PATH, HOME (an empty
// directory, so no ~/.aws of the machine leaks in), AWS_EC2_METADATA_DISABLED
// (no instance-metadata probing off the loopback), AWS_ENDPOINT_URL_STS=sts,
// then c.Env, which wins over all of these. The error is for the harness
// failing (no JSON, process crashed); the SDK's own failure is in
// SDKAnswer.Error.
func (s *SDKCaller) Call(ctx context.Context, sts string, c SDKCall) (SDKAnswer, error) {
	if c.Calls <= 0 {
		c.Calls = 1
	}
	home, err := os.MkdirTemp("", "sdkcaller-home-")
	if err != nil {
		return SDKAnswer{}, fmt.Errorf("%s: %w", s.Name, err)
	}
	defer os.RemoveAll(home)
	env := map[string]string{
		"PATH":                      os.Getenv("PATH"),
		"HOME":                      home,
		"AWS_EC2_METADATA_DISABLED": "true",
		"AWS_ENDPOINT_URL_STS":      sts,
	}
	for k, v := range c.Env {
		env[k] = v
	}
	argv := s.argv(c)
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Env = envList(env)
	cmd.Dir = home
	cmd.WaitDelay = 5 * time.Second
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	runErr := cmd.Run()
	var out SDKAnswer
	if err := json.Unmarshal(stdout.Bytes(), &out); err != nil {
		return SDKAnswer{}, fmt.Errorf("%s: no answer (run: %v): %v\nstdout: %s\nstderr: %s",
			s.Name, runErr, err, truncateText(stdout.String()), truncateText(stderr.String()))
	}
	if runErr != nil {
		return out, fmt.Errorf("%s: %w\nstderr: %s", s.Name, runErr, truncateText(stderr.String()))
	}
	return out, nil
}

// envList turns env into KEY=VALUE entries in a stable order.
func envList(env map[string]string) []string {
	list := make([]string, 0, len(env))
	for k, v := range env {
		list = append(list, k+"="+v)
	}
	sort.Strings(list)
	return list
}

// truncateText keeps harness failure messages readable.
func truncateText(s string) string {
	const max = 4000
	s = strings.TrimSpace(s)
	if len(s) > max {
		return s[:max] + "…"
	}
	return s
}

// boto3Script is what a Python step does: one boto3 session and STS client,
// GetCallerIdentity n times. Any exception is the SDK's answer, so it goes in
// "error" rather than crashing.
const boto3Script = `
import json, sys, time
out = {"calls": []}
signed_with = []

def record_key(request, **kwargs):
    # The key that signed this request; reading session credentials here
    # instead would itself trigger a refresh and skew the count.
    auth = request.headers.get("Authorization", b"")
    if isinstance(auth, bytes):
        auth = auth.decode()
    signed_with.append(auth.split("Credential=", 1)[1].split("/", 1)[0] if "Credential=" in auth else "")

try:
    import boto3
    n, interval = int(sys.argv[1]), float(sys.argv[2])
    client = boto3.session.Session().client("sts")
    client.meta.events.register("before-send.sts.GetCallerIdentity", record_key)
    for i in range(n):
        if i and interval:
            time.sleep(interval)
        r = client.get_caller_identity()
        out["calls"].append({"Account": r["Account"], "Arn": r["Arn"], "UserId": r["UserId"], "AccessKeyId": signed_with[-1]})
except Exception as e:
    out["error"] = "%s: %s" % (type(e).__name__, e)
print(json.dumps(out))
`

// ErrBoto3Missing is returned (wrapped) when no Python with boto3 is found.
var ErrBoto3Missing = errors.New("no python with boto3 found (it comes with moto 5.2.1: pip install 'moto[server]==5.2.1')")

// Boto3Caller returns the boto3 caller, using the Python that runs
// moto_server (boto3 is one of moto's own dependencies).
func Boto3Caller(ctx context.Context) (*SDKCaller, error) {
	python, err := Boto3Python(ctx)
	if err != nil {
		return nil, err
	}
	return &SDKCaller{Name: "boto3", argv: func(c SDKCall) []string {
		return []string{python, "-c", boto3Script, strconv.Itoa(c.Calls), strconv.FormatFloat(c.Interval.Seconds(), 'f', -1, 64)}
	}}, nil
}

// Boto3Python finds a python that imports boto3: the interpreter named by
// moto_server's shebang (it may be a pyenv shim, so ask pyenv first), else
// python3 on PATH.
func Boto3Python(ctx context.Context) (string, error) {
	var candidates []string
	if out, err := exec.CommandContext(ctx, "pyenv", "which", motoBinary).Output(); err == nil {
		candidates = append(candidates, shebang(strings.TrimSpace(string(out))))
	}
	if p, err := exec.LookPath(motoBinary); err == nil {
		candidates = append(candidates, shebang(p))
	}
	candidates = append(candidates, "python3")
	for _, c := range candidates {
		if c == "" {
			continue
		}
		if err := exec.CommandContext(ctx, c, "-c", "import boto3").Run(); err == nil {
			return c, nil
		}
	}
	return "", fmt.Errorf("find boto3: tried %q: %w", candidates, ErrBoto3Missing)
}

// shebang returns the interpreter a script's #! line names, or "".
func shebang(script string) string {
	f, err := os.Open(script)
	if err != nil {
		return ""
	}
	defer f.Close()
	buf := make([]byte, 256)
	n, _ := f.Read(buf)
	line, _, _ := strings.Cut(string(buf[:n]), "\n")
	if !strings.HasPrefix(line, "#!") {
		return ""
	}
	fields := strings.Fields(strings.TrimPrefix(line, "#!"))
	if len(fields) == 0 {
		return ""
	}
	if filepath.Base(fields[0]) == "env" && len(fields) > 1 {
		return fields[1] // #!/usr/bin/env python3
	}
	return fields[0]
}

// GoSDKCaller builds testdata/sdkcaller (aws-sdk-go-v2's
// config.LoadDefaultConfig) into dir and returns its caller.
func GoSDKCaller(ctx context.Context, dir string) (*SDKCaller, error) {
	root, err := moduleRoot(ctx)
	if err != nil {
		return nil, err
	}
	out, err := filepath.Abs(filepath.Join(dir, "sdkcaller"))
	if err != nil {
		return nil, fmt.Errorf("build sdkcaller: %w", err)
	}
	cmd := exec.CommandContext(ctx, "go", "build", "-o", out, "./internal/testbed/testdata/sdkcaller")
	cmd.Dir = root
	var log bytes.Buffer
	cmd.Stdout, cmd.Stderr = &log, &log
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("build sdkcaller: %w\n%s", err, strings.TrimSpace(log.String()))
	}
	return &SDKCaller{Name: "aws-sdk-go-v2", argv: func(c SDKCall) []string {
		return []string{out, "-n", strconv.Itoa(c.Calls), "-interval", c.Interval.String()}
	}}, nil
}

var sdkCallers struct {
	once    sync.Once
	dir     string // holds the built Go program
	callers []*SDKCaller
	err     error
}

// SDKCallers returns both callers, boto3 first, finding Python and building
// the Go program once per process. The program is shared by every test, so
// no single test can remove it: a TestMain calls RemoveSDKCallers after m.Run.
func SDKCallers(ctx context.Context) ([]*SDKCaller, error) {
	sdkCallers.once.Do(func() {
		boto, err := Boto3Caller(ctx)
		if err != nil {
			sdkCallers.err = err
			return
		}
		dir, err := os.MkdirTemp("", "sdkcaller-bin-")
		if err != nil {
			sdkCallers.err = err
			return
		}
		sdkCallers.dir = dir
		goSDK, err := GoSDKCaller(ctx, dir)
		if err != nil {
			sdkCallers.err = err
			return
		}
		sdkCallers.callers = []*SDKCaller{boto, goSDK}
	})
	return sdkCallers.callers, sdkCallers.err
}

// RemoveSDKCallers deletes the Go program SDKCallers built, if any. Call it
// once, after every test of the process has finished.
func RemoveSDKCallers() error {
	if sdkCallers.dir == "" {
		return nil
	}
	return os.RemoveAll(sdkCallers.dir)
}
