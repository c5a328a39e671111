// Package tkerr builds the error messages of the trustkernel packages: each
// message carries its package's prefix once, however deeply errors of that
// package are wrapped in one another.
package tkerr

import (
	"fmt"
	"strings"
)

// Errorf is fmt.Errorf with prefix added in front and dropped from the text
// of every error argument, so that a message carries the prefix once. The
// error arguments stay in the chain for errors.Is and errors.As. When the
// format starts with %w and the first argument's text already starts with
// prefix (a sentinel of the same package), no prefix is added.
func Errorf(prefix, format string, args ...any) error {
	for i, a := range args {
		if err, ok := a.(error); ok {
			args[i] = Trimmed{Err: err, Prefix: prefix}
		}
	}
	if strings.HasPrefix(format, "%w") {
		if t, ok := args[0].(Trimmed); ok && strings.HasPrefix(t.Err.Error(), prefix) {
			args[0] = t.Err
			return fmt.Errorf(format, args...)
		}
	}
	return fmt.Errorf(prefix+format, args...)
}

// Trimmed reads Err without a leading Prefix, for an error wrapped in
// another error that names its source already. Unwrap returns Err.
type Trimmed struct {
	Err    error
	Prefix string
}

func (t Trimmed) Error() string { return strings.TrimPrefix(t.Err.Error(), t.Prefix) }

// Unwrap returns Err.
func (t Trimmed) Unwrap() error { return t.Err }
