package awssts_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/federate-action/federate/internal/awssts"
	"github.com/federate-action/federate/internal/bodylimit"
	"github.com/federate-action/federate/internal/netpolicy"
	"github.com/federate-action/federate/internal/retry"
	"github.com/federate-action/federate/internal/secret"
	"github.com/federate-action/federate/internal/testbed"
)

const (
	sourceRole = "arn:aws:iam::111122223333:role/source"
	targetRole = "arn:aws:iam::444455556666:role/target"
)

// startMoto starts a real moto_server for the test; moto is not optional.
func startMoto(t *testing.T) *testbed.Moto {
	t.Helper()
	if testing.Short() {
		t.Skip("starts a real moto_server; skipped with -short")
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	m, err := testbed.StartMoto(ctx, nil)
	require.NoError(t, err)
	t.Cleanup(func() { _ = m.Stop() })
	return m
}

// signedBy records the access key id and session token each request was
// signed with.
type signedBy struct {
	mu     sync.Mutex
	keys   []string
	tokens []string
}

func (s *signedBy) RoundTrip(r *http.Request) (*http.Response, error) {
	key := ""
	if _, after, ok := strings.Cut(r.Header.Get("Authorization"), "Credential="); ok {
		key, _, _ = strings.Cut(after, "/")
	}
	s.mu.Lock()
	s.keys = append(s.keys, key)
	s.tokens = append(s.tokens, r.Header.Get("X-Amz-Security-Token"))
	s.mu.Unlock()
	return http.DefaultTransport.RoundTrip(r)
}

// sourceSession assumes sourceRole at endpoint with a web identity, as the
// step does first.
func sourceSession(t *testing.T, endpoint string) awssts.Credentials {
	t.Helper()
	return session(t, endpoint, sourceRole)
}

// session assumes role at endpoint with a web identity.
func session(t *testing.T, endpoint, role string) awssts.Credentials {
	t.Helper()
	c := awssts.New(awssts.Options{Region: "us-east-1", Endpoint: endpoint, HTTP: &http.Client{}})
	tokens := func(context.Context) (secret.String, error) { return secret.New("e30.e30.sig"), nil }
	creds, err := c.Assume(context.Background(), awssts.Request{RoleARN: role, SessionName: "run-1", Duration: time.Hour},
		tokens, retry.Policy{MaxAttempts: 1})
	require.NoError(t, err)
	return creds
}

func quickPolicy(logged *[]string) retry.Policy {
	return retry.Policy{MaxAttempts: 3, Limit: "retry-max-attempts", Base: time.Millisecond, Cap: time.Millisecond,
		OnRetry: func(_ int, err error, _ time.Duration) { *logged = append(*logged, err.Error()) }}
}

func TestAssumeRole_ChainsIntoTheTargetAccount(t *testing.T) {
	t.Parallel()
	m := startMoto(t)
	// The roles as a user would create them: the target trusts the source
	// role, with an external id.
	createRole(t, m.URL, session(t, m.URL, "arn:aws:iam::111122223333:role/admin"), sourceRole,
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},"Action":"sts:AssumeRoleWithWebIdentity"}]}`)
	createRole(t, m.URL, session(t, m.URL, "arn:aws:iam::444455556666:role/admin"), targetRole,
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"`+sourceRole+`"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"ci-audit"}}}]}`)
	source := sourceSession(t, m.URL)
	require.Equal(t, "111122223333", source.AccountID)

	rec := &signedBy{}
	c := awssts.New(awssts.Options{Region: "us-east-1", Endpoint: m.URL, HTTP: &http.Client{Transport: rec}})
	var logged []string
	creds, err := c.AssumeRole(context.Background(), awssts.ChainRequest{
		RoleARN: targetRole, SessionName: "chained", Duration: time.Hour, ExternalID: "ci-audit", Source: source,
	}, quickPolicy(&logged))
	require.NoError(t, err)
	assert.Empty(t, logged)
	assert.Equal(t, "444455556666", creds.AccountID)
	assert.Equal(t, "arn:aws:sts::444455556666:assumed-role/target/chained", creds.AssumedRoleARN)
	assert.False(t, creds.SessionToken.IsZero())
	assert.NotEqual(t, source.AccessKeyID.Reveal(), creds.AccessKeyID.Reveal())
	assert.WithinDuration(t, time.Now().Add(time.Hour), creds.Expiration, 5*time.Minute)

	rec.mu.Lock()
	assert.Equal(t, []string{source.AccessKeyID.Reveal()}, rec.keys, "signed with the source's key")
	assert.Equal(t, []string{source.SessionToken.Reveal()}, rec.tokens, "and its session token")
	rec.mu.Unlock()

	// The new credentials work: STS names the target's session.
	api := sts.New(sts.Options{Region: "us-east-1", BaseEndpoint: aws.String(m.URL),
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: creds.AccessKeyID.Reveal(), SecretAccessKey: creds.SecretAccessKey.Reveal(),
				SessionToken: creds.SessionToken.Reveal()}, nil
		})})
	who, err := api.GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	require.NoError(t, err)
	assert.Equal(t, "444455556666", aws.ToString(who.Account))
	assert.Equal(t, creds.AssumedRoleARN, aws.ToString(who.Arn))
}

func TestAssumeRole_RetriesFaultsAndFailsFastOnRefusals(t *testing.T) {
	t.Parallel()
	m := startMoto(t)
	source := sourceSession(t, m.URL)
	tests := []struct {
		name         string
		faults       []testbed.Fault
		wantRequests int
		wantLogged   int
		check        func(t *testing.T, creds awssts.Credentials, err error)
	}{
		{
			name:         "throttle_then_success",
			faults:       []testbed.Fault{{Status: http.StatusBadRequest, Body: testbed.STSError("Throttling", "Rate exceeded")}},
			wantRequests: 2,
			wantLogged:   1,
			check: func(t *testing.T, creds awssts.Credentials, err error) {
				require.NoError(t, err)
				assert.Equal(t, "444455556666", creds.AccountID)
			},
		},
		{
			name:         "service_unavailable_then_success",
			faults:       []testbed.Fault{{Status: http.StatusServiceUnavailable, Body: "busy", ContentType: "text/plain"}},
			wantRequests: 2,
			wantLogged:   1,
			check: func(t *testing.T, _ awssts.Credentials, err error) {
				require.NoError(t, err)
			},
		},
		{
			name: "access_denied_fails_after_one_request",
			faults: []testbed.Fault{{Status: http.StatusForbidden, Body: testbed.STSError("AccessDenied",
				"User: "+"arn:aws:sts::111122223333:assumed-role/source/run-1 is not authorized to perform: sts:AssumeRole on resource: "+targetRole)}},
			wantRequests: 1,
			check: func(t *testing.T, _ awssts.Credentials, err error) {
				var denied *awssts.ChainDeniedError
				require.ErrorAs(t, err, &denied)
				assert.Equal(t, source.AssumedRoleARN, denied.SourceARN)
				text := err.Error()
				assert.Contains(t, text, "STS refused to let "+source.AssumedRoleARN+" assume "+targetRole)
				assert.Contains(t, text, `"Principal": {"AWS": "arn:aws:iam::111122223333:role/source"}`)
				assert.Contains(t, text, `"sts:ExternalId"`)
				for _, s := range []secret.String{source.AccessKeyID, source.SecretAccessKey, source.SessionToken} {
					assert.NotContains(t, text, s.Reveal())
				}
				assert.NotContains(t, text, "ci-audit", "the external id is not shown")
			},
		},
		{
			name:         "expired_source_session_fails_after_one_request",
			faults:       []testbed.Fault{{Status: http.StatusBadRequest, Body: testbed.STSError("ExpiredToken", "The security token included in the request is expired")}},
			wantRequests: 1,
			check: func(t *testing.T, _ awssts.Credentials, err error) {
				var e *awssts.Error
				require.ErrorAs(t, err, &e)
				assert.Contains(t, err.Error(), "the source's credentials expired")
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p, err := testbed.NewFaultProxy(m.URL)
			require.NoError(t, err)
			t.Cleanup(p.Close)
			p.Enqueue(tt.faults...)
			c := awssts.New(awssts.Options{Region: "us-east-1", Endpoint: p.URL, HTTP: &http.Client{}})
			var logged []string
			creds, err := c.AssumeRole(context.Background(), awssts.ChainRequest{
				RoleARN: targetRole, SessionName: "chained", Duration: time.Hour, ExternalID: "ci-audit", Source: source,
			}, quickPolicy(&logged))
			assert.Equal(t, tt.wantRequests, p.Requests())
			assert.Len(t, logged, tt.wantLogged)
			tt.check(t, creds, err)
		})
	}
}

func TestAssumeRole_RefusesToSignWithoutSource(t *testing.T) {
	t.Parallel()
	c := awssts.New(awssts.Options{Region: "us-east-1", Endpoint: "http://127.0.0.1:1", HTTP: &http.Client{}})
	_, err := c.AssumeRole(context.Background(), awssts.ChainRequest{RoleARN: targetRole, SessionName: "s", Duration: time.Hour},
		retry.Policy{MaxAttempts: 1})
	require.ErrorContains(t, err, "no source credentials")
}

// sts:AssumeRole goes through the same guards as the web-identity call: a
// bounded answer, shortened text from STS, and no redirect followed.
func TestAssumeRole_KeepsTheGuards(t *testing.T) {
	t.Parallel()
	long := "a" + strings.Repeat("é", 20<<10)
	tests := []struct {
		name    string
		handler http.HandlerFunc
		check   func(t *testing.T, err error)
	}{
		{
			name: "long_denial_is_shortened",
			handler: func(w http.ResponseWriter, _ *http.Request) {
				w.WriteHeader(http.StatusForbidden)
				_, _ = io.WriteString(w, testbed.STSError("AccessDenied", long))
			},
			check: func(t *testing.T, err error) {
				var denied *awssts.ChainDeniedError
				require.ErrorAs(t, err, &denied)
				assert.Less(t, len(err.Error()), 4<<10)
				assert.Contains(t, err.Error(), "... (")
			},
		},
		{
			name: "long_other_refusal_is_shortened",
			handler: func(w http.ResponseWriter, _ *http.Request) {
				w.WriteHeader(http.StatusBadRequest)
				_, _ = io.WriteString(w, testbed.STSError("ValidationError", long))
			},
			check: func(t *testing.T, err error) {
				var e *awssts.Error
				require.ErrorAs(t, err, &e)
				assert.Less(t, len(err.Error()), 4<<10)
				assert.Contains(t, err.Error(), "a chained session lasts 1 hour at most")
			},
		},
		{
			name: "oversized_answer_is_refused",
			handler: func(w http.ResponseWriter, _ *http.Request) {
				chunk := []byte(strings.Repeat("x", 64<<10))
				for range 4 << 20 / len(chunk) {
					if _, err := w.Write(chunk); err != nil {
						return
					}
				}
			},
			check: func(t *testing.T, err error) {
				var tooBig *bodylimit.Error
				require.ErrorAs(t, err, &tooBig)
			},
		},
		{
			name: "redirect_is_not_followed",
			handler: func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, "http://127.0.0.1:1/elsewhere", http.StatusTemporaryRedirect)
			},
			check: func(t *testing.T, err error) {
				var re *netpolicy.RedirectError
				require.ErrorAs(t, err, &re)
				assert.Contains(t, err.Error(), "sts-endpoint")
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var requests atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				requests.Add(1)
				tt.handler(w, r)
			}))
			t.Cleanup(srv.Close)
			c := awssts.New(awssts.Options{Region: "us-east-1", Endpoint: srv.URL, HTTP: netpolicy.STS.Client(srv.Client())})
			source := awssts.Credentials{AccessKeyID: secret.New("ASIASOURCE"), SecretAccessKey: secret.New("s"),
				SessionToken: secret.New("t"), AssumedRoleARN: "arn:aws:sts::111122223333:assumed-role/source/run-1"}
			var logged []string
			_, err := c.AssumeRole(context.Background(), awssts.ChainRequest{RoleARN: targetRole, SessionName: "s", Source: source},
				quickPolicy(&logged))
			tt.check(t, err)
			assert.EqualValues(t, 1, requests.Load(), "not retried")
			assert.Empty(t, logged)
		})
	}
}
