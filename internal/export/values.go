package export

import "strings"

// reasonNUL explains the one value refused. Every process environment is
// a list of NUL-terminated strings (execve), so an env var, a state value
// (STATE_<name>) and an output passed on through env: or with: all end at
// the first NUL: a later step would get only the part before it, and that
// part is not what was masked, so printing it would show it.
const reasonNUL = "the value holds a NUL byte, and a process environment ends a value there, " +
	"so later steps would get only the part before it, unmasked; store the value encoded " +
	"(base64 or hex) and decode it where it is used"

// checkValue returns why a value cannot reach later steps whole, or "".
func checkValue(v string) string {
	if strings.IndexByte(v, 0) >= 0 {
		return reasonNUL
	}
	return ""
}
