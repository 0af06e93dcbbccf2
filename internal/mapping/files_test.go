package mapping

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/federate-action/federate/internal/awsprofiles"
	"github.com/federate-action/federate/internal/awssts"
	"github.com/federate-action/federate/internal/export"
	"github.com/federate-action/federate/internal/plan"
	"github.com/federate-action/federate/internal/secret"
)

// profilesPlan is a step with two profiles, one chained, writing its files
// to /runner/temp as the container sees it (/home/runner/_temp on the host).
func profilesPlan(change func(*plan.AWSPlan)) *plan.AWSPlan {
	p := &plan.AWSPlan{Region: "us-east-1", Audience: "sts.amazonaws.com", SessionName: "GitHubActions",
		Profiles: []awsprofiles.Profile{
			{Name: "prod", RoleARN: "arn:aws:iam::222222222222:role/deploy", AccountID: "222222222222",
				Region: "us-east-1", SessionName: "GitHubActions", Duration: time.Hour},
			{Name: "audit", RoleARN: "arn:aws:iam::444444444444:role/read", AccountID: "444444444444",
				Region: "eu-west-1", SessionName: "GitHubActions", Duration: time.Hour, Source: "prod", ExternalID: "ci-audit"},
		},
		FilesPlan: &plan.FilesPlan{TempDir: "/github/runner_temp", HostTempDir: "/home/runner/_temp",
			FilesDir: "/github/runner_temp/federate-0123abcd", HostFilesDir: "/home/runner/_temp/federate-0123abcd"}}
	if change != nil {
		change(p)
	}
	return p
}

func credsFor(account, key string) awssts.Credentials {
	c := testCreds
	c.AccountID = account
	c.AssumedRoleARN = "arn:aws:sts::" + account + ":assumed-role/r/GitHubActions"
	c.AccessKeyID = secret.New("ASIA" + key)
	c.SecretAccessKey = secret.New("secret-" + key)
	c.SessionToken = secret.New("token-" + key)
	return c
}

var testAssumed = map[string]awssts.Credentials{
	"prod":  credsFor("222222222222", "PROD"),
	"audit": credsFor("444444444444", "AUDIT"),
}

// files maps each file of the set to its content.
func files(set *export.Set) map[string]string {
	m := map[string]string{}
	for _, f := range set.Files() {
		if f.From != "" {
			m[f.Path] = "copy of " + f.From
			continue
		}
		m[f.Path] = f.Value.Reveal()
	}
	return m
}

func TestAWSFiles_StaticProfiles(t *testing.T) {
	t.Parallel()
	set := &export.Set{}
	require.NoError(t, AWSFiles(set, profilesPlan(nil), Profiles{Assumed: testAssumed}, testNow))

	got := files(set)
	assert.Equal(t, "[profile prod]\nregion = us-east-1\n\n[profile audit]\nregion = eu-west-1\n",
		got["/github/runner_temp/federate-0123abcd/config"])
	creds := got["/github/runner_temp/federate-0123abcd/credentials"]
	assert.Contains(t, creds, "[audit]\naws_access_key_id = ASIAAUDIT\n")
	assert.Len(t, got, 2, "no binary, no cache without refresh-credentials")
	assert.Equal(t, map[string]string{
		"AWS_CONFIG_FILE":             "/home/runner/_temp/federate-0123abcd/config",
		"AWS_SHARED_CREDENTIALS_FILE": "/home/runner/_temp/federate-0123abcd/credentials",
	}, values(set.EnvVars()), "host paths, and no AWS_* keys or region that would shadow the profiles")
	assert.Equal(t, map[string]string{StateAWSFilesDir: "/github/runner_temp/federate-0123abcd"}, values(set.StateVars()))
	for _, secretText := range []string{"ASIAPROD", "secret-PROD", "token-PROD", "ASIAAUDIT", "secret-AUDIT", "token-AUDIT"} {
		assert.Contains(t, masks(set), secretText)
	}
	out := values(set.Outputs())["aws-profiles"]
	assert.JSONEq(t, `[
		{"name":"prod","role":"arn:aws:iam::222222222222:role/deploy","account":"222222222222","arn":"arn:aws:sts::222222222222:assumed-role/r/GitHubActions","region":"us-east-1","expiration":"2026-01-02T04:04:05Z"},
		{"name":"audit","role":"arn:aws:iam::444444444444:role/read","account":"444444444444","arn":"arn:aws:sts::444444444444:assumed-role/r/GitHubActions","region":"eu-west-1","expiration":"2026-01-02T04:04:05Z","source":"prod"}
	]`, out)
	assert.NotContains(t, out, "ASIA")
	summary := strings.Join(set.SummaryLines(), "\n")
	assert.Contains(t, summary, "| `audit` (from `prod`) | 444444444444 |")
	assert.NotContains(t, summary, "secret-")
}

func TestAWSFiles_RefreshWritesCredentialProcessAndSeedsItsCache(t *testing.T) {
	t.Parallel()
	p := profilesPlan(func(p *plan.AWSPlan) {
		p.Refresh, p.RoleARN, p.Duration, p.Endpoint = true, "arn:aws:iam::111122223333:role/deploy", time.Hour, "https://sts.example.com"
		p.MaxAttempts = 12
	})
	set := &export.Set{}
	def := testCreds
	require.NoError(t, AWSFiles(set, p, Profiles{Default: &def, Assumed: testAssumed, Binary: "/proc/self/exe"}, testNow))

	got := files(set)
	dir, host := p.FilesDir, p.HostFilesDir
	assert.Equal(t, "copy of /proc/self/exe", got[filepath.Join(dir, "federate")])
	config := got[filepath.Join(dir, "config")]
	assert.Contains(t, config, "[default]\nregion = us-east-1\ncredential_process = "+host+"/federate credential-process --role-arn arn:aws:iam::111122223333:role/deploy --region us-east-1 --audience sts.amazonaws.com --sts-endpoint https://sts.example.com --session-name GitHubActions --duration-seconds 3600 --retry-max-attempts 12 --cache "+host+"/cache/default.json\n")
	assert.Contains(t, config, "[profile prod]\nregion = us-east-1\ncredential_process = "+host+"/federate credential-process --role-arn arn:aws:iam::222222222222:role/deploy")
	assert.Contains(t, config, "[profile audit]\nregion = eu-west-1\nrole_arn = arn:aws:iam::444444444444:role/read\nsource_profile = prod\nexternal_id = ci-audit\n",
		"a chained profile is left to the SDKs, which refresh it with its source")
	assert.Empty(t, got[filepath.Join(dir, "credentials")], "no static keys")
	assert.JSONEq(t, `{"Version":1,"AccessKeyId":"ASIAPROD","SecretAccessKey":"secret-PROD","SessionToken":"token-PROD","Expiration":"2026-01-02T04:04:05Z"}`,
		got[filepath.Join(dir, "cache", "prod.json")], "the first call is served from the credentials in hand")
	assert.Contains(t, got, filepath.Join(dir, "cache", "default.json"))
	assert.NotContains(t, got, filepath.Join(dir, "cache", "audit.json"))
}

func TestAWSFiles_AWSProfileTakesTheRolesCredentials(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		envCreds  bool
		wantEnvAs []string
	}{
		{"profile_only", false, []string{"AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"}},
		{"profile_and_env_credentials", true, []string{"AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE", "AWS_PROFILE"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := profilesPlan(func(p *plan.AWSPlan) {
				p.Profiles, p.RoleARN, p.ProfileName, p.OutputEnvCredentials = nil, "arn:aws:iam::111122223333:role/deploy", "ci", tt.envCreds
			})
			set := &export.Set{}
			def := testCreds
			require.NoError(t, AWSFiles(set, p, Profiles{Default: &def}, testNow))
			assert.Equal(t, tt.wantEnvAs, names(set.EnvVars()))
			assert.Contains(t, files(set)[filepath.Join(p.FilesDir, "credentials")], "[ci]\naws_access_key_id = ASIAEXAMPLEKEYID0001\n")
			assert.Empty(t, set.Outputs(), "aws-profiles lists aws-profiles' profiles only")
		})
	}
}

func TestAWSFiles_NothingWithoutFiles(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		plan *plan.AWSPlan
	}{
		{"no_files_asked_for", awsPlan(nil)},
		// use-existing-credentials kept the environment's: no empty files
		// and no AWS_PROFILE naming a profile that is not there.
		{"role_credentials_kept_from_the_environment", awsPlan(func(p *plan.AWSPlan) {
			p.ProfileName, p.OutputEnvCredentials = "dev", true
			p.FilesPlan = &plan.FilesPlan{TempDir: "/t", HostTempDir: "/t", FilesDir: "/t/federate-0123abcd", HostFilesDir: "/t/federate-0123abcd"}
		})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			set := &export.Set{}
			require.NoError(t, AWSFiles(set, tt.plan, Profiles{}, testNow))
			assert.Empty(t, set.Files())
			assert.Empty(t, set.EnvVars())
		})
	}
}

func TestUnsetAWS_ClearsWhatThisStepDoesNotExport(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		plan *plan.AWSPlan
		want []string
	}{
		{"profiles_only_keep_the_region", profilesPlan(func(p *plan.AWSPlan) { p.UnsetCurrent = true }),
			[]string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"}},
		{"role_exports_them_itself", awsPlan(func(p *plan.AWSPlan) { p.UnsetCurrent = true }), nil},
		{"not_asked", profilesPlan(nil), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			set := &export.Set{}
			require.NoError(t, UnsetAWS(set, tt.plan))
			assert.Equal(t, tt.want, names(set.EnvVars()))
			for _, v := range set.EnvVars() {
				assert.Empty(t, v.Value.Reveal())
			}
		})
	}
}
