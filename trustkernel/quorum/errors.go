package quorum

import "github.com/accordsdk/accord/trustkernel/internal/tkerr"

// prefix starts every error message of this package, once.
const prefix = "trustkernel/quorum: "

// errorf is fmt.Errorf with the package prefix in front, once however
// deeply errors of the trustkernel packages are wrapped (see tkerr).
func errorf(format string, args ...any) error { return tkerr.Errorf(prefix, format, args...) }
