package pairing

import (
	"crypto/hmac"
	"crypto/sha512"
	"crypto/subtle"
	"fmt"
	"io"

	r255 "github.com/bwesterb/go-ristretto"
	"github.com/cloudflare/circl/group"
)

// This file implements CPace (draft-irtf-cfrg-cpace-21) with the cipher
// suite CPACE-RISTR255-SHA512 in the initiator-responder setting, and the
// key confirmation of its section 10.4 ("CPaceMac").

const (
	cpaceDSI      = "CPaceRistretto255" // G.DSI
	cpaceHashSize = 64                  // H.b_in_bytes for SHA-512
	cpaceSInBytes = 128                 // H.s_in_bytes for SHA-512
	elementSize   = 32                  // ristretto255 encoding
)

// identityEncoding is G.I, the encoding of the neutral element.
var identityEncoding [elementSize]byte

// appendLEB128 appends n in LEB128 (7 bits a byte, least significant first).
func appendLEB128(dst []byte, n int) []byte {
	for {
		b := byte(n & 0x7f)
		n >>= 7
		if n == 0 {
			return append(dst, b)
		}
		dst = append(dst, b|0x80)
	}
}

// prependLen appends prepend_len(b): LEB128(len(b)) || b.
func prependLen(dst, b []byte) []byte {
	return append(appendLEB128(dst, len(b)), b...)
}

// lvCat returns lv_cat(parts...): each part with its length prepended.
func lvCat(parts ...[]byte) []byte {
	n := 0
	for _, p := range parts {
		n += len(p) + 3
	}
	out := make([]byte, 0, n)
	for _, p := range parts {
		out = prependLen(out, p)
	}
	return out
}

// generatorString returns generator_string(G.DSI, PRS, CI, sid, 128): the
// inputs length-prefixed, with zero padding that makes DSI, PRS and the
// padding fill the first SHA-512 block.
func generatorString(prs, ci, sid []byte) []byte {
	zpad := cpaceSInBytes - 1 - len(appendLEB128(nil, len(prs))) - len(prs) -
		len(appendLEB128(nil, len(cpaceDSI))) - len(cpaceDSI)
	zpad = max(zpad, 0)
	return lvCat([]byte(cpaceDSI), prs, make([]byte, zpad), ci, sid)
}

// calculateGenerator returns G.calculate_generator(H, PRS, CI, sid): the
// ristretto255 element derivation (RFC 9496 one-way map, two Elligator maps
// added) of SHA-512 of the generator string.
func calculateGenerator(prs, ci, sid []byte) group.Element {
	h := sha512.Sum512(generatorString(prs, ci, sid))
	var half [32]byte
	var p0, p1 r255.Point
	copy(half[:], h[:32])
	p0.SetElligator(&half)
	copy(half[:], h[32:])
	p1.SetElligator(&half)
	p0.Add(&p0, &p1)
	g := group.Ristretto255.NewElement()
	if err := g.UnmarshalBinary(p0.Bytes()); err != nil {
		// The encoding of a point is always a valid encoding.
		panic("pairing: ristretto255 encoding does not decode: " + err.Error())
	}
	return g
}

// sampleScalar returns G.sample_scalar(): 32 random bytes with the bits
// above 2^252 cleared, read as a little-endian integer (always less than
// the group order). A zero scalar is drawn again.
func sampleScalar(r io.Reader) (group.Scalar, error) {
	var b [32]byte
	for {
		if _, err := io.ReadFull(r, b[:]); err != nil {
			return nil, fmt.Errorf("pairing: random scalar: %w", err)
		}
		b[31] &= 0x0f
		s, err := scalarFromBytes(b[:])
		if err != nil {
			return nil, err
		}
		if !s.IsZero() {
			return s, nil
		}
	}
}

// scalarFromBytes reads a 32-byte little-endian scalar below the group order.
func scalarFromBytes(b []byte) (group.Scalar, error) {
	s := group.Ristretto255.NewScalar()
	if err := s.UnmarshalBinary(b); err != nil {
		return nil, fmt.Errorf("pairing: scalar: %w", err)
	}
	return s, nil
}

// scalarMult returns G.scalar_mult(y, g), the encoding of y*g.
func scalarMult(y group.Scalar, g group.Element) []byte {
	e := group.Ristretto255.NewElement().Mul(g, y)
	b, _ := e.MarshalBinaryCompress()
	return b
}

// scalarMultVfy returns G.scalar_mult_vfy(y, X): the encoding of y*decode(X),
// or G.I if X is not the canonical encoding of an element.
func scalarMultVfy(y group.Scalar, x []byte) []byte {
	e := group.Ristretto255.NewElement()
	if len(x) != elementSize || e.UnmarshalBinary(x) != nil {
		return identityEncoding[:]
	}
	b, _ := group.Ristretto255.NewElement().Mul(e, y).MarshalBinaryCompress()
	return b
}

// transcriptIR returns transcript_ir(Ya, ADa, Yb, ADb).
func transcriptIR(ya, ada, yb, adb []byte) []byte {
	return append(lvCat(ya, ada), lvCat(yb, adb)...)
}

// transcriptOC returns transcript_oc(Ya, ADa, Yb, ADb), the ordered
// concatenation for the parallel setting (only the vectors use it).
func transcriptOC(ya, ada, yb, adb []byte) []byte {
	a, b := lvCat(ya, ada), lvCat(yb, adb)
	if lexLarger(b, a) {
		a, b = b, a
	}
	return append(append([]byte("oc"), a...), b...)
}

// lexLarger reports whether a > b in lexicographic order.
func lexLarger(a, b []byte) bool {
	for i := 0; i < min(len(a), len(b)); i++ {
		if a[i] != b[i] {
			return a[i] > b[i]
		}
	}
	return len(a) > len(b)
}

// deriveISK returns ISK = H.hash(lv_cat(G.DSI||"_ISK", sid, K) || transcript).
func deriveISK(sid, k, transcript []byte) []byte {
	h := sha512.New()
	h.Write(lvCat([]byte(cpaceDSI+"_ISK"), sid, k))
	h.Write(transcript)
	return h.Sum(nil)
}

// sidOutput returns H.hash("CPaceSidOutput" || transcript).
func sidOutput(transcript []byte) []byte {
	h := sha512.Sum512(append([]byte("CPaceSidOutput"), transcript...))
	return h[:]
}

// confirmTag returns the CPaceMac tag of one party: HMAC-SHA512 under
// mac_key = H.hash("CPaceMac" || sid || ISK) over lv_cat(Y, AD) of the
// message that party sent.
func confirmTag(sid, isk, y, ad []byte) []byte {
	mk := sha512.New()
	mk.Write([]byte("CPaceMac"))
	mk.Write(sid)
	mk.Write(isk)
	m := hmac.New(sha512.New, mk.Sum(nil))
	m.Write(lvCat(y, ad))
	return m.Sum(nil)
}

// cpace is one party of one CPace run.
type cpace struct {
	initiator bool
	sid, ad   []byte
	y         group.Scalar
	share     []byte // Ya or Yb
}

// cpaceResult is what a finished CPace run yields.
type cpaceResult struct {
	isk        []byte // 64 bytes
	ownTag     []byte // the tag this party sends
	peerTag    []byte // the tag this party expects
	transcript []byte
}

// newCPace starts a party: it derives the generator from the password
// related string prs, the channel identifier ci and the session id sid, and
// computes its share from a fresh scalar read from rnd.
func newCPace(initiator bool, prs, ci, sid, ad []byte, rnd io.Reader) (*cpace, error) {
	y, err := sampleScalar(rnd)
	if err != nil {
		return nil, err
	}
	g := calculateGenerator(prs, ci, sid)
	return &cpace{initiator: initiator, sid: sid, ad: ad, y: y, share: scalarMult(y, g)}, nil
}

// finish takes the peer's share and associated data, checks the share (an
// encoding that does not decode, or whose product is the neutral element,
// aborts with [ErrBadShare]), and derives ISK and both confirmation tags.
func (c *cpace) finish(peerShare, peerAD []byte) (*cpaceResult, error) {
	k := scalarMultVfy(c.y, peerShare)
	if subtle.ConstantTimeCompare(k, identityEncoding[:]) == 1 {
		return nil, fmt.Errorf("%w: peer share %x", ErrBadShare, peerShare)
	}
	var t []byte
	if c.initiator {
		t = transcriptIR(c.share, c.ad, peerShare, peerAD)
	} else {
		t = transcriptIR(peerShare, peerAD, c.share, c.ad)
	}
	isk := deriveISK(c.sid, k, t)
	return &cpaceResult{
		isk:        isk,
		ownTag:     confirmTag(c.sid, isk, c.share, c.ad),
		peerTag:    confirmTag(c.sid, isk, peerShare, peerAD),
		transcript: t,
	}, nil
}

// newElement returns a ristretto255 element (the neutral element).
func newElement() group.Element { return group.Ristretto255.NewElement() }
