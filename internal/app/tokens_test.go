package app

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/federate-action/federate/internal/runner"
	"github.com/federate-action/federate/internal/secret"
)

// countingSource hands out numbered tokens and records the audiences.
type countingSource struct {
	mu        sync.Mutex
	audiences []string
}

func (s *countingSource) Token(_ context.Context, audience string) (secret.String, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.audiences = append(s.audiences, audience)
	return secret.New(fmt.Sprintf("h.token%d.s", len(s.audiences))), nil
}

func TestTokenPool(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name          string
		audA, audB    string
		wantRequests  []string
		wantFirstSame bool
	}{
		{"one_audience_shares_the_first_token", "sts.amazonaws.com", "sts.amazonaws.com", []string{"sts.amazonaws.com", "sts.amazonaws.com"}, true},
		{"two_audiences_get_a_token_each", "sts.amazonaws.com", "", []string{"sts.amazonaws.com", "", "sts.amazonaws.com", ""}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			src := &countingSource{}
			var stdout bytes.Buffer
			pool := newTokenPool(src, runner.New(func(string) string { return "" }, &stdout, rand.Reader))
			a, b := pool.consumer(tt.audA), pool.consumer(tt.audB)
			ctx := context.Background()
			a1, err := a(ctx)
			require.NoError(t, err)
			b1, err := b(ctx)
			require.NoError(t, err)
			a2, err := a(ctx) // a retry
			require.NoError(t, err)
			if tt.audA != tt.audB {
				_, err = b(ctx)
				require.NoError(t, err)
			}

			assert.Equal(t, tt.wantFirstSame, a1.Reveal() == b1.Reveal())
			assert.NotEqual(t, a1.Reveal(), a2.Reveal(), "a retry never reuses a token")
			assert.ElementsMatch(t, tt.wantRequests, src.audiences)
			for _, tok := range []secret.String{a1, b1, a2} {
				assert.Contains(t, stdout.String(), "::add-mask::"+tok.Reveal(), "every token is masked")
			}
		})
	}
}
