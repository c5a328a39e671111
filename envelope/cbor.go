package envelope

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"unicode/utf8"

	"github.com/fxamacker/cbor/v2"
	"github.com/x448/float16"
)

// The CBOR envelope is a definite-length map with text keys in Core
// Deterministic Encoding order (shorter encoded keys first, then bytewise):
// v, alg, type, nonce, payload, signature, timestamp, sender_type,
// sender_pubkey. sender_type is optional.
var cborKeys = [...]struct {
	bit int
	enc string // the encoded key: text string head and bytes
}{
	{mV, "\x61v"},
	{mAlg, "\x63alg"},
	{mType, "\x64type"},
	{mNonce, "\x65nonce"},
	{mPayload, "\x67payload"},
	{mSignature, "\x69signature"},
	{mTimestamp, "\x69timestamp"},
	{mSenderType, "\x6bsender_type"},
	{mSenderPubkey, "\x6dsender_pubkey"},
}

var (
	encMode = mustEncMode()
	// payloadDecMode decodes payloads: duplicate keys, unknown fields,
	// indefinite lengths and tags are errors.
	payloadDecMode = mustDecMode()
)

func mustEncMode() cbor.EncMode {
	m, err := cbor.CoreDetEncOptions().EncMode()
	if err != nil {
		panic(err)
	}
	return m
}

func mustDecMode() cbor.DecMode {
	m, err := cbor.DecOptions{
		DupMapKey:         cbor.DupMapKeyEnforcedAPF,
		IndefLength:       cbor.IndefLengthForbidden,
		TagsMd:            cbor.TagsForbidden,
		ExtraReturnErrors: cbor.ExtraDecErrorUnknownField,
		MaxNestedLevels:   maxCBORDepth,
		UTF8:              cbor.UTF8RejectInvalid,
	}.DecMode()
	if err != nil {
		panic(err)
	}
	return m
}

// appendHead appends a CBOR head of major type major with argument n in its
// shortest form.
func appendHead(dst []byte, major byte, n uint64) []byte {
	major <<= 5
	switch {
	case n < 24:
		return append(dst, major|byte(n))
	case n <= math.MaxUint8:
		return append(dst, major|24, byte(n))
	case n <= math.MaxUint16:
		return binary.BigEndian.AppendUint16(append(dst, major|25), uint16(n))
	case n <= math.MaxUint32:
		return binary.BigEndian.AppendUint32(append(dst, major|26), uint32(n))
	}
	return binary.BigEndian.AppendUint64(append(dst, major|27), n)
}

func appendText(dst []byte, s string) []byte {
	return append(appendHead(dst, 3, uint64(len(s))), s...)
}

// appendCBOREnvelope appends the envelope map; without a signature (sig ==
// nil) it is the signing bytes.
func appendCBOREnvelope(dst []byte, h *header, payload, sig []byte) []byte {
	n := 7
	if h.senderType != "" {
		n++
	}
	if sig != nil {
		n++
	}
	dst = appendHead(dst, 5, uint64(n))
	dst = append(dst, cborKeys[0].enc...)
	dst = appendHead(dst, 0, Version)
	dst = appendText(append(dst, cborKeys[1].enc...), h.alg)
	dst = appendText(append(dst, cborKeys[2].enc...), h.typ)
	dst = append(appendHead(append(dst, cborKeys[3].enc...), 2, uint64(len(h.nonce))), h.nonce...)
	dst = append(append(dst, cborKeys[4].enc...), payload...)
	if sig != nil {
		dst = append(appendHead(append(dst, cborKeys[5].enc...), 2, uint64(len(sig))), sig...)
	}
	dst = appendHead(append(dst, cborKeys[6].enc...), 0, uint64(h.ts))
	if h.senderType != "" {
		dst = appendText(append(dst, cborKeys[7].enc...), h.senderType)
	}
	return appendText(append(dst, cborKeys[8].enc...), h.pub)
}

// SealCBOR signs payload as an envelope of type typ and returns its CBOR
// form in Core Deterministic Encoding. payload is marshalled with
// fxamacker/cbor in that encoding; a [cbor.RawMessage] is used as is and must
// already be deterministic.
func SealCBOR(s Signer, typ string, payload any, opts ...SealOption) ([]byte, error) {
	h, err := newHeader(s, typ, opts)
	if err != nil {
		return nil, err
	}
	var raw []byte
	if r, ok := payload.(cbor.RawMessage); ok {
		raw = r
	} else if raw, err = encMode.Marshal(payload); err != nil {
		return nil, fmt.Errorf("seal %s: marshal payload: %w", typ, err)
	}
	if end, err := checkCBORItem(raw, 0, 0); err != nil {
		return nil, fmt.Errorf("seal %s: payload: %w", typ, err)
	} else if end != len(raw) {
		return nil, fmt.Errorf("seal %s: payload: %w: trailing data at offset %d", typ, ErrMalformed, end)
	}
	sb := appendCBOREnvelope(make([]byte, 0, len(raw)+len(h.pub)+len(h.typ)+96), &h, raw, nil)
	sig, err := s.Sign(sb)
	if err != nil {
		return nil, fmt.Errorf("seal %s: %w", typ, err)
	}
	if want := signatureSize(h.alg); len(sig) != want {
		return nil, fmt.Errorf("seal %s: %s signature of %d bytes, want %d", typ, h.alg, len(sig), want)
	}
	return appendCBOREnvelope(make([]byte, 0, len(sb)+len(sig)+16), &h, raw, sig), nil
}

// maxCBORDepth is the deepest nesting of arrays and maps accepted.
const maxCBORDepth = 64

func cborErr(off int, format string, args ...any) error {
	return fmt.Errorf("%w: cbor at offset %d: %s", ErrMalformed, off, fmt.Sprintf(format, args...))
}

// readHead reads the head at b[off] and returns its major type, argument and
// the offset after it. It rejects indefinite lengths, reserved values and
// arguments not in their shortest form. For major type 7 the argument is
// the additional information (simple value or float width), and the float
// bits follow in b.
func readHead(b []byte, off int) (major byte, arg uint64, next int, err error) {
	if off >= len(b) {
		return 0, 0, off, cborErr(off, "unexpected end of data")
	}
	major, ai := b[off]>>5, b[off]&0x1f
	off++
	if major == 7 {
		return major, uint64(ai), off, nil
	}
	var size int
	switch {
	case ai < 24:
		return major, uint64(ai), off, nil
	case ai == 24:
		size = 1
	case ai == 25:
		size = 2
	case ai == 26:
		size = 4
	case ai == 27:
		size = 8
	case ai == 31:
		return 0, 0, off - 1, cborErr(off-1, "indefinite length")
	default:
		return 0, 0, off - 1, cborErr(off-1, "reserved additional information %d", ai)
	}
	if off+size > len(b) {
		return 0, 0, off, cborErr(off, "unexpected end of data")
	}
	var minimum uint64
	switch size {
	case 1:
		arg, minimum = uint64(b[off]), 24
	case 2:
		arg, minimum = uint64(binary.BigEndian.Uint16(b[off:])), math.MaxUint8+1
	case 4:
		arg, minimum = uint64(binary.BigEndian.Uint32(b[off:])), math.MaxUint16+1
	case 8:
		arg, minimum = binary.BigEndian.Uint64(b[off:]), math.MaxUint32+1
	}
	if arg < minimum {
		return 0, 0, off - 1, cborErr(off-1, "argument %d not in shortest form", arg)
	}
	return major, arg, off + size, nil
}

// checkCBORItem checks the item at b[off] is well formed and in Core
// Deterministic Encoding (shortest heads, definite lengths, map keys in
// bytewise order without duplicates, shortest floats), with valid UTF-8 text,
// no tags, and no simple values besides false, true and null; NaN and the
// infinities are refused as they have no I-JSON equivalent. It returns the
// offset after the item.
func checkCBORItem(b []byte, off, depth int) (int, error) {
	start := off
	major, arg, off, err := readHead(b, off)
	if err != nil {
		return off, err
	}
	switch major {
	case 0, 1:
		return off, nil
	case 2, 3:
		if arg > uint64(len(b)-off) {
			return off, cborErr(off, "string of %d bytes runs past the end", arg)
		}
		end := off + int(arg)
		if major == 3 && !utf8.Valid(b[off:end]) {
			return off, cborErr(off, "invalid utf-8 in text string")
		}
		return end, nil
	case 4, 5:
		if depth >= maxCBORDepth {
			return off, cborErr(start, "nesting deeper than %d", maxCBORDepth)
		}
		if arg > uint64(len(b)-off) {
			return off, cborErr(start, "%d items cannot fit in %d bytes", arg, len(b)-off)
		}
		if n := arg << (major - 4); arg > uint64(len(b)) || n > uint64(len(b)-off) {
			return off, cborErr(start, "%d items cannot fit in %d bytes", arg, len(b)-off)
		}
		prevStart, prevEnd := -1, -1
		for i := uint64(0); i < arg; i++ {
			keyStart := off
			if off, err = checkCBORItem(b, off, depth+1); err != nil {
				return off, err
			}
			if major == 4 {
				continue
			}
			if prevStart >= 0 {
				switch c := bytes.Compare(b[prevStart:prevEnd], b[keyStart:off]); {
				case c == 0:
					return off, cborErr(keyStart, "duplicate map key")
				case c > 0:
					return off, cborErr(keyStart, "map keys not in deterministic order")
				}
			}
			prevStart, prevEnd = keyStart, off
			if off, err = checkCBORItem(b, off, depth+1); err != nil {
				return off, err
			}
		}
		return off, nil
	case 6:
		return off, cborErr(start, "tags are not accepted")
	}
	// major 7
	switch arg {
	case 20, 21, 22:
		return off, nil
	case 25, 26, 27:
		return checkFloat(b, start, int(arg))
	}
	return off, cborErr(start, "simple value %d is not accepted", arg)
}

// checkFloat checks the float at b[start] (head 0xf9, 0xfa or 0xfb) is
// finite and in the shortest of the three widths that keeps its value.
func checkFloat(b []byte, start, ai int) (int, error) {
	size := 1 << (ai - 24) // 2, 4, 8
	off := start + 1
	if off+size > len(b) {
		return off, cborErr(off, "unexpected end of data")
	}
	var f float64
	shortest := true
	switch size {
	case 2:
		f = float64(float16.Frombits(binary.BigEndian.Uint16(b[off:])).Float32())
	case 4:
		f32 := math.Float32frombits(binary.BigEndian.Uint32(b[off:]))
		f = float64(f32)
		shortest = float16.Fromfloat32(f32).Float32() != f32
	case 8:
		f = math.Float64frombits(binary.BigEndian.Uint64(b[off:]))
		shortest = float64(float32(f)) != f
	}
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return off, cborErr(start, "nan and infinity are not accepted")
	}
	if !shortest {
		return off, cborErr(start, "float %v not in its shortest form", f)
	}
	return off + size, nil
}

// parseCBOR decodes a CBOR envelope strictly and returns it with the bytes
// its signature covers.
func parseCBOR(msg []byte) (*Envelope, []byte, error) {
	major, n, off, err := readHead(msg, 0)
	if err != nil {
		return nil, nil, err
	}
	if major != 5 || n < 8 || n > 9 {
		return nil, nil, cborErr(0, "want a map of 8 or 9 members, got major type %d with argument %d", major, n)
	}
	var (
		h                     header
		v                     uint64
		seen, k               int
		sigKey, sigEnd        int
		payStart, payEnd      int
		alg, typ, pub, sender []byte
		sig                   []byte
	)
	for range n {
		keyOff := off
		// The keys must come in the one deterministic order.
		for k < len(cborKeys) && !bytes.HasPrefix(msg[off:], []byte(cborKeys[k].enc)) {
			k++
		}
		if k == len(cborKeys) {
			return nil, nil, cborErr(keyOff, "unknown, duplicate or misordered member")
		}
		bit := cborKeys[k].bit
		seen |= bit
		off += len(cborKeys[k].enc)
		k++
		switch bit {
		case mV, mTimestamp:
			var major byte
			var x uint64
			if major, x, off, err = readHead(msg, off); err != nil {
				return nil, nil, err
			}
			if major != 0 {
				return nil, nil, cborErr(keyOff, "%s: want unsigned integer, got major type %d", memberName(bit), major)
			}
			if bit == mV {
				v = x
			} else if x > maxTimestamp {
				return nil, nil, cborErr(keyOff, "timestamp %d beyond 2^53-1", x)
			} else {
				h.ts = int64(x)
			}
		case mAlg, mType, mSenderPubkey, mSenderType, mNonce, mSignature:
			want := byte(3)
			if bit == mNonce || bit == mSignature {
				want = 2
			}
			var s []byte
			if s, off, err = readString(msg, off, want, memberName(bit)); err != nil {
				return nil, nil, err
			}
			switch bit {
			case mAlg:
				alg = s
			case mType:
				typ = s
			case mSenderPubkey:
				pub = s
			case mSenderType:
				sender = s
			case mNonce:
				h.nonce = s
			case mSignature:
				sig, sigKey, sigEnd = s, keyOff, off
			}
		case mPayload:
			payStart = off
			if off, err = checkCBORItem(msg, off, 0); err != nil {
				return nil, nil, err
			}
			payEnd = off
		}
	}
	if off != len(msg) {
		return nil, nil, cborErr(off, "trailing data after envelope")
	}
	if missing := mRequired &^ seen; missing != 0 {
		return nil, nil, fmt.Errorf("%w: missing member %q", ErrMalformed, firstMember(missing))
	}
	if v != Version {
		return nil, nil, fmt.Errorf("%w: version %d, want %d", ErrUnsupported, v, Version)
	}
	h.typ, h.alg, h.pub, h.senderType = string(typ), internAlg(alg), string(pub), string(sender)
	if seen&mSenderType != 0 && h.senderType == "" {
		return nil, nil, fmt.Errorf("%w: empty sender_type, want it absent", ErrMalformed)
	}
	if err := h.check(); err != nil {
		return nil, nil, err
	}
	if want := signatureSize(h.alg); len(sig) != want {
		return nil, nil, fmt.Errorf("%w: signature of %d bytes, want %d", ErrMalformed, len(sig), want)
	}
	// The signing bytes are the map with one member fewer and the signature
	// member cut out; the input is deterministic, so nothing else changes.
	sb := make([]byte, 0, len(msg)-(sigEnd-sigKey)+len(sig)+NonceSize)
	sb = append(sb, msg[0]-1)
	sb = append(sb, msg[1:sigKey]...)
	sb = append(sb, msg[sigEnd:]...)
	// Signature and nonce are copied into the spare room of the same buffer,
	// so the envelope does not alias the caller's bytes.
	spare := sb[len(sb):cap(sb)]
	copy(spare, sig)
	copy(spare[len(sig):], h.nonce)
	e := &Envelope{V: Version, Type: h.typ, Alg: h.alg, SenderPubkey: h.pub, SenderType: h.senderType,
		Timestamp: h.ts, Format: FormatCBOR,
		Signature: spare[:len(sig):len(sig)],
		Nonce:     spare[len(sig):][:NonceSize:NonceSize],
		// The payload precedes the signature member, so it keeps its offsets.
		Payload: sb[payStart:payEnd:payEnd],
	}
	return e, sb, nil
}

// readString reads a byte string (major 2) or text string (major 3) at
// b[off]. Text members of the envelope are checked against their alphabet
// later, which implies valid UTF-8.
func readString(b []byte, off int, want byte, what string) ([]byte, int, error) {
	major, n, next, err := readHead(b, off)
	if err != nil {
		return nil, off, err
	}
	if major != want {
		return nil, off, cborErr(off, "%s: want major type %d, got %d", what, want, major)
	}
	if n > uint64(len(b)-next) {
		return nil, off, cborErr(off, "%s: %d bytes run past the end", what, n)
	}
	end := next + int(n)
	return b[next:end:end], end, nil
}

func memberName(bit int) string { return firstMember(bit) }
