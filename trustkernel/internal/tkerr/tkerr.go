// Package tkerr builds the error messages of the trustkernel packages
// (trustkernel, trustkernel/quorum, trustkernel/runtime,
// trustkernel/integrity): each message carries one prefix of that family
// once, however deeply errors of these packages are wrapped in one another.
// The outermost package names itself: "trustkernel: snapshot of 0x..: rpc
// quorum not reached at call: ..." rather than "trustkernel: snapshot of
// 0x..: trustkernel/quorum: rpc quorum not reached ...".
package tkerr

import (
	"fmt"
	"strings"
)

// family is the name every prefix of the trustkernel packages starts with.
const family = "trustkernel"

// Errorf is fmt.Errorf with prefix added in front, and the family's
// prefixes dropped from the text of every error argument, so that a message
// carries one prefix once. The error arguments stay in the chain for
// errors.Is and errors.As. When the format starts with %w and the first
// argument's text already starts with a prefix of the family (a sentinel of
// these packages), no prefix is added.
func Errorf(prefix, format string, args ...any) error {
	for i, a := range args {
		if err, ok := a.(error); ok {
			args[i] = familyTrimmed{err}
		}
	}
	if strings.HasPrefix(format, "%w") {
		if t, ok := args[0].(familyTrimmed); ok && len(FamilyPrefix(t.err.Error())) > 0 {
			args[0] = t.err
			return fmt.Errorf(format, args...)
		}
	}
	return fmt.Errorf(prefix+format, args...)
}

// FamilyPrefix returns the family prefix s starts with ("trustkernel: " or
// "trustkernel/<name>: "), or "".
func FamilyPrefix(s string) string {
	if !strings.HasPrefix(s, family) {
		return ""
	}
	rest := s[len(family):]
	if strings.HasPrefix(rest, ": ") {
		return family + ": "
	}
	if !strings.HasPrefix(rest, "/") {
		return ""
	}
	i := strings.Index(rest, ": ")
	if i < 2 {
		return ""
	}
	for _, c := range rest[1:i] {
		if c < 'a' || c > 'z' {
			return ""
		}
	}
	return s[:len(family)+i+2]
}

// familyTrimmed reads err without a leading family prefix.
type familyTrimmed struct{ err error }

func (t familyTrimmed) Error() string {
	s := t.err.Error()
	return s[len(FamilyPrefix(s)):]
}

func (t familyTrimmed) Unwrap() error { return t.err }

// Trimmed reads Err without a leading Prefix, for an error wrapped in
// another error that names its source already. Unwrap returns Err.
type Trimmed struct {
	Err    error
	Prefix string
}

func (t Trimmed) Error() string { return strings.TrimPrefix(t.Err.Error(), t.Prefix) }

// Unwrap returns Err.
func (t Trimmed) Unwrap() error { return t.Err }
