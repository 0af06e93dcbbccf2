package testbed

import (
	"encoding/xml"
	"strings"
)

// STSError returns the XML body AWS STS sends for an error code in its Query
// protocol, so a FaultProxy can answer exactly what the SDK has to decode:
//
//	<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type>
//	<Code>CODE</Code><Message>MSG</Message></Error><RequestId>...</RequestId></ErrorResponse>
//
// code and message are XML-escaped; the request id is a fresh random UUID.
func STSError(code, message string) string {
	var b strings.Builder
	b.WriteString(`<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>`)
	_ = xml.EscapeText(&b, []byte(code)) // a strings.Builder never fails
	b.WriteString(`</Code><Message>`)
	_ = xml.EscapeText(&b, []byte(message))
	b.WriteString(`</Message></Error><RequestId>`)
	b.WriteString(newUUID())
	b.WriteString(`</RequestId></ErrorResponse>`)
	return b.String()
}
