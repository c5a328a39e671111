package strictjson

import (
	"encoding"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"sync"

	"github.com/accordsdk/accord/internal/jcs"
	"github.com/accordsdk/accord/internal/strictb64"
)

// DefaultMaxDepth is the nesting limit when [MaxDepth] is not given: the
// limit internal/jcs applies when canonicalizing.
const DefaultMaxDepth = jcs.MaxDepth

// DefaultMaxSize is the input size limit, in bytes, when [MaxSize] is not
// given.
const DefaultMaxSize = 16 << 20

type config struct {
	allowUnknown bool
	useNumber    bool
	maxDepth     int
	maxSize      int
}

// Option changes how [Unmarshal] reads a document.
type Option func(*config) error

// AllowUnknown makes members that match no struct field acceptable; they are
// still checked (syntax, duplicates, numbers, depth) and then ignored.
func AllowUnknown() Option {
	return func(c *config) error { c.allowUnknown = true; return nil }
}

// UseNumber decodes numbers inside interface values as [json.Number] (the
// number's text) instead of float64.
func UseNumber() Option {
	return func(c *config) error { c.useNumber = true; return nil }
}

// MaxDepth bounds the nesting of objects and arrays: n = 1 allows one object
// or array with only scalars inside. n must be between 1 and 10000.
func MaxDepth(n int) Option {
	return func(c *config) error {
		if n < 1 || n > 10000 {
			return fmt.Errorf("max depth %d, want 1 to 10000", n)
		}
		c.maxDepth = n
		return nil
	}
}

// MaxSize bounds the input, in bytes; n must be at least 1.
func MaxSize(n int) Option {
	return func(c *config) error {
		if n < 1 {
			return fmt.Errorf("max size %d, want at least 1", n)
		}
		c.maxSize = n
		return nil
	}
}

// Unmarshal decodes the JSON document data into the value v points to,
// with the rules of the package documentation. v must be a non-nil pointer.
// On error, v may have been partly written.
func Unmarshal(data []byte, v any, opts ...Option) error {
	// The options write into the pooled state: a config on the stack would
	// escape through them.
	d := statePool.Get().(*decodeState)
	defer statePool.Put(d)
	d.cfg = config{maxDepth: DefaultMaxDepth, maxSize: DefaultMaxSize}
	for _, o := range opts {
		if err := o(&d.cfg); err != nil {
			return &Error{Path: "$", Offset: -1, Err: ErrOption, Detail: err.Error()}
		}
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return &Error{Path: "$", Offset: -1, Err: ErrTarget, Detail: fmt.Sprintf("%T is not a non-nil pointer", v)}
	}
	if len(data) > d.cfg.maxSize {
		return &Error{Path: "$", Offset: d.cfg.maxSize, Err: ErrSize, Detail: fmt.Sprintf("%d bytes, limit %d", len(data), d.cfg.maxSize)}
	}
	d.src = data
	d.sc.Reset(data)
	off, err := typeDecoder(rv.Type().Elem())(d, rv.Elem(), 0, 0)
	if err == nil {
		if off = d.sc.SkipSpace(off); off != len(data) {
			err = &Error{Offset: off, Err: ErrTrailing}
		}
	}
	d.src = nil
	d.sc.Reset(nil)
	if err != nil {
		if e, ok := err.(*Error); ok {
			e.Path = "$" + e.Path
		}
		return err
	}
	return nil
}

// statePool keeps decoders' scanner buffers between calls.
var statePool = sync.Pool{New: func() any { return new(decodeState) }}

type decodeState struct {
	sc  jcs.Scanner
	src []byte
	cfg config
}

// decoderFunc decodes the value starting at or after off (whitespace first)
// into v, which is addressable, and returns the offset after the value.
// depth is the number of objects and arrays around the value.
type decoderFunc func(d *decodeState, v reflect.Value, off, depth int) (int, error)

func (d *decodeState) fail(off int, class error, detail string) error {
	return &Error{Offset: off, Err: class, Detail: detail}
}

// peek skips whitespace and returns the offset and byte of the next token.
func (d *decodeState) peek(off int) (int, byte, error) {
	off = d.sc.SkipSpace(off)
	if off >= len(d.src) {
		return off, 0, d.fail(off, ErrSyntax, "unexpected end of input")
	}
	return off, d.src[off], nil
}

// typeMismatch reports a JSON value of the wrong type for t at off.
func (d *decodeState) typeMismatch(off int, c byte, t reflect.Type) error {
	return d.fail(off, ErrType, fmt.Sprintf("%s for Go type %s", jsonKind(c), t))
}

func jsonKind(c byte) string {
	switch c {
	case '{':
		return "object"
	case '[':
		return "array"
	case '"':
		return "string"
	case 't', 'f':
		return "boolean"
	case 'n':
		return "null"
	}
	return "number"
}

var decoders sync.Map // reflect.Type -> decoderFunc

// typeDecoder returns the cached decoder for t, building it once. A type
// that refers to itself gets a forwarding decoder while it is being built.
func typeDecoder(t reflect.Type) decoderFunc {
	if f, ok := decoders.Load(t); ok {
		return f.(decoderFunc)
	}
	var (
		wg sync.WaitGroup
		f  decoderFunc
	)
	wg.Add(1)
	fi, loaded := decoders.LoadOrStore(t, decoderFunc(func(d *decodeState, v reflect.Value, off, depth int) (int, error) {
		wg.Wait()
		return f(d, v, off, depth)
	}))
	if loaded {
		return fi.(decoderFunc)
	}
	f = newTypeDecoder(t)
	wg.Done()
	decoders.Store(t, f)
	return f
}

var (
	rawMessageType      = reflect.TypeFor[json.RawMessage]()
	numberType          = reflect.TypeFor[json.Number]()
	unmarshalerType     = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshalerType = reflect.TypeFor[encoding.TextUnmarshaler]()
)

func newTypeDecoder(t reflect.Type) decoderFunc {
	if t == rawMessageType {
		return decodeRaw
	}
	if t == numberType {
		return decodeNumberText
	}
	if t.Kind() != reflect.Pointer && reflect.PointerTo(t).Implements(unmarshalerType) {
		return decodeUnmarshaler
	}
	if t.Kind() != reflect.Pointer && reflect.PointerTo(t).Implements(textUnmarshalerType) {
		return decodeTextUnmarshaler
	}
	switch t.Kind() {
	case reflect.Pointer:
		return newPointerDecoder(t)
	case reflect.Interface:
		if t.NumMethod() == 0 {
			return decodeInterface
		}
	case reflect.Struct:
		return newStructDecoder(t)
	case reflect.Map:
		return newMapDecoder(t)
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 && !reflect.PointerTo(t.Elem()).Implements(unmarshalerType) &&
			!reflect.PointerTo(t.Elem()).Implements(textUnmarshalerType) {
			return decodeBytes
		}
		return newSliceDecoder(t)
	case reflect.Array:
		return newArrayDecoder(t)
	case reflect.String:
		return decodeString
	case reflect.Bool:
		return decodeBool
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return decodeInt
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return decodeUint
	case reflect.Float32, reflect.Float64:
		return decodeFloat
	}
	return func(d *decodeState, v reflect.Value, off, depth int) (int, error) {
		return off, d.fail(off, ErrTarget, fmt.Sprintf("cannot decode into Go type %s", t))
	}
}

// skip checks the value at off without storing it and returns the offset
// after it: the same checks as decoding, duplicates included.
func (d *decodeState) skip(off, depth int) (int, error) {
	off, c, err := d.peek(off)
	if err != nil {
		return off, err
	}
	switch c {
	case '{':
		return d.skipObject(off, depth+1)
	case '[':
		if depth+1 > d.cfg.maxDepth {
			return off, d.fail(off, ErrDepth, fmt.Sprintf("limit %d", d.cfg.maxDepth))
		}
		return d.elements(off, func(i, off int) (int, error) { return d.skip(off, depth+1) })
	}
	return d.scalar(off, c)
}

// scalar checks the string, number or literal at off.
func (d *decodeState) scalar(off int, c byte) (int, error) {
	var next int
	var err error
	switch {
	case c == '"':
		_, next, err = d.sc.String(off)
	case c == '-' || c >= '0' && c <= '9':
		next, err = d.sc.Number(off)
	case c == 't':
		next, err = d.sc.Literal(off, "true")
	case c == 'f':
		next, err = d.sc.Literal(off, "false")
	case c == 'n':
		next, err = d.sc.Literal(off, "null")
	default:
		return off, d.fail(off, ErrSyntax, fmt.Sprintf("unexpected byte %q", c))
	}
	if err != nil {
		return next, fromScan(err)
	}
	return next, nil
}

// names tracks the member names of one object to find duplicates. Names
// that had no escapes are slices of the input; the others are copied. The
// first few are kept in an array, so that a names on the stack stays there.
type names struct {
	n     int // names in first
	first [16][]byte
	more  [][]byte // the names after the first 16
	set   map[string]struct{}
}

// add records name and reports whether it was new.
func (n *names) add(name []byte, stable bool) bool {
	if n.set != nil {
		if _, dup := n.set[string(name)]; dup {
			return false
		}
		n.set[string(name)] = struct{}{}
		return true
	}
	for _, m := range n.first[:n.n] {
		if string(m) == string(name) {
			return false
		}
	}
	for _, m := range n.more {
		if string(m) == string(name) {
			return false
		}
	}
	if !stable {
		name = append([]byte(nil), name...)
	}
	if n.n < len(n.first) {
		n.first[n.n] = name
		n.n++
	} else {
		n.more = append(n.more, name)
	}
	if n.n+len(n.more) > 32 {
		n.set = make(map[string]struct{}, 2*(n.n+len(n.more)))
		for _, m := range n.first[:n.n] {
			n.set[string(m)] = struct{}{}
		}
		for _, m := range n.more {
			n.set[string(m)] = struct{}{}
		}
	}
	return true
}

// stableName reports whether the decoded name of the string src[off:next]
// is the source bytes themselves (no escapes), so it stays valid.
func (d *decodeState) stableName(name []byte, off, next int) bool {
	return next-off-2 == len(name)
}

// nameAt decodes the member name at off again, for an error path.
func (d *decodeState) nameAt(off int) string {
	var sc jcs.Scanner
	sc.Reset(d.src)
	name, _, _ := sc.String(off)
	return string(name)
}

func (d *decodeState) skipObject(off, depth int) (int, error) {
	if depth > d.cfg.maxDepth {
		return off, d.fail(off, ErrDepth, fmt.Sprintf("limit %d", d.cfg.maxDepth))
	}
	var seen names
	return d.members(off, func(name []byte, nameOff, nameEnd, valOff int) (int, error) {
		if !seen.add(name, d.stableName(name, nameOff, nameEnd)) {
			return nameOff, prependName(d.fail(nameOff, ErrDuplicate, ""), string(name))
		}
		next, err := d.skip(valOff, depth)
		if err != nil {
			return next, prependName(err, d.nameAt(nameOff))
		}
		return next, nil
	})
}

// members walks the object whose '{' is at off, calling member for each
// member with its decoded name (valid only during the call), the offsets
// of the name's opening quote and just after its closing quote, and the
// offset just after the ':'. member returns the offset after the value.
func (d *decodeState) members(off int, member func(name []byte, nameOff, nameEnd, valOff int) (int, error)) (int, error) {
	off = d.sc.SkipSpace(off + 1)
	if off < len(d.src) && d.src[off] == '}' {
		return off + 1, nil
	}
	for {
		off = d.sc.SkipSpace(off)
		if off >= len(d.src) || d.src[off] != '"' {
			return off, d.fail(off, ErrSyntax, "want member name")
		}
		nameOff := off
		name, nameEnd, err := d.sc.String(off)
		if err != nil {
			return nameEnd, fromScan(err)
		}
		off = d.sc.SkipSpace(nameEnd)
		if off >= len(d.src) || d.src[off] != ':' {
			return off, d.fail(off, ErrSyntax, "want ':'")
		}
		if off, err = member(name, nameOff, nameEnd, off+1); err != nil {
			return off, err
		}
		off = d.sc.SkipSpace(off)
		if off >= len(d.src) {
			return off, d.fail(off, ErrSyntax, "unterminated object")
		}
		switch d.src[off] {
		case '}':
			return off + 1, nil
		case ',':
			off++
		default:
			return off, d.fail(off, ErrSyntax, "want ',' or '}'")
		}
	}
}

// elements walks the array whose '[' is at off, calling elem for each
// element with its index and offset.
func (d *decodeState) elements(off int, elem func(i, off int) (int, error)) (int, error) {
	off = d.sc.SkipSpace(off + 1)
	if off < len(d.src) && d.src[off] == ']' {
		return off + 1, nil
	}
	for i := 0; ; i++ {
		var err error
		if off, err = elem(i, off); err != nil {
			return off, prependIndex(err, i)
		}
		off = d.sc.SkipSpace(off)
		if off >= len(d.src) {
			return off, d.fail(off, ErrSyntax, "unterminated array")
		}
		switch d.src[off] {
		case ']':
			return off + 1, nil
		case ',':
			off++
		default:
			return off, d.fail(off, ErrSyntax, "want ',' or ']'")
		}
	}
}

func decodeRaw(d *decodeState, v reflect.Value, off, depth int) (int, error) {
	start := d.sc.SkipSpace(off)
	next, err := d.skip(start, depth)
	if err != nil {
		return next, err
	}
	v.SetBytes(append([]byte(nil), d.src[start:next]...))
	return next, nil
}

func decodeUnmarshaler(d *decodeState, v reflect.Value, off, depth int) (int, error) {
	start := d.sc.SkipSpace(off)
	next, err := d.skip(start, depth)
	if err != nil {
		return next, err
	}
	if err := v.Addr().Interface().(json.Unmarshaler).UnmarshalJSON(d.src[start:next]); err != nil {
		return start, &Error{Offset: start, Err: ErrValue, Detail: err.Error(), Cause: err}
	}
	return next, nil
}

func decodeTextUnmarshaler(d *decodeState, v reflect.Value, off, depth int) (int, error) {
	off, c, err := d.peek(off)
	if err != nil {
		return off, err
	}
	if c != '"' {
		return off, d.typeMismatch(off, c, v.Type())
	}
	s, next, err := d.sc.String(off)
	if err != nil {
		return next, fromScan(err)
	}
	if err := v.Addr().Interface().(encoding.TextUnmarshaler).UnmarshalText(s); err != nil {
		return off, &Error{Offset: off, Err: ErrValue, Detail: err.Error(), Cause: err}
	}
	return next, nil
}

func newPointerDecoder(t reflect.Type) decoderFunc {
	var elem decoderFunc
	var once sync.Once
	return func(d *decodeState, v reflect.Value, off, depth int) (int, error) {
		off, c, err := d.peek(off)
		if err != nil {
			return off, err
		}
		if c == 'n' {
			v.SetZero()
			return d.scalar(off, c)
		}
		once.Do(func() { elem = typeDecoder(t.Elem()) })
		if v.IsNil() {
			v.Set(reflect.New(t.Elem()))
		}
		return elem(d, v.Elem(), off, depth)
	}
}

func decodeString(d *decodeState, v reflect.Value, off, depth int) (int, error) {
	off, c, err := d.peek(off)
	if err != nil {
		return off, err
	}
	if c != '"' {
		return off, d.typeMismatch(off, c, v.Type())
	}
	s, next, err := d.sc.String(off)
	if err != nil {
		return next, fromScan(err)
	}
	v.SetString(string(s))
	return next, nil
}

func decodeBytes(d *decodeState, v reflect.Value, off, depth int) (int, error) {
	off, c, err := d.peek(off)
	if err != nil {
		return off, err
	}
	if c == 'n' {
		v.SetZero()
		return d.scalar(off, c)
	}
	if c != '"' {
		return off, d.typeMismatch(off, c, v.Type())
	}
	s, next, err := d.sc.String(off)
	if err != nil {
		return next, fromScan(err)
	}
	// An escaped CR or LF ("\r", "\n") is refused, not skipped: one
	// spelling per byte string.
	b, err := strictb64.AppendStd(make([]byte, 0, base64.StdEncoding.DecodedLen(len(s))), s)
	if err != nil {
		return off, &Error{Offset: off, Err: ErrValue, Detail: "not padded standard base64", Cause: err}
	}
	v.SetBytes(b)
	return next, nil
}

func decodeBool(d *decodeState, v reflect.Value, off, depth int) (int, error) {
	off, c, err := d.peek(off)
	if err != nil {
		return off, err
	}
	if c != 't' && c != 'f' {
		return off, d.typeMismatch(off, c, v.Type())
	}
	next, err := d.scalar(off, c)
	if err == nil {
		v.SetBool(c == 't')
	}
	return next, err
}

// number reads the number at off and returns its text.
func (d *decodeState) number(off int, t reflect.Type) ([]byte, int, error) {
	off, c, err := d.peek(off)
	if err != nil {
		return nil, off, err
	}
	if c != '-' && (c < '0' || c > '9') {
		return nil, off, d.typeMismatch(off, c, t)
	}
	next, err := d.sc.Number(off)
	if err != nil {
		return nil, next, fromScan(err)
	}
	return d.src[off:next], next, nil
}

// parseInteger reads text, a valid JSON number, as an integer with at most
// 20 digits: its magnitude and sign.
func parseInteger(text []byte) (mag uint64, neg, ok bool) {
	if text[0] == '-' {
		neg, text = true, text[1:]
	}
	if len(text) > 20 {
		return 0, neg, false
	}
	for _, c := range text {
		if c < '0' || c > '9' {
			return 0, neg, false
		}
		d := uint64(c - '0')
		if mag > (math.MaxUint64-d)/10 {
			return 0, neg, false
		}
		mag = mag*10 + d
	}
	return mag, neg, true
}

func decodeInt(d *decodeState, v reflect.Value, off, depth int) (int, error) {
	text, next, err := d.number(off, v.Type())
	if err != nil {
		return next, err
	}
	off = next - len(text)
	mag, neg, ok := parseInteger(text)
	bits := v.Type().Bits()
	limit := uint64(1) << (bits - 1) // magnitude of the minimum
	if !ok || !neg && mag >= limit || neg && mag > limit {
		return off, d.fail(off, ErrNumber, fmt.Sprintf("%s is not a %s", text, v.Type()))
	}
	n := int64(mag)
	if neg {
		n = -n
	}
	v.SetInt(n)
	return next, nil
}

func decodeUint(d *decodeState, v reflect.Value, off, depth int) (int, error) {
	text, next, err := d.number(off, v.Type())
	if err != nil {
		return next, err
	}
	off = next - len(text)
	mag, neg, ok := parseInteger(text)
	bits := v.Type().Bits()
	if !ok || neg && mag != 0 || bits < 64 && mag >= uint64(1)<<bits {
		return off, d.fail(off, ErrNumber, fmt.Sprintf("%s is not a %s", text, v.Type()))
	}
	v.SetUint(mag)
	return next, nil
}

func decodeFloat(d *decodeState, v reflect.Value, off, depth int) (int, error) {
	text, next, err := d.number(off, v.Type())
	if err != nil {
		return next, err
	}
	off = next - len(text)
	f, err := strconv.ParseFloat(string(text), v.Type().Bits())
	if err != nil {
		return off, d.fail(off, ErrNumber, fmt.Sprintf("%s is not a %s", text, v.Type()))
	}
	v.SetFloat(f)
	return next, nil
}

// decodeNumberText stores a number's text in a json.Number.
func decodeNumberText(d *decodeState, v reflect.Value, off, depth int) (int, error) {
	text, next, err := d.number(off, v.Type())
	if err != nil {
		return next, err
	}
	v.SetString(string(text))
	return next, nil
}

func newSliceDecoder(t reflect.Type) decoderFunc {
	var elem decoderFunc
	var once sync.Once
	return func(d *decodeState, v reflect.Value, off, depth int) (int, error) {
		off, c, err := d.peek(off)
		if err != nil {
			return off, err
		}
		if c == 'n' {
			v.SetZero()
			return d.scalar(off, c)
		}
		if c != '[' {
			return off, d.typeMismatch(off, c, t)
		}
		if depth+1 > d.cfg.maxDepth {
			return off, d.fail(off, ErrDepth, fmt.Sprintf("limit %d", d.cfg.maxDepth))
		}
		once.Do(func() { elem = typeDecoder(t.Elem()) })
		n := 0
		next, err := d.elements(off, func(i, off int) (int, error) {
			if i >= v.Cap() {
				v.SetLen(i)
				v.Grow(1)
			}
			v.SetLen(i + 1)
			v.Index(i).SetZero()
			n = i + 1
			return elem(d, v.Index(i), off, depth+1)
		})
		if err != nil {
			return next, err
		}
		if n == 0 {
			v.Set(reflect.MakeSlice(t, 0, 0))
		} else {
			v.SetLen(n)
		}
		return next, nil
	}
}

func newArrayDecoder(t reflect.Type) decoderFunc {
	var elem decoderFunc
	var once sync.Once
	return func(d *decodeState, v reflect.Value, off, depth int) (int, error) {
		off, c, err := d.peek(off)
		if err != nil {
			return off, err
		}
		if c != '[' {
			return off, d.typeMismatch(off, c, t)
		}
		if depth+1 > d.cfg.maxDepth {
			return off, d.fail(off, ErrDepth, fmt.Sprintf("limit %d", d.cfg.maxDepth))
		}
		once.Do(func() { elem = typeDecoder(t.Elem()) })
		n := 0
		next, err := d.elements(off, func(i, off int) (int, error) {
			if i >= t.Len() {
				return off, d.fail(off, ErrType, fmt.Sprintf("more than %d elements for Go type %s", t.Len(), t))
			}
			n = i + 1
			return elem(d, v.Index(i), off, depth+1)
		})
		if err == nil && n != t.Len() {
			err = d.fail(off, ErrType, fmt.Sprintf("%d elements for Go type %s", n, t))
		}
		return next, err
	}
}

// decodeInterface decodes into an empty interface: map[string]any, []any,
// float64 (or json.Number with UseNumber), string, bool or nil.
func decodeInterface(d *decodeState, v reflect.Value, off, depth int) (int, error) {
	x, next, err := d.anyValue(off, depth)
	if err != nil {
		return next, err
	}
	if x == nil {
		v.SetZero()
	} else {
		v.Set(reflect.ValueOf(x))
	}
	return next, nil
}

func (d *decodeState) anyValue(off, depth int) (any, int, error) {
	off, c, err := d.peek(off)
	if err != nil {
		return nil, off, err
	}
	switch {
	case c == '{':
		if depth+1 > d.cfg.maxDepth {
			return nil, off, d.fail(off, ErrDepth, fmt.Sprintf("limit %d", d.cfg.maxDepth))
		}
		m := map[string]any{}
		next, err := d.members(off, func(name []byte, nameOff, _, valOff int) (int, error) {
			key := string(name)
			if _, dup := m[key]; dup {
				return nameOff, prependName(d.fail(nameOff, ErrDuplicate, ""), key)
			}
			x, next, err := d.anyValue(valOff, depth+1)
			if err != nil {
				return next, prependName(err, key)
			}
			m[key] = x
			return next, nil
		})
		return m, next, err
	case c == '[':
		if depth+1 > d.cfg.maxDepth {
			return nil, off, d.fail(off, ErrDepth, fmt.Sprintf("limit %d", d.cfg.maxDepth))
		}
		a := []any{}
		next, err := d.elements(off, func(i, off int) (int, error) {
			x, next, err := d.anyValue(off, depth+1)
			a = append(a, x)
			return next, err
		})
		return a, next, err
	case c == '"':
		s, next, err := d.sc.String(off)
		if err != nil {
			return nil, next, fromScan(err)
		}
		return string(s), next, nil
	case c == '-' || c >= '0' && c <= '9':
		next, err := d.sc.Number(off)
		if err != nil {
			return nil, next, fromScan(err)
		}
		if d.cfg.useNumber {
			return json.Number(d.src[off:next]), next, nil
		}
		f, err := strconv.ParseFloat(string(d.src[off:next]), 64)
		if err != nil {
			return nil, off, d.fail(off, ErrNumber, "out of range for a double")
		}
		return f, next, nil
	}
	next, err := d.scalar(off, c)
	if err != nil {
		return nil, next, err
	}
	switch c {
	case 't':
		return true, next, nil
	case 'f':
		return false, next, nil
	}
	return nil, next, nil
}

var anyMapType = reflect.TypeFor[map[string]any]()

func newMapDecoder(t reflect.Type) decoderFunc {
	general := newMapDecoderReflect(t)
	if t != anyMapType {
		return general
	}
	// A nil map[string]any is filled as an empty interface is: the same
	// checks, names and errors, without going through reflect for each
	// member.
	return func(d *decodeState, v reflect.Value, off, depth int) (int, error) {
		if !v.IsNil() {
			return general(d, v, off, depth)
		}
		start, c, err := d.peek(off)
		if err != nil || c != '{' {
			return general(d, v, off, depth)
		}
		x, next, err := d.anyValue(start, depth)
		if err != nil {
			return next, err
		}
		v.Set(reflect.ValueOf(x))
		return next, nil
	}
}

func newMapDecoderReflect(t reflect.Type) decoderFunc {
	kt := t.Key()
	var key func(name []byte, k reflect.Value) error
	switch {
	case reflect.PointerTo(kt).Implements(textUnmarshalerType):
		key = func(name []byte, k reflect.Value) error {
			return k.Addr().Interface().(encoding.TextUnmarshaler).UnmarshalText(name)
		}
	case kt.Kind() == reflect.String:
		key = func(name []byte, k reflect.Value) error { k.SetString(string(name)); return nil }
	case kt.Kind() >= reflect.Int && kt.Kind() <= reflect.Int64:
		key = func(name []byte, k reflect.Value) error {
			n, err := strconv.ParseInt(string(name), 10, kt.Bits())
			k.SetInt(n)
			return err
		}
	case kt.Kind() >= reflect.Uint && kt.Kind() <= reflect.Uintptr:
		key = func(name []byte, k reflect.Value) error {
			n, err := strconv.ParseUint(string(name), 10, kt.Bits())
			k.SetUint(n)
			return err
		}
	default:
		return func(d *decodeState, v reflect.Value, off, depth int) (int, error) {
			return off, d.fail(off, ErrTarget, fmt.Sprintf("cannot decode into Go type %s", t))
		}
	}
	var elem decoderFunc
	var once sync.Once
	return func(d *decodeState, v reflect.Value, off, depth int) (int, error) {
		off, c, err := d.peek(off)
		if err != nil {
			return off, err
		}
		if c == 'n' {
			v.SetZero()
			return d.scalar(off, c)
		}
		if c != '{' {
			return off, d.typeMismatch(off, c, t)
		}
		if depth+1 > d.cfg.maxDepth {
			return off, d.fail(off, ErrDepth, fmt.Sprintf("limit %d", d.cfg.maxDepth))
		}
		once.Do(func() { elem = typeDecoder(t.Elem()) })
		if v.IsNil() {
			v.Set(reflect.MakeMap(t))
		}
		// Keys already in the map before this object are not duplicates.
		var seen *names
		if v.Len() > 0 {
			seen = new(names)
		}
		k := reflect.New(kt).Elem()
		e := reflect.New(t.Elem()).Elem()
		return d.members(off, func(name []byte, nameOff, nameEnd, valOff int) (int, error) {
			k.SetZero()
			if err := key(name, k); err != nil {
				return nameOff, prependName(&Error{Offset: nameOff, Err: ErrValue, Detail: "map key: " + err.Error(), Cause: err}, string(name))
			}
			dup := false
			if seen != nil {
				dup = !seen.add(name, d.stableName(name, nameOff, nameEnd))
			} else {
				dup = v.MapIndex(k).IsValid()
			}
			if dup {
				return nameOff, prependName(d.fail(nameOff, ErrDuplicate, ""), string(name))
			}
			e.SetZero()
			next, err := elem(d, e, valOff, depth+1)
			if err != nil {
				return next, prependName(err, d.nameAt(nameOff))
			}
			v.SetMapIndex(k, e)
			return next, nil
		})
	}
}
