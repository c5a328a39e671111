package jcs

// Scanner exposes the lexical layer of the parser (whitespace, strings,
// numbers and literals, each checked exactly as [Canonicalize] checks them)
// to decoders that build their own values, so that every JSON reader in the
// module accepts the same strings and numbers. Offsets are into the source
// given to [NewScanner]; errors are *[SyntaxError] values.
//
// A Scanner is not safe for concurrent use.
type Scanner struct {
	p   parser
	buf []byte // canonical output of the last token, discarded
}

// NewScanner returns a Scanner over src.
func NewScanner(src []byte) *Scanner {
	return &Scanner{p: parser{src: src}}
}

// Reset makes s scan src, keeping its buffers.
func (s *Scanner) Reset(src []byte) {
	s.p.src = src
	s.p.scratch = s.p.scratch[:0]
	s.buf = s.buf[:0]
}

// Source returns the bytes being scanned.
func (s *Scanner) Source() []byte { return s.p.src }

// SkipSpace returns the offset of the first byte at or after off that is not
// JSON whitespace (len(src) if there is none).
func (s *Scanner) SkipSpace(off int) int { return skipSpace(s.p.src, off) }

// String reads the string whose opening quote is at src[off] and returns its
// decoded UTF-8 bytes and the offset just after the closing quote. Strings
// that are not I-JSON (invalid UTF-8, unpaired surrogate escapes) are
// refused. The returned bytes alias the source or the Scanner's buffer and
// are valid until the next call of String.
func (s *Scanner) String(off int) (decoded []byte, next int, err error) {
	s.p.scratch = s.p.scratch[:0]
	s.buf, next, decoded, err = s.p.str(s.buf[:0], off)
	return decoded, next, err
}

// Number reads the number starting at src[off] and returns the offset just
// after it; the number's text is src[off:next]. Numbers that are not finite
// doubles, and integers beyond ±(2^53-1) that canonicalization would
// change, are refused.
func (s *Scanner) Number(off int) (next int, err error) {
	s.buf, next, err = s.p.number(s.buf[:0], off)
	return next, err
}

// Literal checks that src[off:] starts with lit ("true", "false" or "null")
// and returns the offset just after it.
func (s *Scanner) Literal(off int, lit string) (next int, err error) {
	s.buf, next, err = s.p.literal(s.buf[:0], off, lit)
	return next, err
}

// Fail returns a *SyntaxError at off.
func (s *Scanner) Fail(off int, err error, detail string) error {
	return s.p.fail(off, err, detail)
}
