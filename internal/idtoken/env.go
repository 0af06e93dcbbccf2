package idtoken

import (
	"context"
	"strings"

	"github.com/federate-action/federate/internal/secret"
)

// Env reads a token from an environment variable: GitLab's id_tokens:
// variable, CircleCI's CIRCLE_OIDC_TOKEN_V2 or CIRCLE_OIDC_TOKEN, or any
// named with id-token-env. The audience is whatever the token was minted
// for; a refusal says so when it differs from the one asked for.
type Env struct {
	Name   string
	Getenv func(string) string
	// Input names the input that gave Name, for errors; "" says the
	// variable was found from the platform's environment.
	Input string
}

// EnvError is a variable that holds no token.
type EnvError struct {
	Name, Input, Reason string
}

func (e *EnvError) Error() string {
	s := "the environment variable " + e.Name + " " + e.Reason
	if e.Input != "" {
		s += " (named by " + e.Input + ")"
	}
	return s
}

// Title is the annotation title.
func (e *EnvError) Title() string { return "No ID token in " + e.Name }

// Token returns the variable's value, trimmed.
func (e *Env) Token(_ context.Context, _ string) (secret.String, error) {
	v := strings.TrimSpace(e.Getenv(e.Name))
	switch {
	case v == "":
		return secret.String{}, &EnvError{Name: e.Name, Input: e.Input, Reason: "is not set or empty; check that the job declares it (GitLab: under id_tokens:) and runs where it is injected"}
	case strings.Count(v, ".") != 2 || len(v) > 20000:
		return secret.String{}, &EnvError{Name: e.Name, Input: e.Input, Reason: "does not hold a JWT"}
	}
	return secret.New(v), nil
}
