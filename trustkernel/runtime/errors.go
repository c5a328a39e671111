package runtime

import "github.com/accordsdk/accord/trustkernel/internal/tkerr"

// prefix starts every error message of this package, once. It is the full
// path: "runtime: " alone would read as an error of Go's runtime.
const prefix = "trustkernel/runtime: "

// errorf is fmt.Errorf with the package prefix in front, once however
// deeply errors of the trustkernel packages are wrapped (see tkerr).
func errorf(format string, args ...any) error { return tkerr.Errorf(prefix, format, args...) }
