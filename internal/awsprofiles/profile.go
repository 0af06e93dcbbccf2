// Package awsprofiles parses the aws-profiles input: one named AWS profile
// per line, `NAME ROLE [key=value ...]`, each a role to assume with the
// workflow's ID token or, with source=PROFILE, with another profile's
// credentials. It does no I/O: every line is checked before any request.
package awsprofiles

import (
	"fmt"
	"time"
)

// Defaults fill what a line does not say: the step's aws-region,
// role-session-name and role-duration-seconds.
type Defaults struct {
	Region      string // "" when aws-region is not set: every line must then say region=
	SessionName string
	Duration    time.Duration
}

// Profile is one validated profile line.
type Profile struct {
	Name        string
	Line        int // 1-based line of the input it was written on
	RoleARN     string
	AccountID   string
	Region      string
	Partition   string
	SessionName string
	Duration    time.Duration
	Source      string // "" for a profile assumed with the ID token
	ExternalID  string // only with Source
}

// Chained reports whether the profile is assumed with another profile's
// credentials (sts:AssumeRole) rather than with the ID token.
func (p Profile) Chained() bool { return p.Source != "" }

// Error is an invalid aws-profiles line. Line and Column are 1-based;
// Column is that of the offending token (one past the line's end when a
// token is missing).
type Error struct {
	Line, Column int
	Msg          string // what is wrong; the fix
}

var _ error = (*Error)(nil)

func (e *Error) Error() string {
	return fmt.Sprintf("aws-profiles line %d, column %d: %s", e.Line, e.Column, e.Msg)
}

// Title is the annotation title, the same as any other invalid input's.
func (e *Error) Title() string { return "Invalid input aws-profiles" }
