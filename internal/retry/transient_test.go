package retry_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/federate-action/federate/internal/retry"
)

func TestHTTPStatus(t *testing.T) {
	t.Parallel()
	tests := []struct {
		code int
		want bool
	}{
		{200, false}, {302, false}, {400, false}, {401, false}, {403, false}, {404, false},
		{408, true}, {412, false}, {429, true},
		{500, true}, {501, false}, {502, true}, {503, true}, {504, true},
		{505, false}, {507, false}, {511, false}, {599, false},
	}
	for _, tt := range tests {
		name := fmt.Sprintf("status_%d_is_not_transient", tt.code)
		if tt.want {
			name = fmt.Sprintf("status_%d_is_transient", tt.code)
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, retry.HTTPStatus(tt.code))
		})
	}
}

func TestBrief(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("x", 10000)
	tests := []struct {
		name string
		err  error
		want string
	}{
		{name: "short_text_is_kept", err: errors.New("HTTP 503: busy"), want: "HTTP 503: busy"},
		{name: "line_breaks_become_spaces", err: errors.New("line one\r\nline two\n\n::warning::x"), want: "line one line two ::warning::x"},
		{name: "long_text_is_cut", err: errors.New(long), want: strings.Repeat("x", 300) + "... (9700 more bytes not shown)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, retry.Brief(tt.err))
		})
	}
}
