package trustkernel

import (
	"fmt"
	"strings"
)

// prefix starts every error message of this package, once.
const prefix = "trustkernel: "

// errorf is fmt.Errorf with the package prefix added in front, and dropped
// from the text of every error argument, so that a message carries the
// prefix once however deeply errors of this package are wrapped. The error
// arguments stay in the chain for errors.Is and errors.As.
func errorf(format string, args ...any) error {
	for i, a := range args {
		if err, ok := a.(error); ok {
			args[i] = prefixless{err: err}
		}
	}
	if strings.HasPrefix(format, "%w") {
		// The first argument is a sentinel of this package, which carries
		// the prefix itself.
		if err, ok := args[0].(prefixless); ok && strings.HasPrefix(err.err.Error(), prefix) {
			args[0] = err.err
			return fmt.Errorf(format, args...)
		}
	}
	return fmt.Errorf(prefix+format, args...)
}

// prefixless reads an error without a leading prefix (this package's when
// prefix is empty), for errors wrapped in another error of this package.
type prefixless struct {
	err    error
	prefix string
}

func (p prefixless) Error() string {
	if p.prefix == "" {
		return strings.TrimPrefix(p.err.Error(), prefix)
	}
	return strings.TrimPrefix(p.err.Error(), p.prefix)
}

func (p prefixless) Unwrap() error { return p.err }
