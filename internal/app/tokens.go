package app

import (
	"context"
	"sync"

	"github.com/federate-action/federate/internal/idtoken"
	"github.com/federate-action/federate/internal/runner"
	"github.com/federate-action/federate/internal/secret"
)

// tokenPool hands each consumer (STS, Vault) the run's first token for its
// audience on its first attempt, and a fresh token on every retry. So AWS
// and Vault with one audience cost one token request, and a retry never
// reuses a token that may have expired. Every token is masked on arrival.
type tokenPool struct {
	src idtoken.Source
	out *runner.Runner

	mu    sync.Mutex
	first map[string]*firstToken
}

// firstToken is the first token of one audience. Only a success is
// shared: a failed fetch (cut short by one consumer's attempt timeout, say)
// must not become the other consumer's answer.
type firstToken struct {
	mu    sync.Mutex
	token secret.String
	ok    bool
}

func newTokenPool(src idtoken.Source, out *runner.Runner) *tokenPool {
	return &tokenPool{src: src, out: out, first: map[string]*firstToken{}}
}

// fetch gets a new token and masks it before anything else can print it.
func (p *tokenPool) fetch(ctx context.Context, audience string) (secret.String, error) {
	token, err := p.src.Token(ctx, audience)
	if err == nil {
		p.out.Mask(token)
	}
	return token, err
}

// consumer returns the token function for one consumer of audience. It is
// called by one retry loop at a time, so its own state needs no lock.
func (p *tokenPool) consumer(audience string) func(ctx context.Context) (secret.String, error) {
	used := false
	return func(ctx context.Context) (secret.String, error) {
		if used {
			return p.fetch(ctx, audience)
		}
		used = true
		p.mu.Lock()
		f, ok := p.first[audience]
		if !ok {
			f = &firstToken{}
			p.first[audience] = f
		}
		p.mu.Unlock()
		f.mu.Lock()
		defer f.mu.Unlock()
		if f.ok {
			return f.token, nil
		}
		token, err := p.fetch(ctx, audience)
		if err == nil {
			f.token, f.ok = token, true
		}
		return token, err
	}
}
