package idtoken_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/federate-action/federate/internal/idtoken"
	"github.com/federate-action/federate/internal/idtoken/idtokentest"
)

func TestEnv_ReadsTheVariable(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		value   string
		want    string
		wantErr string
	}{
		{name: "token_is_returned_trimmed", value: " a.b.c\n", want: "a.b.c"},
		{name: "unset_variable_says_which", value: "", wantErr: "the environment variable GL_TOKEN is not set or empty; check that the job declares it (GitLab: under id_tokens:)"},
		{name: "not_a_jwt_refused_without_echoing_it", value: "hunter2", wantErr: "GL_TOKEN does not hold a JWT (named by id-token-env)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			src := &idtoken.Env{Name: "GL_TOKEN", Input: "id-token-env", Getenv: func(k string) string {
				if k == "GL_TOKEN" {
					return tt.value
				}
				return ""
			}}
			got, err := src.Token(context.Background(), "ignored")
			if tt.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.wantErr)
				assert.NotContains(t, err.Error(), "hunter2")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got.Reveal())
		})
	}
}

func TestCommand_RunsBuildkiteAgent(t *testing.T) {
	t.Parallel()
	srv, err := idtokentest.New(idtokentest.Config{Platform: idtokentest.Buildkite})
	require.NoError(t, err)
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	agent, log, err := srv.BuildkiteAgent(dir, "sts.amazonaws.com", "")
	require.NoError(t, err)
	src := &idtoken.Command{Path: agent, Args: []string{"oidc", "request-token"}}

	token, err := src.Token(context.Background(), "sts.amazonaws.com")
	require.NoError(t, err)
	claims, err := idtoken.ParseClaims(token)
	require.NoError(t, err)
	assert.Equal(t, "buildkite", claims.Platform())
	assert.Equal(t, idtoken.Audience{"sts.amazonaws.com"}, claims.Audience)

	_, err = src.Token(context.Background(), "")
	require.NoError(t, err)
	calls, err := os.ReadFile(log)
	require.NoError(t, err)
	assert.Equal(t, "oidc request-token --audience sts.amazonaws.com\noidc request-token\n", string(calls),
		"one run per token, and no --audience for the platform's default")
}

func TestCommand_Failures(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	script := func(name, body string) string {
		path := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(path, []byte("#!/bin/sh\n"+body), 0o755))
		return path
	}
	tests := []struct {
		name     string
		path     string
		wantErr  string
		wantNot  string
		deadline time.Duration
	}{
		{name: "exit_status_and_stderr_are_shown", path: script("fails", "echo 'fatal: forbidden' >&2; exit 3\n"),
			wantErr: "exited with status 3: fatal: forbidden"},
		{name: "a_token_on_stdout_is_never_echoed_from_stderr", path: script("leaks", "echo eyJx.eyJy.sig; echo 'got eyJx.eyJy.sig' >&2; exit 1\n"),
			wantErr: "exited with status 1: got ***", wantNot: "eyJx"},
		{name: "long_stderr_is_shortened", path: script("noisy", "head -c 5000 /dev/zero | tr '\\0' x >&2; exit 1\n"),
			wantErr: "(4700 more bytes not shown)"},
		{name: "no_jwt_printed", path: script("empty", "echo hello\n"), wantErr: "printed no JWT", wantNot: "hello"},
		{name: "deadline_stops_it", path: script("hangs", "exec sleep 30\n"), wantErr: "did not finish in time", deadline: 200 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			if tt.deadline > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, tt.deadline)
				defer cancel()
			}
			start := time.Now()
			_, err := (&idtoken.Command{Path: tt.path}).Token(ctx, "aud")
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.wantErr)
			if tt.wantNot != "" {
				assert.NotContains(t, err.Error(), tt.wantNot)
			}
			assert.Less(t, time.Since(start), 5*time.Second)
			assert.False(t, strings.Contains(err.Error(), "\n"))
		})
	}
}
