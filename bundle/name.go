package bundle

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Names of the header members, in the order they open every bundle.
const (
	BundleJSONName   = "bundle.json"
	ManifestJSONName = "manifest.json"
	SignatureName    = "signatures/manifest.sig"
)

// MaxNameLen is the longest member name, and MaxElemLen the longest element
// of one (NAME_MAX on common file systems), in bytes.
const (
	MaxNameLen = 1024
	MaxElemLen = 255
)

// isReserved reports whether name is one of the header member names.
func isReserved(name string) bool {
	return name == BundleJSONName || name == ManifestJSONName || name == SignatureName
}

// CheckName reports whether name is acceptable as a member name: a relative,
// slash-separated path of UTF-8 text, at most [MaxNameLen] bytes, with no
// empty, "." or ".." elements, no element over [MaxElemLen] bytes, no
// backslash, no double quote and no control characters. The error wraps [ErrPathEscape], [ErrAbsolutePath] or
// [ErrInvalidName]. Header names are accepted here; [Writer.Add] refuses them.
func CheckName(name string) error {
	if name == "" {
		return fmt.Errorf("%w: empty name", ErrInvalidName)
	}
	if len(name) > MaxNameLen {
		return fmt.Errorf("%w: name of %d bytes, want at most %d", ErrInvalidName, len(name), MaxNameLen)
	}
	if name[0] == '/' || (len(name) >= 2 && name[1] == ':' && isASCIILetter(name[0])) {
		return fmt.Errorf("%w: %q", ErrAbsolutePath, name)
	}
	// ".." is reported before other defects so that a traversal attempt is
	// always named as one.
	for elem := range strings.SplitSeq(name, "/") {
		if elem == ".." {
			return fmt.Errorf("%w: %q", ErrPathEscape, name)
		}
	}
	if !utf8.ValidString(name) {
		return fmt.Errorf("%w: %q is not UTF-8", ErrInvalidName, name)
	}
	for _, r := range name {
		if r < 0x20 || r == 0x7f || r == '\\' || r == '"' || (r >= 0x80 && r < 0xa0) {
			return fmt.Errorf("%w: %q has character %U", ErrInvalidName, name, r)
		}
	}
	for elem := range strings.SplitSeq(name, "/") {
		if elem == "" || elem == "." {
			return fmt.Errorf("%w: %q has an empty or \".\" element", ErrInvalidName, name)
		}
		if len(elem) > MaxElemLen {
			return fmt.Errorf("%w: element of %d bytes, want at most %d", ErrInvalidName, len(elem), MaxElemLen)
		}
	}
	return nil
}

func isASCIILetter(c byte) bool { return (c|0x20) >= 'a' && (c|0x20) <= 'z' }

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
