// Package jcs implements the JSON Canonicalization Scheme of RFC 8785 with a
// strict, single-pass parser.
//
// The parser accepts only I-JSON (RFC 7493): valid UTF-8, no unpaired
// surrogate escapes, no duplicate member names, and numbers that are finite
// IEEE 754 doubles; an integer written without fraction or exponent beyond
// ±(2^53-1) is accepted only if canonicalization leaves it unchanged, so that
// no integer silently changes value (9007199254740993 is refused). Nesting is
// limited to [MaxDepth] levels.
//
// accord uses this package rather than github.com/gowebpki/jcs: both pass
// the RFC 8785 reference vectors, but this one canonicalizes in the same pass
// that validates (so an envelope is read once), is more than ten times faster,
// and refuses integers that canonicalization would change.
//
// Canonicalization writes members sorted by their names as UTF-16 code units,
// strings with the minimal escapes of RFC 8785 §3.2.2.2, numbers in the
// ECMAScript Number-to-String form, and no whitespace. Input that is already
// canonical is copied through with little more work than validation.
package jcs

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// MaxDepth is the deepest nesting of arrays and objects the parser accepts.
const MaxDepth = 64

// Errors returned by the parser. Each is wrapped in a *SyntaxError that says
// where the problem is.
var (
	ErrSyntax    = errors.New("invalid json")
	ErrDuplicate = errors.New("duplicate member name")
	ErrNumber    = errors.New("number is not i-json")
	ErrString    = errors.New("string is not i-json")
	ErrDepth     = errors.New("nesting too deep")
	ErrTrailing  = errors.New("trailing data after json value")
)

// SyntaxError reports what is wrong with the input and the byte offset at
// which it was found.
type SyntaxError struct {
	Offset int   // byte offset into the input
	Err    error // one of the Err* values of this package
	Detail string
}

// Error says what is wrong and where.
func (e *SyntaxError) Error() string {
	if e.Detail != "" {
		return fmt.Sprintf("json at offset %d: %v: %s", e.Offset, e.Err, e.Detail)
	}
	return fmt.Sprintf("json at offset %d: %v", e.Offset, e.Err)
}

// Unwrap returns the Err* value, for [errors.Is].
func (e *SyntaxError) Unwrap() error { return e.Err }

// Canonicalize returns the RFC 8785 canonical form of the JSON document src.
// Whitespace may surround the value; anything else after it is an error.
func Canonicalize(src []byte) ([]byte, error) {
	out, n, err := AppendValue(make([]byte, 0, len(src)), src, 0)
	if err != nil {
		return nil, err
	}
	if n = skipSpace(src, n); n != len(src) {
		return nil, &SyntaxError{Offset: n, Err: ErrTrailing}
	}
	return out, nil
}

// AppendValue parses one JSON value starting at src[off] (after optional
// whitespace), appends its canonical form to dst and returns the extended
// buffer and the offset just after the value.
func AppendValue(dst, src []byte, off int) ([]byte, int, error) {
	p := parser{src: src}
	dst, off, err := p.value(dst, off, 0)
	return dst, off, err
}

// AppendString appends the canonical JSON encoding of s, which must be valid
// UTF-8, to dst.
func AppendString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' {
			continue
		}
		dst = append(dst, s[start:i]...)
		dst = appendEscape(dst, c)
		start = i + 1
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

func appendEscape(dst []byte, c byte) []byte {
	switch c {
	case '"':
		return append(dst, '\\', '"')
	case '\\':
		return append(dst, '\\', '\\')
	case '\b':
		return append(dst, '\\', 'b')
	case '\f':
		return append(dst, '\\', 'f')
	case '\n':
		return append(dst, '\\', 'n')
	case '\r':
		return append(dst, '\\', 'r')
	case '\t':
		return append(dst, '\\', 't')
	}
	const hex = "0123456789abcdef"
	return append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
}

type parser struct {
	src     []byte
	scratch []byte // decoded member names that needed unescaping
}

func (p *parser) fail(off int, err error, detail string) error {
	return &SyntaxError{Offset: off, Err: err, Detail: detail}
}

func skipSpace(src []byte, off int) int {
	for off < len(src) {
		switch src[off] {
		case ' ', '\t', '\n', '\r':
			off++
		default:
			return off
		}
	}
	return off
}

func (p *parser) value(dst []byte, off, depth int) ([]byte, int, error) {
	off = skipSpace(p.src, off)
	if off >= len(p.src) {
		return dst, off, p.fail(off, ErrSyntax, "unexpected end of input")
	}
	switch c := p.src[off]; {
	case c == '{':
		return p.object(dst, off, depth+1)
	case c == '[':
		return p.array(dst, off, depth+1)
	case c == '"':
		dst, off, _, err := p.str(dst, off)
		return dst, off, err
	case c == '-' || (c >= '0' && c <= '9'):
		return p.number(dst, off)
	case c == 't':
		return p.literal(dst, off, "true")
	case c == 'f':
		return p.literal(dst, off, "false")
	case c == 'n':
		return p.literal(dst, off, "null")
	default:
		return dst, off, p.fail(off, ErrSyntax, fmt.Sprintf("unexpected byte %q", c))
	}
}

func (p *parser) literal(dst []byte, off int, lit string) ([]byte, int, error) {
	if !bytes.HasPrefix(p.src[off:], []byte(lit)) {
		return dst, off, p.fail(off, ErrSyntax, "invalid literal")
	}
	return append(dst, lit...), off + len(lit), nil
}

// member records where one object member's canonical form lies in dst and its
// decoded name, for sorting.
type member struct {
	name       []byte
	start, end int
}

func (p *parser) object(dst []byte, off, depth int) ([]byte, int, error) {
	if depth > MaxDepth {
		return dst, off, p.fail(off, ErrDepth, "")
	}
	objStart := len(dst)
	dst = append(dst, '{')
	off = skipSpace(p.src, off+1)
	if off < len(p.src) && p.src[off] == '}' {
		return append(dst, '}'), off + 1, nil
	}
	var stack [16]member
	members := stack[:0]
	sorted := true
	for {
		off = skipSpace(p.src, off)
		if off >= len(p.src) || p.src[off] != '"' {
			return dst, off, p.fail(off, ErrSyntax, "want member name")
		}
		if len(members) > 0 {
			dst = append(dst, ',')
		}
		start := len(dst)
		nameOff := off
		var name []byte
		var err error
		dst, off, name, err = p.str(dst, off)
		if err != nil {
			return dst, off, err
		}
		if len(members) > 0 {
			switch c := compareUTF16(members[len(members)-1].name, name); {
			case c == 0:
				return dst, nameOff, p.fail(nameOff, ErrDuplicate, strconv.Quote(string(name)))
			case c > 0:
				sorted = false
			}
		}
		off = skipSpace(p.src, off)
		if off >= len(p.src) || p.src[off] != ':' {
			return dst, off, p.fail(off, ErrSyntax, "want ':'")
		}
		dst = append(dst, ':')
		if dst, off, err = p.value(dst, off+1, depth); err != nil {
			return dst, off, err
		}
		members = append(members, member{name: name, start: start, end: len(dst)})
		off = skipSpace(p.src, off)
		if off >= len(p.src) {
			return dst, off, p.fail(off, ErrSyntax, "unterminated object")
		}
		if p.src[off] == '}' {
			off++
			break
		}
		if p.src[off] != ',' {
			return dst, off, p.fail(off, ErrSyntax, "want ',' or '}'")
		}
		off++
	}
	if !sorted {
		slices.SortFunc(members, func(a, b member) int { return compareUTF16(a.name, b.name) })
		for i := 1; i < len(members); i++ {
			if compareUTF16(members[i-1].name, members[i].name) == 0 {
				return dst, off, p.fail(off, ErrDuplicate, strconv.Quote(string(members[i].name)))
			}
		}
		var stackBody [512]byte
		body := append(stackBody[:0], dst[objStart+1:]...)
		base := objStart + 1
		dst = dst[:base]
		for i, m := range members {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = append(dst, body[m.start-base:m.end-base]...)
		}
	}
	return append(dst, '}'), off, nil
}

func (p *parser) array(dst []byte, off, depth int) ([]byte, int, error) {
	if depth > MaxDepth {
		return dst, off, p.fail(off, ErrDepth, "")
	}
	dst = append(dst, '[')
	off = skipSpace(p.src, off+1)
	if off < len(p.src) && p.src[off] == ']' {
		return append(dst, ']'), off + 1, nil
	}
	for first := true; ; first = false {
		if !first {
			dst = append(dst, ',')
		}
		var err error
		if dst, off, err = p.value(dst, off, depth); err != nil {
			return dst, off, err
		}
		off = skipSpace(p.src, off)
		if off >= len(p.src) {
			return dst, off, p.fail(off, ErrSyntax, "unterminated array")
		}
		if p.src[off] == ']' {
			return append(dst, ']'), off + 1, nil
		}
		if p.src[off] != ',' {
			return dst, off, p.fail(off, ErrSyntax, "want ',' or ']'")
		}
		off++
	}
}

// str parses the string at src[off] (which is '"'), appends its canonical
// form to dst, and returns the decoded string: a slice of the input when it
// has no escapes, otherwise a slice of freshly decoded bytes.
func (p *parser) str(dst []byte, off int) ([]byte, int, []byte, error) {
	start := off + 1
	i := start
	src := p.src
	// Fast path: no escapes, no control bytes, ASCII; eight bytes at a time
	// until a word holds a byte that needs a closer look.
	for i+8 <= len(src) && !specialWord(binary.LittleEndian.Uint64(src[i:])) {
		i += 8
	}
	for i < len(src) {
		c := src[i]
		if c == '"' {
			dst = append(dst, src[off:i+1]...)
			return dst, i + 1, src[start:i], nil
		}
		if c == '\\' || c < 0x20 || c >= utf8.RuneSelf {
			break
		}
		i++
	}
	return p.strSlow(dst, off)
}

// specialWord reports whether any byte of w is '"', '\\', a control byte
// (below 0x20) or not ASCII (0x80 and above). For bytes below 0x80, x - n
// sets a byte's top bit exactly when the byte is below n, with a borrow only
// after such a byte, so each test is exact for "some byte is ...".
func specialWord(w uint64) bool {
	const ones, high = 0x0101010101010101, 0x8080808080808080
	below := func(x uint64, n uint64) uint64 { return (x - ones*n) &^ x & high }
	return (w&high)|below(w, 0x20)|below(w^(ones*'"'), 1)|below(w^(ones*'\\'), 1) != 0
}

func (p *parser) strSlow(dst []byte, off int) ([]byte, int, []byte, error) {
	src := p.src
	dst = append(dst, '"')
	decStart := len(p.scratch)
	i := off + 1
	for {
		if i >= len(src) {
			return dst, i, nil, p.fail(i, ErrSyntax, "unterminated string")
		}
		c := src[i]
		switch {
		case c == '"':
			dst = append(dst, '"')
			name := p.scratch[decStart:len(p.scratch):len(p.scratch)]
			return dst, i + 1, name, nil
		case c < 0x20:
			return dst, i, nil, p.fail(i, ErrSyntax, "control character in string")
		case c == '\\':
			r, n, err := p.escape(i)
			if err != nil {
				return dst, i, nil, err
			}
			i += n
			if r < 0x80 {
				b := byte(r)
				if b < 0x20 || b == '"' || b == '\\' {
					dst = appendEscape(dst, b)
				} else {
					dst = append(dst, b)
				}
			} else {
				dst = utf8.AppendRune(dst, r)
			}
			p.scratch = utf8.AppendRune(p.scratch, r)
		case c < utf8.RuneSelf:
			dst = append(dst, c)
			p.scratch = append(p.scratch, c)
			i++
		default:
			r, n := utf8.DecodeRune(src[i:])
			if r == utf8.RuneError && n <= 1 {
				return dst, i, nil, p.fail(i, ErrString, "invalid utf-8")
			}
			dst = append(dst, src[i:i+n]...)
			p.scratch = append(p.scratch, src[i:i+n]...)
			i += n
		}
	}
}

// escape decodes the escape sequence at src[i] (which is '\\') and returns the
// rune and the number of input bytes it used.
func (p *parser) escape(i int) (rune, int, error) {
	src := p.src
	if i+1 >= len(src) {
		return 0, 0, p.fail(i, ErrSyntax, "unterminated escape")
	}
	switch src[i+1] {
	case '"':
		return '"', 2, nil
	case '\\':
		return '\\', 2, nil
	case '/':
		return '/', 2, nil
	case 'b':
		return '\b', 2, nil
	case 'f':
		return '\f', 2, nil
	case 'n':
		return '\n', 2, nil
	case 'r':
		return '\r', 2, nil
	case 't':
		return '\t', 2, nil
	case 'u':
	default:
		return 0, 0, p.fail(i, ErrSyntax, "invalid escape")
	}
	r1, ok := hex4(src, i+2)
	if !ok {
		return 0, 0, p.fail(i, ErrSyntax, "invalid \\u escape")
	}
	if !utf16.IsSurrogate(r1) {
		return r1, 6, nil
	}
	if r1 >= 0xdc00 || i+12 > len(src) || src[i+6] != '\\' || src[i+7] != 'u' {
		return 0, 0, p.fail(i, ErrString, "unpaired surrogate")
	}
	r2, ok := hex4(src, i+8)
	if !ok || r2 < 0xdc00 || r2 > 0xdfff {
		return 0, 0, p.fail(i, ErrString, "unpaired surrogate")
	}
	return utf16.DecodeRune(r1, r2), 12, nil
}

func hex4(src []byte, i int) (rune, bool) {
	if i+4 > len(src) {
		return 0, false
	}
	var r rune
	for _, c := range src[i : i+4] {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c -= 'a' - 10
		case c >= 'A' && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}

// maxSafeInt is 2^53-1, the largest integer every double represents exactly
// together with all integers below it.
const maxSafeInt = 1<<53 - 1

func (p *parser) number(dst []byte, off int) ([]byte, int, error) {
	src := p.src
	i := off
	neg := false
	if src[i] == '-' {
		neg = true
		i++
	}
	intStart := i
	if i >= len(src) || src[i] < '0' || src[i] > '9' {
		return dst, i, p.fail(i, ErrSyntax, "want digit")
	}
	if src[i] == '0' {
		i++
	} else {
		for i < len(src) && src[i] >= '0' && src[i] <= '9' {
			i++
		}
	}
	intEnd := i
	isInt := true
	if i < len(src) && src[i] == '.' {
		isInt = false
		i++
		d := i
		for i < len(src) && src[i] >= '0' && src[i] <= '9' {
			i++
		}
		if i == d {
			return dst, i, p.fail(i, ErrSyntax, "want digit after '.'")
		}
	}
	if i < len(src) && (src[i] == 'e' || src[i] == 'E') {
		isInt = false
		i++
		if i < len(src) && (src[i] == '+' || src[i] == '-') {
			i++
		}
		d := i
		for i < len(src) && src[i] >= '0' && src[i] <= '9' {
			i++
		}
		if i == d {
			return dst, i, p.fail(i, ErrSyntax, "want digit in exponent")
		}
	}
	if isInt && intEnd-intStart <= 15 {
		// At most 15 digits: exact, and already in canonical form except -0.
		if neg && intEnd-intStart == 1 && src[intStart] == '0' {
			return append(dst, '0'), i, nil
		}
		return append(dst, src[off:i]...), i, nil
	}
	f, err := strconv.ParseFloat(string(src[off:i]), 64)
	if err != nil || math.IsInf(f, 0) {
		return dst, off, p.fail(off, ErrNumber, "out of range for a double")
	}
	n := len(dst)
	dst = AppendNumber(dst, f)
	if isInt && math.Abs(f) > maxSafeInt && !bytes.Equal(dst[n:], src[off:i]) {
		// Canonicalization would silently change this integer's value.
		return dst[:n], off, p.fail(off, ErrNumber, "integer not exactly representable as a double")
	}
	return dst, i, nil
}

// AppendNumber appends the RFC 8785 (ECMAScript) form of the finite double f.
func AppendNumber(dst []byte, f float64) []byte {
	if f == 0 {
		return append(dst, '0')
	}
	if f < 0 {
		dst = append(dst, '-')
		f = -f
	}
	// Shortest round-tripping digits and decimal exponent.
	var buf [32]byte
	e := strconv.AppendFloat(buf[:0], f, 'e', -1, 64)
	// e is d[.ddd]e±XX
	mant := e[:bytes.IndexByte(e, 'e')]
	exp, _ := strconv.Atoi(string(e[len(mant)+1:]))
	var digits [24]byte
	nd := 0
	for _, c := range mant {
		if c != '.' {
			digits[nd] = c
			nd++
		}
	}
	k, n := nd, exp+1 // ECMAScript: value = 0.digits × 10^n with k digits
	switch {
	case k <= n && n <= 21:
		dst = append(dst, digits[:k]...)
		for range n - k {
			dst = append(dst, '0')
		}
	case 0 < n && n <= 21:
		dst = append(dst, digits[:n]...)
		dst = append(dst, '.')
		dst = append(dst, digits[n:k]...)
	case -6 < n && n <= 0:
		dst = append(dst, '0', '.')
		for range -n {
			dst = append(dst, '0')
		}
		dst = append(dst, digits[:k]...)
	default:
		dst = append(dst, digits[0])
		if k > 1 {
			dst = append(dst, '.')
			dst = append(dst, digits[1:k]...)
		}
		dst = append(dst, 'e')
		if n-1 >= 0 {
			dst = append(dst, '+')
		}
		dst = strconv.AppendInt(dst, int64(n-1), 10)
	}
	return dst
}

// CompareNames orders two member names as RFC 8785 §3.2.3 sorts them (by
// UTF-16 code units), for encoders that write canonical JSON from decoded
// values.
func CompareNames(a, b string) int { return compareUTF16([]byte(a), []byte(b)) }

// compareUTF16 compares two valid UTF-8 strings by their UTF-16 code units,
// the member order of RFC 8785 §3.2.3.
func compareUTF16(a, b []byte) int {
	for len(a) > 0 && len(b) > 0 {
		if a[0] < utf8.RuneSelf && b[0] < utf8.RuneSelf {
			if a[0] != b[0] {
				return int(a[0]) - int(b[0])
			}
			a, b = a[1:], b[1:]
			continue
		}
		ra, na := utf8.DecodeRune(a)
		rb, nb := utf8.DecodeRune(b)
		if ra != rb {
			return int(utf16Key(ra)) - int(utf16Key(rb))
		}
		a, b = a[na:], b[nb:]
	}
	return len(a) - len(b)
}

// utf16Key maps a rune to a value that orders like its first UTF-16 code
// unit, breaking ties by the rune itself.
func utf16Key(r rune) int64 {
	if r >= 0x10000 {
		hi, _ := utf16.EncodeRune(r)
		return int64(hi)<<21 | int64(r)
	}
	return int64(r) << 21
}
