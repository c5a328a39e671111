package chp

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// maxDepth bounds nesting in received JSON so that a hostile body cannot
// exhaust the stack of the parser or of the schema validator.
const maxDepth = 32

// parseStrict parses one JSON value (RFC 8259) into the generic form the
// schema validator takes: objects as map[string]any, arrays as []any,
// numbers as json.Number, strings, booleans and nil. It is stricter than
// encoding/json: duplicate object keys are [ErrDuplicateKey]; invalid
// UTF-8, lone surrogate escapes, nesting deeper than maxDepth and anything
// after the value are [ErrMalformed].
func parseStrict(b []byte) (any, error) {
	p := strictParser{b: b}
	v, err := p.value(0)
	if err != nil {
		return nil, err
	}
	p.ws()
	if p.i != len(p.b) {
		return nil, p.errorf("data after the top-level value")
	}
	return v, nil
}

type strictParser struct {
	b []byte
	i int
}

func (p *strictParser) errorf(format string, args ...any) error {
	return fmt.Errorf("%w: at byte %d: %s", ErrMalformed, p.i, fmt.Sprintf(format, args...))
}

func (p *strictParser) ws() {
	for p.i < len(p.b) {
		switch p.b[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

func (p *strictParser) value(depth int) (any, error) {
	if depth > maxDepth {
		return nil, p.errorf("nesting deeper than %d", maxDepth)
	}
	p.ws()
	if p.i >= len(p.b) {
		return nil, p.errorf("unexpected end of input")
	}
	switch c := p.b[p.i]; {
	case c == '{':
		return p.object(depth)
	case c == '[':
		return p.array(depth)
	case c == '"':
		return p.string()
	case c == 't':
		return true, p.literal("true")
	case c == 'f':
		return false, p.literal("false")
	case c == 'n':
		return nil, p.literal("null")
	case c == '-' || (c >= '0' && c <= '9'):
		return p.number()
	}
	return nil, p.errorf("unexpected character %q", p.b[p.i])
}

func (p *strictParser) literal(lit string) error {
	if len(p.b)-p.i < len(lit) || string(p.b[p.i:p.i+len(lit)]) != lit {
		return p.errorf("invalid literal")
	}
	p.i += len(lit)
	return nil
}

func (p *strictParser) object(depth int) (any, error) {
	p.i++ // {
	obj := map[string]any{}
	p.ws()
	if p.i < len(p.b) && p.b[p.i] == '}' {
		p.i++
		return obj, nil
	}
	for {
		p.ws()
		if p.i >= len(p.b) || p.b[p.i] != '"' {
			return nil, p.errorf("want an object key")
		}
		key, err := p.string()
		if err != nil {
			return nil, err
		}
		if _, dup := obj[key]; dup {
			return nil, fmt.Errorf("%w: duplicate key %q", ErrDuplicateKey, key)
		}
		p.ws()
		if p.i >= len(p.b) || p.b[p.i] != ':' {
			return nil, p.errorf("want ':' after an object key")
		}
		p.i++
		v, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		obj[key] = v
		p.ws()
		if p.i >= len(p.b) {
			return nil, p.errorf("unterminated object")
		}
		switch p.b[p.i] {
		case ',':
			p.i++
		case '}':
			p.i++
			return obj, nil
		default:
			return nil, p.errorf("want ',' or '}' in an object")
		}
	}
}

func (p *strictParser) array(depth int) (any, error) {
	p.i++ // [
	arr := []any{}
	p.ws()
	if p.i < len(p.b) && p.b[p.i] == ']' {
		p.i++
		return arr, nil
	}
	for {
		v, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		arr = append(arr, v)
		p.ws()
		if p.i >= len(p.b) {
			return nil, p.errorf("unterminated array")
		}
		switch p.b[p.i] {
		case ',':
			p.i++
		case ']':
			p.i++
			return arr, nil
		default:
			return nil, p.errorf("want ',' or ']' in an array")
		}
	}
}

func (p *strictParser) string() (string, error) {
	p.i++ // opening quote
	start := p.i
	// Fast path: no escapes, ASCII or valid UTF-8 without control bytes.
	for p.i < len(p.b) {
		c := p.b[p.i]
		if c == '"' {
			s := p.b[start:p.i]
			p.i++
			if !utf8.Valid(s) {
				return "", p.errorf("string is not valid UTF-8")
			}
			return string(s), nil
		}
		if c == '\\' || c < 0x20 {
			break
		}
		p.i++
	}
	buf := append([]byte(nil), p.b[start:p.i]...)
	for p.i < len(p.b) {
		c := p.b[p.i]
		switch {
		case c == '"':
			p.i++
			if !utf8.Valid(buf) {
				return "", p.errorf("string is not valid UTF-8")
			}
			return string(buf), nil
		case c < 0x20:
			return "", p.errorf("control character in a string")
		case c != '\\':
			buf = append(buf, c)
			p.i++
			continue
		}
		if p.i+1 >= len(p.b) {
			break
		}
		e := p.b[p.i+1]
		p.i += 2
		switch e {
		case '"', '\\', '/':
			buf = append(buf, e)
		case 'b':
			buf = append(buf, '\b')
		case 'f':
			buf = append(buf, '\f')
		case 'n':
			buf = append(buf, '\n')
		case 'r':
			buf = append(buf, '\r')
		case 't':
			buf = append(buf, '\t')
		case 'u':
			r, ok := p.hex4()
			if !ok {
				return "", p.errorf("bad \\u escape")
			}
			if utf16.IsSurrogate(r) {
				if p.i+1 >= len(p.b) || p.b[p.i] != '\\' || p.b[p.i+1] != 'u' {
					return "", p.errorf("lone surrogate escape")
				}
				p.i += 2
				r2, ok := p.hex4()
				if !ok {
					return "", p.errorf("bad \\u escape")
				}
				if r = utf16.DecodeRune(r, r2); r == utf8.RuneError {
					return "", p.errorf("invalid surrogate pair")
				}
			}
			buf = utf8.AppendRune(buf, r)
		default:
			return "", p.errorf("bad escape \\%c", e)
		}
	}
	return "", p.errorf("unterminated string")
}

func (p *strictParser) hex4() (rune, bool) {
	if len(p.b)-p.i < 4 {
		return 0, false
	}
	n, err := strconv.ParseUint(string(p.b[p.i:p.i+4]), 16, 32)
	if err != nil {
		return 0, false
	}
	p.i += 4
	return rune(n), true
}

func (p *strictParser) number() (any, error) {
	start := p.i
	if p.b[p.i] == '-' {
		p.i++
	}
	digits := func() int {
		n := 0
		for p.i < len(p.b) && p.b[p.i] >= '0' && p.b[p.i] <= '9' {
			p.i++
			n++
		}
		return n
	}
	if p.i < len(p.b) && p.b[p.i] == '0' {
		p.i++
	} else if digits() == 0 {
		return nil, p.errorf("bad number")
	}
	if p.i < len(p.b) && p.b[p.i] == '.' {
		p.i++
		if digits() == 0 {
			return nil, p.errorf("bad number")
		}
	}
	if p.i < len(p.b) && (p.b[p.i] == 'e' || p.b[p.i] == 'E') {
		p.i++
		if p.i < len(p.b) && (p.b[p.i] == '+' || p.b[p.i] == '-') {
			p.i++
		}
		if digits() == 0 {
			return nil, p.errorf("bad number")
		}
	}
	return json.Number(p.b[start:p.i]), nil
}

// fields scans one JSON object and returns the raw bytes of the members
// named in keys (nil for those absent), without building the other values.
// It is for bytes already authenticated (records of a signed bundle); it
// checks structure but not every rule parseStrict enforces.
func fields(b []byte, keys ...string) ([][]byte, error) {
	p := strictParser{b: b}
	out := make([][]byte, len(keys))
	p.ws()
	if p.i >= len(p.b) || p.b[p.i] != '{' {
		return nil, p.errorf("want an object")
	}
	p.i++
	p.ws()
	if p.i < len(p.b) && p.b[p.i] == '}' {
		return out, nil
	}
	for {
		p.ws()
		if p.i >= len(p.b) || p.b[p.i] != '"' {
			return nil, p.errorf("want an object key")
		}
		kstart := p.i
		if err := p.skip(1); err != nil {
			return nil, err
		}
		key := p.b[kstart+1 : p.i-1]
		p.ws()
		if p.i >= len(p.b) || p.b[p.i] != ':' {
			return nil, p.errorf("want ':' after an object key")
		}
		p.i++
		p.ws()
		vstart := p.i
		if err := p.skip(1); err != nil {
			return nil, err
		}
		for j, k := range keys {
			if string(key) == k {
				out[j] = p.b[vstart:p.i]
			}
		}
		p.ws()
		if p.i >= len(p.b) {
			return nil, p.errorf("unterminated object")
		}
		switch p.b[p.i] {
		case ',':
			p.i++
		case '}':
			return out, nil
		default:
			return nil, p.errorf("want ',' or '}' in an object")
		}
	}
}

// skip moves past one value.
func (p *strictParser) skip(depth int) error {
	if depth > maxDepth {
		return p.errorf("nesting deeper than %d", maxDepth)
	}
	p.ws()
	if p.i >= len(p.b) {
		return p.errorf("unexpected end of input")
	}
	switch c := p.b[p.i]; c {
	case '"':
		for p.i++; p.i < len(p.b); p.i++ {
			switch p.b[p.i] {
			case '\\':
				p.i++
			case '"':
				p.i++
				return nil
			}
		}
		return p.errorf("unterminated string")
	case '{', '[':
		end := byte('}')
		if c == '[' {
			end = ']'
		}
		p.i++
		p.ws()
		if p.i < len(p.b) && p.b[p.i] == end {
			p.i++
			return nil
		}
		for {
			if err := p.skip(depth + 1); err != nil {
				return err
			}
			p.ws()
			if c == '{' {
				if p.i >= len(p.b) || p.b[p.i] != ':' {
					return p.errorf("want ':' after an object key")
				}
				p.i++
				if err := p.skip(depth + 1); err != nil {
					return err
				}
				p.ws()
			}
			if p.i >= len(p.b) {
				return p.errorf("unterminated %c", c)
			}
			switch p.b[p.i] {
			case ',':
				p.i++
				p.ws()
			case end:
				p.i++
				return nil
			default:
				return p.errorf("want ',' or %q", end)
			}
		}
	}
	_, err := p.value(depth)
	return err
}

// jsonString decodes a raw JSON string value.
func jsonString(raw []byte) (string, bool) {
	if len(raw) < 2 || raw[0] != '"' {
		return "", false
	}
	if bytes.IndexByte(raw, '\\') < 0 {
		return string(raw[1 : len(raw)-1]), true
	}
	v, err := parseStrict(raw)
	s, ok := v.(string)
	return s, err == nil && ok
}
