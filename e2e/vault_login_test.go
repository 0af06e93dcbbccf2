package e2e

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/federate-action/federate/internal/runner/runnertest"
	"github.com/federate-action/federate/internal/testbed"
)

// The credentials the login methods' set-up accepts.
const (
	userpassUser     = "ci-user"
	userpassPassword = "userpass-Pw-7731"
	ldapUser         = "alice"
	ldapPassword     = "ldap-Pw-5520"
	githubOrg        = "octo-org"
	githubOrgID      = 9919
	githubToken      = "ghp_login0test0token0000000000000000"
	k8sNamespace     = "ci"
	k8sServiceAcct   = "deployer"
)

var (
	loginOnce sync.Once
	loginErr  error
	loginLDAP *testbed.LDAP // stopped by TestMain
	k8sToken  string        // the service account token the TokenReview server accepts
)

// loginVault is vaultServer with the userpass, ldap, github and kubernetes
// methods enabled at their default paths, each granting the tutorial's
// policy, which reads secret/data/aws.
func loginVault(t *testing.T) (string, *testbed.Vault) {
	t.Helper()
	bin, v, _ := vaultServer(t)
	loginOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		dir, err := os.MkdirTemp(tmpDir, "slapd-*")
		if err != nil {
			loginErr = err
			return
		}
		if loginLDAP, loginErr = testbed.StartLDAP(ctx, dir, []testbed.LDAPUser{{UID: ldapUser, Password: ldapPassword, Groups: []string{"ci"}}}); loginErr != nil {
			return
		}
		github := httptest.NewServer(fakeGitHub())
		k8s := httptest.NewTLSServer(tokenReviews())
		if k8sToken, loginErr = serviceAccountJWT(); loginErr != nil {
			return
		}
		k8sCA := string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: k8s.Certificate().Raw}))
		policies := []string{tutorialRole}
		for _, c := range []call{
			{"POST", "sys/auth/userpass", map[string]any{"type": "userpass"}},
			{"POST", "auth/userpass/users/" + userpassUser, map[string]any{"password": userpassPassword, "token_policies": policies}},

			{"POST", "sys/auth/ldap", map[string]any{"type": "ldap"}},
			{"POST", "auth/ldap/config", map[string]any{"url": loginLDAP.URL, "userdn": loginLDAP.UsersDN, "userattr": "uid",
				"groupdn": loginLDAP.GroupsDN, "groupattr": "cn", "groupfilter": "(&(objectClass=groupOfNames)(member={{.UserDN}}))"}},
			{"POST", "auth/ldap/groups/ci", map[string]any{"policies": tutorialRole}},

			{"POST", "sys/auth/github", map[string]any{"type": "github"}},
			{"POST", "auth/github/config", map[string]any{"organization": githubOrg, "base_url": github.URL}},
			{"POST", "auth/github/map/teams/ci", map[string]any{"value": tutorialRole}},

			{"POST", "sys/auth/kubernetes", map[string]any{"type": "kubernetes"}},
			{"POST", "auth/kubernetes/config", map[string]any{"kubernetes_host": k8s.URL, "kubernetes_ca_cert": k8sCA, "disable_local_ca_jwt": true}},
			{"POST", "auth/kubernetes/role/ci", map[string]any{"bound_service_account_names": []string{k8sServiceAcct},
				"bound_service_account_namespaces": []string{k8sNamespace}, "token_policies": policies}},
		} {
			if _, loginErr = v.API(ctx, c.method, c.path, c.body); loginErr != nil {
				return
			}
		}
	})
	require.NoError(t, loginErr, "setting up the login methods (slapd comes from Debian's slapd package: tools/setup.sh installs it)")
	return bin, v
}

// fakeGitHub follows GitHub's REST contract for what Vault's github method
// asks: the organization (GET /orgs/ORG, when the mount is configured),
// the token's user (GET /user), its organizations (GET /user/orgs) and
// teams (GET /user/teams). A token other than githubToken gets GitHub's
// 401 "Bad credentials".
func fakeGitHub() http.Handler {
	org := map[string]any{"login": githubOrg, "id": githubOrgID}
	answers := map[string]any{
		"/user":       map[string]any{"login": "octocat", "id": 1},
		"/user/orgs":  []any{map[string]any{"login": "someone-else", "id": 1234}, org},
		"/user/teams": []any{map[string]any{"name": "CI", "slug": "ci", "id": 7, "organization": org}},
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		if r.Method == http.MethodGet && r.URL.Path == "/orgs/"+githubOrg {
			_ = json.NewEncoder(w).Encode(org)
			return
		}
		auth := r.Header.Get("Authorization")
		if auth != "Bearer "+githubToken && auth != "token "+githubToken {
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = w.Write([]byte(`{"message":"Bad credentials","documentation_url":"https://docs.github.com/rest"}`))
			return
		}
		answer, ok := answers[r.URL.Path]
		if r.Method != http.MethodGet || !ok {
			w.WriteHeader(http.StatusNotFound)
			_, _ = w.Write([]byte(`{"message":"Not Found"}`))
			return
		}
		_ = json.NewEncoder(w).Encode(answer)
	})
}

// tokenReviews follows the Kubernetes TokenReview API
// (POST /apis/authentication.k8s.io/v1/tokenreviews): k8sToken is the
// service account ci/deployer's; any other token is not authenticated.
func tokenReviews() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/apis/authentication.k8s.io/v1/tokenreviews" {
			http.NotFound(w, r)
			return
		}
		var review struct {
			Spec struct {
				Token string `json:"token"`
			} `json:"spec"`
		}
		if err := json.NewDecoder(r.Body).Decode(&review); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		status := map[string]any{"authenticated": false}
		if review.Spec.Token == k8sToken {
			status = map[string]any{"authenticated": true, "user": map[string]any{
				"username": "system:serviceaccount:" + k8sNamespace + ":" + k8sServiceAcct,
				"uid":      "4f1d7a0e-sa-uid", "groups": []string{"system:serviceaccounts"}}}
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"apiVersion": "authentication.k8s.io/v1", "kind": "TokenReview", "status": status})
	})
}

// serviceAccountJWT is a legacy service account token as Kubernetes
// signs them (RS256); Vault reads its claims, and the TokenReview answers
// whether it is valid.
func serviceAccountJWT() (string, error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return "", err
	}
	enc := func(v any) string {
		b, _ := json.Marshal(v)
		return base64.RawURLEncoding.EncodeToString(b)
	}
	signed := enc(map[string]any{"alg": "RS256", "typ": "JWT"}) + "." + enc(map[string]any{
		"iss":                                    "kubernetes/serviceaccount",
		"sub":                                    "system:serviceaccount:" + k8sNamespace + ":" + k8sServiceAcct,
		"kubernetes.io/serviceaccount/namespace": k8sNamespace,
		"kubernetes.io/serviceaccount/service-account.name": k8sServiceAcct,
		"kubernetes.io/serviceaccount/service-account.uid":  "4f1d7a0e-sa-uid",
	})
	sum := sha256.Sum256([]byte(signed))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, sum[:])
	if err != nil {
		return "", err
	}
	return signed + "." + base64.RawURLEncoding.EncodeToString(sig), nil
}

// loginStep is a step reading secret/data/aws with the given login inputs;
// files are written to the step's workspace first: a content
// "symlink:TARGET" makes a symbolic link to TARGET, "fifo:" a named pipe.
func loginStep(t *testing.T, bin string, v *testbed.Vault, login, files map[string]string) testbed.Result {
	t.Helper()
	in := with(vaultInputs(v, "secret/data/aws accessKey | AWS_ACCESS_KEY_ID"), login)
	in["vault-retry-max-attempts"] = "1"
	in["vault-kubernetes-token-path"] = or(in["vault-kubernetes-token-path"], "/var/run/secrets/kubernetes.io/serviceaccount/token")
	dir := filepath.Join(t.TempDir(), "step")
	for name, content := range files {
		path := filepath.Join(dir, "workspace", name)
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		switch {
		case strings.HasPrefix(content, "symlink:"):
			require.NoError(t, os.Symlink(strings.TrimPrefix(content, "symlink:"), path))
		case content == "fifo:":
			require.NoError(t, syscall.Mkfifo(path, 0o600))
		default:
			require.NoError(t, os.WriteFile(path, []byte(content), 0o600))
		}
	}
	return run(t, testbed.Step{Binary: bin, Inputs: in, Dir: dir}) // no ID token needed
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func TestVault_LoginMethods(t *testing.T) {
	t.Parallel()
	bin, v := loginVault(t)
	ctx := context.Background()
	roleID, err := v.API(ctx, "GET", "auth/approle/role/ci/role-id", nil)
	require.NoError(t, err)
	secretID, err := v.API(ctx, "POST", "auth/approle/role/ci/secret-id", nil)
	require.NoError(t, err)
	approleSecret := secretID["data"].(map[string]any)["secret_id"].(string)
	payload, err := json.Marshal(map[string]any{"role_id": roleID["data"].(map[string]any)["role_id"], "secret_id": approleSecret})
	require.NoError(t, err)

	tests := []struct {
		name    string
		login   map[string]string
		files   map[string]string
		secrets []string // none of them may be visible in the log
	}{
		{"userpass", map[string]string{"vault-method": "userpass", "vault-role": "",
			"vault-username": userpassUser, "vault-password": userpassPassword}, nil, []string{userpassPassword}},
		{"ldap_against_slapd", map[string]string{"vault-method": "ldap", "vault-role": "",
			"vault-username": ldapUser, "vault-password": ldapPassword}, nil, []string{ldapPassword}},
		{"github_team_mapped_to_the_policy", map[string]string{"vault-method": "github", "vault-role": "",
			"vault-github-token": githubToken}, nil, []string{githubToken}},
		{"kubernetes_token_from_the_workspace", map[string]string{"vault-method": "kubernetes", "vault-role": "ci",
			"vault-kubernetes-token-path": "k8s/token"}, map[string]string{"k8s/token": k8sToken + "\n"}, []string{k8sToken}},
		// Kubernetes mounts the token as a link into the volume's data
		// directory: token -> ..data/token.
		{"kubernetes_token_behind_the_volumes_link", map[string]string{"vault-method": "kubernetes", "vault-role": "ci",
			"vault-kubernetes-token-path": "sa/token"}, map[string]string{"sa/..data/token": k8sToken, "sa/token": "symlink:..data/token"}, []string{k8sToken}},
		{"approle_body_through_auth_payload", map[string]string{"vault-method": "approle-by-payload", "vault-role": "",
			"vault-path": "approle", "vault-auth-payload": string(payload)}, nil, []string{approleSecret, string(payload)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			res := loginStep(t, bin, v, tt.login, tt.files)
			require.Equal(t, 0, res.ExitCode, res.Stdout)
			assert.Equal(t, "test", runnertest.ToMap(res.Env)["AWS_ACCESS_KEY_ID"])
			masks := runnertest.Masks(res.Stdout)
			for _, s := range tt.secrets {
				assert.Contains(t, masks, s, "masked before any request")
				assert.NotContains(t, runnertest.Visible(res.Stdout, res.Stderr), s)
			}
			assert.Contains(t, res.Stdout, "Vault token revoked")
		})
	}
}

func TestVault_LoginMethodsRefused(t *testing.T) {
	t.Parallel()
	bin, v := loginVault(t)
	const wrong = "wrong-Secret-4242"
	tests := []struct {
		name      string
		login     map[string]string
		files     map[string]string
		wantTitle string
		wantText  []string
	}{
		{"userpass_wrong_password", map[string]string{"vault-method": "userpass", "vault-role": "",
			"vault-username": userpassUser, "vault-password": wrong},
			nil, "Vault refused the userpass login", []string{"at auth/userpass as user " + userpassUser, "invalid username or password"}},
		{"ldap_wrong_password", map[string]string{"vault-method": "ldap", "vault-role": "",
			"vault-username": ldapUser, "vault-password": wrong},
			nil, "Vault refused the ldap login", []string{"at auth/ldap as user " + ldapUser, "invalid credentials"}},
		// Vault answers a token GitHub refuses with a 500 holding GitHub's reason.
		{"github_wrong_token", map[string]string{"vault-method": "github", "vault-role": "", "vault-github-token": wrong},
			nil, "Vault login failed", []string{"auth/github (method github)", "401 Bad credentials"}},
		{"kubernetes_token_the_cluster_refuses", map[string]string{"vault-method": "kubernetes", "vault-role": "ci",
			"vault-kubernetes-token-path": "token"}, map[string]string{"token": wrongJWT(wrong)},
			"Vault refused the kubernetes login", []string{"at auth/kubernetes with role ci"}},
		{"kubernetes_token_path_missing", map[string]string{"vault-method": "kubernetes", "vault-role": "ci",
			"vault-kubernetes-token-path": "nowhere/token"}, nil,
			"Invalid input vault-kubernetes-token-path", []string{"nowhere/token: cannot be read: no such file or directory"}},
		{"kubernetes_token_path_a_directory", map[string]string{"vault-method": "kubernetes", "vault-role": "ci",
			"vault-kubernetes-token-path": "k8s"}, map[string]string{"k8s/token": k8sToken},
			"Invalid input vault-kubernetes-token-path", []string{"is not a regular file (it is a directory)"}},
		{"kubernetes_token_path_a_fifo_does_not_hang", map[string]string{"vault-method": "kubernetes", "vault-role": "ci",
			"vault-kubernetes-token-path": "token"}, map[string]string{"token": "fifo:"},
			"Invalid input vault-kubernetes-token-path", []string{"is not a regular file (it is a named pipe (FIFO))"}},
		{"auth_payload_refused", map[string]string{"vault-method": "approle-by-payload", "vault-role": "", "vault-path": "approle",
			"vault-auth-payload": `{"role_id": "` + wrong + `"}`},
			nil, "Vault refused the approle-by-payload login", []string{"at auth/approle", "invalid role"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			res := loginStep(t, bin, v, tt.login, tt.files)
			require.Equal(t, 1, res.ExitCode, res.Stdout)
			assertOneError(t, res.Stdout, tt.wantTitle, tt.wantText...)
			assert.NotContains(t, runnertest.Visible(res.Stdout, res.Stderr), wrong, "no secret in the log")
			assert.Empty(t, res.EnvRaw)
		})
	}
}

// wrongJWT is a token shaped like a service account's that the cluster
// does not know, with secret as its signature.
func wrongJWT(secret string) string {
	good := strings.Split(k8sToken, ".")
	return good[0] + "." + good[1] + "." + base64.RawURLEncoding.EncodeToString([]byte(secret))
}
