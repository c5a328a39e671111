package envelope

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/accordsdk/accord/internal/jcs"
)

// Members of the envelope object, as bits of a set.
const (
	mV = 1 << iota
	mType
	mAlg
	mSenderPubkey
	mSenderType
	mTimestamp
	mNonce
	mPayload
	mSignature

	mRequired = mV | mType | mAlg | mSenderPubkey | mTimestamp | mNonce | mPayload | mSignature
)

var memberNames = [...]string{"v", "type", "alg", "sender_pubkey", "sender_type", "timestamp", "nonce", "payload", "signature"}

func memberBit(name []byte) int {
	for i, n := range memberNames {
		if string(name) == n {
			return 1 << i
		}
	}
	return 0
}

// appendJSONHead appends the canonical envelope up to the payload value.
func appendJSONHead(dst []byte, alg string, nonceB64 []byte) []byte {
	dst = append(dst, `{"alg":"`...)
	dst = append(dst, alg...)
	dst = append(dst, `","nonce":"`...)
	dst = append(dst, nonceB64...)
	return append(dst, `","payload":`...)
}

// appendJSONTail appends the canonical envelope after the payload value,
// without the signature, and returns the offset at which the signature
// member belongs.
func appendJSONTail(dst []byte, h *header) ([]byte, int) {
	dst = append(dst, `,"sender_pubkey":"`...)
	dst = append(dst, h.pub...)
	if h.senderType != "" {
		dst = append(dst, `","sender_type":"`...)
		dst = append(dst, h.senderType...)
	}
	dst = append(dst, `",`...)
	cut := len(dst)
	dst = append(dst, `"timestamp":`...)
	dst = strconv.AppendInt(dst, h.ts, 10)
	dst = append(dst, `,"type":"`...)
	dst = append(dst, h.typ...)
	dst = append(dst, `","v":1}`...)
	return dst, cut
}

// jsonParser reads the envelope object in one pass.
type jsonParser struct {
	src []byte
}

func (p *jsonParser) errorf(off int, format string, args ...any) error {
	return fmt.Errorf("%w: json at offset %d: %s", ErrMalformed, off, fmt.Sprintf(format, args...))
}

// str reads the string at src[off] and returns its decoded bytes. Envelope
// strings are drawn from small alphabets, so escapes are decoded but any
// string that needed one is rejected later by the alphabet check.
func (p *jsonParser) str(off int) ([]byte, int, error) {
	src := p.src
	if off >= len(src) || src[off] != '"' {
		return nil, off, p.errorf(off, "want string")
	}
	for i := off + 1; i < len(src); i++ {
		c := src[i]
		if c == '"' {
			return src[off+1 : i], i + 1, nil
		}
		if c == '\\' || c < 0x20 || c >= 0x80 {
			break
		}
	}
	canon, end, err := jcs.AppendValue(nil, src, off)
	if err != nil {
		return nil, off, wrapJCS(err)
	}
	return canon[1 : len(canon)-1], end, nil
}

// uint reads a non-negative integer of at most 2^53-1 written without sign,
// fraction, exponent or leading zeros.
func (p *jsonParser) uint(off int) (int64, int, error) {
	src := p.src
	i := off
	var n int64
	for i < len(src) && src[i] >= '0' && src[i] <= '9' {
		if i-off >= 16 {
			return 0, off, p.errorf(off, "integer too long")
		}
		n = n*10 + int64(src[i]-'0')
		i++
	}
	switch {
	case i == off:
		return 0, off, p.errorf(off, "want non-negative integer")
	case src[off] == '0' && i-off > 1:
		return 0, off, p.errorf(off, "integer with leading zero")
	case i < len(src) && (src[i] == '.' || src[i] == 'e' || src[i] == 'E'):
		return 0, off, p.errorf(off, "want integer without fraction or exponent")
	case n > maxTimestamp:
		return 0, off, p.errorf(off, "integer beyond 2^53-1")
	}
	return n, i, nil
}

func wrapJCS(err error) error {
	var se *jcs.SyntaxError
	if errors.As(err, &se) {
		return fmt.Errorf("%w: %v", ErrMalformed, se)
	}
	return fmt.Errorf("%w: %v", ErrMalformed, err)
}

// parseJSON decodes a JSON envelope strictly and returns it with the bytes
// its signature covers.
func parseJSON(msg []byte) (*Envelope, []byte, error) { return parseJSONWith(msg, &parseCtx{}) }

// openedEnvelope holds an opened envelope with its nonce and a signature of
// up to 64 bytes (Ed25519, HMAC-SHA256), so that these take one allocation.
type openedEnvelope struct {
	e   Envelope
	buf [NonceSize + 64]byte
}

// parseCtx is what a verifier lends the parser so that an envelope costs
// few allocations: the strings it already holds, and a buffer for the
// signing bytes.
type parseCtx struct {
	types map[string]string // accepted types, each mapped to itself
	ring  *KeyRing          // if set, the sender's key string and key come from it
	key   *ringKey          // out: the sender's key, if ring files it
	// If pooled, the signing bytes are built in sb (which may be nil) and
	// the payload is copied out of them, so that the caller may reuse the
	// signing bytes once it has checked the signature.
	pooled bool
	sb     []byte
}

// parseJSONWith decodes a JSON envelope strictly and returns it with the
// bytes its signature covers, using what pc lends.
func parseJSONWith(msg []byte, pc *parseCtx) (*Envelope, []byte, error) {
	p := jsonParser{src: msg}
	off := skipJSONSpace(msg, 0)
	if off >= len(msg) || msg[off] != '{' {
		return nil, nil, p.errorf(off, "want '{'")
	}
	var (
		seen              int
		v                 int64
		h                 header
		alg, nonceB64     []byte
		sigB64            []byte
		sb                []byte // signing bytes, built as we go
		payStart, payEnd  int    // the canonical payload within sb
		tmp               []byte // payload seen before alg and nonce
		tmpPayload        bool
		err               error
		typ, pub, sndType []byte
	)
	if sb = pc.sb; cap(sb) < len(msg)+64 {
		sb = make([]byte, 0, len(msg)+64)
	}
	off = skipJSONSpace(msg, off+1)
	for {
		var name []byte
		nameOff := off
		if name, off, err = p.str(off); err != nil {
			return nil, nil, err
		}
		bit := memberBit(name)
		if bit == 0 {
			return nil, nil, p.errorf(nameOff, "unknown member %.40q", name)
		}
		if seen&bit != 0 {
			return nil, nil, p.errorf(nameOff, "duplicate member %q", name)
		}
		seen |= bit
		off = skipJSONSpace(msg, off)
		if off >= len(msg) || msg[off] != ':' {
			return nil, nil, p.errorf(off, "want ':'")
		}
		off = skipJSONSpace(msg, off+1)
		switch bit {
		case mV:
			v, off, err = p.uint(off)
		case mTimestamp:
			h.ts, off, err = p.uint(off)
		case mType:
			typ, off, err = p.str(off)
		case mAlg:
			alg, off, err = p.str(off)
		case mSenderPubkey:
			pub, off, err = p.str(off)
		case mSenderType:
			sndType, off, err = p.str(off)
		case mNonce:
			nonceB64, off, err = p.str(off)
		case mSignature:
			sigB64, off, err = p.str(off)
		case mPayload:
			if seen&(mAlg|mNonce) == mAlg|mNonce {
				sb = appendJSONHead(sb, string(alg), nonceB64)
				payStart = len(sb)
				sb, off, err = jcs.AppendValue(sb, msg, off)
				payEnd = len(sb)
			} else {
				tmpPayload = true
				tmp, off, err = jcs.AppendValue(make([]byte, 0, len(msg)), msg, off)
			}
			if err != nil {
				err = wrapJCS(err)
			}
		}
		if err != nil {
			return nil, nil, err
		}
		off = skipJSONSpace(msg, off)
		if off >= len(msg) {
			return nil, nil, p.errorf(off, "unterminated object")
		}
		if msg[off] == '}' {
			off++
			break
		}
		if msg[off] != ',' {
			return nil, nil, p.errorf(off, "want ',' or '}'")
		}
		off = skipJSONSpace(msg, off+1)
	}
	if off = skipJSONSpace(msg, off); off != len(msg) {
		return nil, nil, p.errorf(off, "trailing data after envelope")
	}
	if missing := mRequired &^ seen; missing != 0 {
		return nil, nil, fmt.Errorf("%w: missing member %q", ErrMalformed, firstMember(missing))
	}
	if v != Version {
		return nil, nil, fmt.Errorf("%w: version %d, want %d", ErrUnsupported, v, Version)
	}
	h.alg, h.senderType = internAlg(alg), string(sndType)
	var ok bool
	if h.typ, ok = pc.types[string(typ)]; !ok {
		h.typ = string(typ)
	}
	if pc.ring != nil {
		if pc.key = pc.ring.lookupBytes(pub); pc.key != nil {
			h.pub = pc.key.id
		}
	}
	if h.pub == "" {
		h.pub = string(pub)
	}
	if seen&mSenderType != 0 && h.senderType == "" {
		return nil, nil, fmt.Errorf("%w: empty sender_type, want it absent", ErrMalformed)
	}
	oe := &openedEnvelope{e: Envelope{V: Version, Format: FormatJSON}}
	e := &oe.e
	buf := oe.buf[:]
	if n := NonceSize + signatureSize(h.alg); n > len(buf) {
		buf = make([]byte, n)
	}
	if h.nonce, err = decodeB64(buf[:0:NonceSize], nonceB64, NonceSize, "nonce"); err != nil {
		return nil, nil, err
	}
	if err := h.check(); err != nil {
		return nil, nil, err
	}
	if e.Signature, err = decodeB64(buf[NonceSize:NonceSize], sigB64, signatureSize(h.alg), "signature"); err != nil {
		return nil, nil, err
	}
	if tmpPayload {
		sb = appendJSONHead(sb, h.alg, nonceB64)
		payStart = len(sb)
		sb = append(sb, tmp...)
		payEnd = len(sb)
	}
	sb, _ = appendJSONTail(sb, &h)
	e.Type, e.Alg, e.SenderPubkey, e.SenderType = h.typ, h.alg, h.pub, h.senderType
	e.Timestamp, e.Nonce = h.ts, h.nonce
	if pc.pooled {
		e.Payload = append(make([]byte, 0, payEnd-payStart), sb[payStart:payEnd]...)
	} else {
		e.Payload = sb[payStart:payEnd:payEnd]
	}
	return e, sb, nil
}

func firstMember(set int) string {
	for i, n := range memberNames {
		if set&(1<<i) != 0 {
			return n
		}
	}
	return ""
}

// decodeB64 decodes unpadded base64url strictly (RFC 4648 §5, zero padding
// bits) into dst, which must hold want bytes.
func decodeB64(dst, s []byte, want int, what string) ([]byte, error) {
	if len(s) != b64.EncodedLen(want) {
		return nil, fmt.Errorf("%w: %s of %d base64url characters, want %d", ErrMalformed, what, len(s), b64.EncodedLen(want))
	}
	// The decoder skips CR and LF, but then fewer than want bytes come out
	// of the exact number of characters, so n != want refuses them too; the
	// loop only says which character is wrong.
	n, err := b64.Decode(dst[:want], s)
	if err != nil || n != want {
		for _, c := range s {
			if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
				return nil, fmt.Errorf("%w: %s: character %q is not base64url", ErrMalformed, what, c)
			}
		}
		return nil, fmt.Errorf("%w: %s: %v", ErrMalformed, what, err)
	}
	return dst[:want], nil
}

// internAlg returns the package constant for a known algorithm name, which
// saves an allocation per envelope.
func internAlg(b []byte) string {
	for _, a := range [...]string{AlgEd25519, AlgHMACSHA256, AlgMLDSA65, AlgHybrid} {
		if string(b) == a {
			return a
		}
	}
	return string(b)
}
