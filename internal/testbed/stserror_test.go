package testbed

import (
	"encoding/xml"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSTSError(t *testing.T) {
	t.Parallel()
	cases := []struct{ name, code, message string }{
		{name: "plain", code: "ExpiredTokenException", message: "Token expired: current date/time 1 must be before the expiration date/time 0"},
		{name: "escaped", code: "AccessDenied", message: `Not authorized to perform sts:AssumeRoleWithWebIdentity <&"'>`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			body := STSError(tc.code, tc.message)
			var doc struct {
				XMLName xml.Name `xml:"https://sts.amazonaws.com/doc/2011-06-15/ ErrorResponse"`
				Type    string   `xml:"Error>Type"`
				Code    string   `xml:"Error>Code"`
				Message string   `xml:"Error>Message"`
				ID      string   `xml:"RequestId"`
			}
			require.NoError(t, xml.Unmarshal([]byte(body), &doc))
			assert.Equal(t, "Sender", doc.Type)
			assert.Equal(t, tc.code, doc.Code)
			assert.Equal(t, tc.message, doc.Message)
			assert.Regexp(t, `^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`, doc.ID)
		})
	}
}
