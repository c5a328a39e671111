package trustkernel

import "github.com/accordsdk/accord/trustkernel/internal/tkerr"

// prefix starts every error message of this package, once.
const prefix = "trustkernel: "

// errorf is fmt.Errorf with the package prefix added in front, and dropped
// from the text of every error argument, so that a message carries the
// prefix once however deeply errors of this package are wrapped. The error
// arguments stay in the chain for errors.Is and errors.As.
func errorf(format string, args ...any) error { return tkerr.Errorf(prefix, format, args...) }
