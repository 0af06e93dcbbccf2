package plan

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"regexp"
	"strings"
	"sync"

	"github.com/federate-action/federate/internal/inputs"
	"github.com/federate-action/federate/internal/secret"
)

// DefaultKubernetesTokenPath is where Kubernetes mounts a pod's service
// account token.
const DefaultKubernetesTokenPath = "/var/run/secrets/kubernetes.io/serviceaccount/token"

// loginInputs are the login inputs and the methods that read them. An
// input given to a method that does not read it is refused, as the inputs
// of a side that is off are: it is most often a method switched without
// its inputs, and would otherwise be ignored silently. A method this
// table does not name (a login through vault-auth-payload) reads only
// vault-auth-payload.
var loginInputs = []struct {
	input   sideInput
	methods []string
	// ignoredBy are methods that ignored the input before it was checked,
	// and still do, so that a working workflow keeps working.
	ignoredBy []string
}{
	{sideInput{"vault-role", ""}, []string{"jwt", "kubernetes", "cert", "aws"}, []string{"token", "approle"}},
	{sideInput{"vault-audience", ""}, []string{"jwt"}, []string{"token", "approle"}},
	{sideInput{"vault-token", ""}, []string{"token"}, nil},
	{sideInput{"vault-role-id", ""}, []string{"approle"}, nil},
	{sideInput{"vault-secret-id", ""}, []string{"approle"}, nil},
	{sideInput{"vault-username", ""}, []string{"userpass", "ldap"}, nil},
	{sideInput{"vault-password", ""}, []string{"userpass", "ldap"}, nil},
	{sideInput{"vault-github-token", ""}, []string{"github"}, nil},
	{sideInput{"vault-kubernetes-token-path", DefaultKubernetesTokenPath}, []string{"kubernetes"}, nil},
	{sideInput{"vault-aws-header-value", ""}, []string{"aws"}, nil},
	{sideInput{"vault-auth-payload", ""}, nil, nil}, // only methods with no input of their own
}

// payloadMethod reports whether method logs in through vault-auth-payload:
// any method that has inputs of its own does not.
func payloadMethod(method string) bool {
	if vaultMethods[method] {
		return false
	}
	for _, li := range loginInputs {
		for _, m := range li.methods {
			if m == method {
				return false
			}
		}
	}
	return true
}

// methodNamePattern is a Vault auth method's type name, compiled on first
// use: a run without Vault never needs it.
var methodNamePattern = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-z0-9][a-z0-9_.-]*$`) })

// checkMethod refuses a method that is neither one with inputs of its own
// nor a name given with vault-auth-payload.
func checkMethod(r *inputs.Reader, method string) error {
	if !payloadMethod(method) {
		return nil
	}
	if strings.TrimSpace(r.String("vault-auth-payload")) == "" {
		return &inputs.Error{Input: "vault-method", Value: method,
			Hint: "use jwt (the workflow's ID token), approle, token, userpass, ldap, github, kubernetes, cert or aws; for another auth method, give its login body as vault-auth-payload (a JSON object)"}
	}
	if !methodNamePattern().MatchString(method) {
		return &inputs.Error{Input: "vault-method", Value: method, Hint: "use the auth method's name, e.g. oci"}
	}
	return nil
}

// unusedLoginInputs refuses the login inputs v.Method does not read. The
// values are not shown: some of them are secrets.
func unusedLoginInputs(r *inputs.Reader, method string) error {
	for _, li := range loginInputs {
		v := r.String(li.input.name)
		if v == "" || strings.EqualFold(v, li.input.def) {
			continue
		}
		readers := li.methods
		if li.methods == nil {
			if payloadMethod(method) {
				continue
			}
			readers = []string{"a method without inputs of its own, e.g. oci or alicloud"}
		}
		if contains(readers, method) || contains(li.ignoredBy, method) {
			continue
		}
		return &inputs.Error{Input: li.input.name, Secret: true, Hint: "vault-method is " + method + ", which does not read " + li.input.name +
			": remove it, or set vault-method to " + orList(readers)}
	}
	return nil
}

// orList joins names as "a, b or c".
func orList(names []string) string {
	if len(names) == 1 {
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// passwordCredentials reads userpass's and ldap's username and password.
func passwordCredentials(r *inputs.Reader, v *VaultPlan) error {
	v.Username = r.String("vault-username")
	v.Password = secret.New(r.String("vault-password"))
	switch {
	case v.Username == "":
		return &inputs.Error{Input: "vault-username", Hint: "vault-method is " + v.Method + ": set vault-username and vault-password (from a secret, e.g. ${{ secrets.VAULT_PASSWORD }})"}
	case !validUsername(v.Username):
		return &inputs.Error{Input: "vault-username", Value: v.Username, Hint: "the username is part of the login's path (auth/" + v.Mount + "/login/USERNAME): give one with no '/', control character, and not . or .."}
	case v.Password.IsZero():
		return &inputs.Error{Input: "vault-password", Hint: "vault-method is " + v.Method + ": pass the password from a secret, e.g. ${{ secrets.VAULT_PASSWORD }}"}
	}
	return nil
}

// validUsername reports whether name is one path segment: Vault takes the
// username from the login path, so a '/' or a dot segment would post the
// password to another path.
func validUsername(name string) bool {
	if name == "." || name == ".." || strings.Contains(name, "/") {
		return false
	}
	for _, c := range name {
		if c < 0x20 || c == 0x7f {
			return false
		}
	}
	return true
}

func githubCredentials(r *inputs.Reader, v *VaultPlan) error {
	if v.GitHubToken = secret.New(r.String("vault-github-token")); v.GitHubToken.IsZero() {
		return &inputs.Error{Input: "vault-github-token", Hint: "vault-method is github: pass a GitHub personal access token with the read:org scope from a secret, e.g. ${{ secrets.VAULT_GITHUB_TOKEN }}"}
	}
	return nil
}

// kubernetesCredentials resolves the service account token's path; the
// file is read at login time (it is rotated while the pod runs). A
// relative path is taken from the workspace.
func kubernetesCredentials(r *inputs.Reader, v *VaultPlan) error {
	if v.Role == "" {
		return &inputs.Error{Input: "vault-role", Hint: "vault-method is kubernetes: set vault-role to the Vault role bound to the pod's service account"}
	}
	path := r.String("vault-kubernetes-token-path")
	if path == "" {
		path = DefaultKubernetesTokenPath
	}
	if !filepath.IsAbs(path) {
		ws := r.Env("GITHUB_WORKSPACE")
		if ws == "" {
			return &inputs.Error{Input: "vault-kubernetes-token-path", Value: path, Hint: "give an absolute path: GITHUB_WORKSPACE is not set, so a relative one has nothing to be relative to"}
		}
		path = filepath.Join(ws, path)
	}
	v.KubernetesTokenPath = filepath.Clean(path)
	return nil
}

// payloadCredentials reads vault-auth-payload, the login body of a method
// that has no inputs here. It must be a JSON object, as every login body is.
func payloadCredentials(r *inputs.Reader, v *VaultPlan) error {
	raw := strings.TrimSpace(r.String("vault-auth-payload"))
	v.AuthPayload = secret.New(raw)
	dec := json.NewDecoder(bytes.NewReader([]byte(raw)))
	dec.UseNumber() // numbers reach Vault as written
	var body map[string]any
	if err := dec.Decode(&body); err != nil || body == nil || dec.More() {
		return &inputs.Error{Input: "vault-auth-payload", Secret: true, Hint: "give the login body as a JSON object, e.g. {\"role\": \"ci\", \"jwt\": \"...\"}"}
	}
	v.AuthBody = body
	return nil
}

// minLeafMask is the shortest string of vault-auth-payload masked on its
// own (the whole payload is always masked).
const minLeafMask = 4

// LoginSecrets are the credentials the user gave, to mask before any
// request: the vault-auth-payload whole and each of its strings of
// minLeafMask characters or more, which a failed request's message could
// otherwise show one at a time. Shorter ones ({"role": "ci"}) are names,
// not secrets, and their masks would star every "ci" in the job's log.
func (v *VaultPlan) LoginSecrets() []secret.String {
	out := []secret.String{v.Token, v.SecretID, v.Password, v.GitHubToken, v.AuthPayload}
	var walk func(any)
	walk = func(x any) {
		switch x := x.(type) {
		case string:
			if len([]rune(x)) >= minLeafMask {
				out = append(out, secret.New(x))
			}
		case map[string]any:
			for _, e := range x {
				walk(e)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	if v.AuthBody != nil {
		walk(v.AuthBody)
	}
	return out
}
