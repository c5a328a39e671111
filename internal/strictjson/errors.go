package strictjson

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/accordsdk/accord/internal/jcs"
)

// The classes of failure. Every error Unmarshal returns is an *[Error] that
// matches exactly one of these with [errors.Is].
var (
	ErrSyntax    = errors.New("invalid json")
	ErrDuplicate = errors.New("duplicate member")
	ErrUnknown   = errors.New("unknown member")
	ErrMissing   = errors.New("missing required member")
	ErrType      = errors.New("wrong json type")
	ErrNumber    = errors.New("number not accepted")
	ErrString    = errors.New("string is not i-json")
	ErrDepth     = errors.New("nesting too deep")
	ErrSize      = errors.New("document too large")
	ErrTrailing  = errors.New("trailing data after json value")
	ErrValue     = errors.New("invalid value")
	ErrTarget    = errors.New("invalid decoding target")
	ErrOption    = errors.New("invalid option")
)

// Error reports a document that was refused, where, and why.
type Error struct {
	// Path is the JSONPath of the offending member or element, "$" for
	// the document itself: $.payload.nonce, $.items[3], $["a b"].
	Path string
	// Offset is the byte offset into the input where the problem was found
	// (-1 when it is not about a position, as for a bad option).
	Offset int
	// Err is one of the sentinel errors of this package.
	Err error
	// Detail says more, for people: the Go type wanted, the name refused.
	Detail string
	// Cause is the underlying error, if any: a *jcs.SyntaxError, or the
	// error an UnmarshalJSON or UnmarshalText method returned.
	Cause error
}

// Error returns "strictjson: <path>: <class>[: <detail>] (at byte <n>)".
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("strictjson: ")
	b.WriteString(e.Path)
	b.WriteString(": ")
	b.WriteString(e.Err.Error())
	if e.Detail != "" {
		b.WriteString(": ")
		b.WriteString(e.Detail)
	}
	if e.Offset >= 0 {
		fmt.Fprintf(&b, " (at byte %d)", e.Offset)
	}
	return b.String()
}

// Unwrap returns the sentinel and the cause, for [errors.Is] and [errors.As].
func (e *Error) Unwrap() []error {
	if e.Cause != nil {
		return []error{e.Err, e.Cause}
	}
	return []error{e.Err}
}

// fromScan turns an error of the jcs scanner into an *Error.
func fromScan(err error) *Error {
	var se *jcs.SyntaxError
	if !errors.As(err, &se) {
		return &Error{Offset: -1, Err: ErrSyntax, Cause: err}
	}
	class := ErrSyntax
	switch {
	case errors.Is(se.Err, jcs.ErrNumber):
		class = ErrNumber
	case errors.Is(se.Err, jcs.ErrString):
		class = ErrString
	case errors.Is(se.Err, jcs.ErrDuplicate):
		class = ErrDuplicate
	case errors.Is(se.Err, jcs.ErrDepth):
		class = ErrDepth
	case errors.Is(se.Err, jcs.ErrTrailing):
		class = ErrTrailing
	}
	return &Error{Offset: se.Offset, Err: class, Detail: se.Detail, Cause: se}
}

// prependName puts the member name in front of err's path (errors bubble
// up from the innermost value, each level adding its own step).
func prependName(err error, name string) error {
	if e, ok := err.(*Error); ok {
		e.Path = nameStep(name) + e.Path
	}
	return err
}

func prependIndex(err error, i int) error {
	if e, ok := err.(*Error); ok {
		e.Path = "[" + strconv.Itoa(i) + "]" + e.Path
	}
	return err
}

// nameStep is ".name" for identifier-like names and ["name"] otherwise.
func nameStep(name string) string {
	ident := name != ""
	for i := 0; i < len(name) && ident; i++ {
		c := name[i]
		ident = c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && c >= '0' && c <= '9'
	}
	if ident {
		return "." + name
	}
	return "[" + strconv.Quote(name) + "]"
}
