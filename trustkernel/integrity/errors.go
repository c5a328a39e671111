package integrity

import "github.com/accordsdk/accord/trustkernel/internal/tkerr"

// prefix starts every error message of this package, once.
const prefix = "trustkernel/integrity: "

// errorf is fmt.Errorf with the package prefix added once (see tkerr).
func errorf(format string, args ...any) error { return tkerr.Errorf(prefix, format, args...) }
