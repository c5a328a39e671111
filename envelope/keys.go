package envelope

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"filippo.io/edwards25519"
	"github.com/cloudflare/circl/sign/mldsa/mldsa65"
)

// Key string prefixes. A public key is written as its prefix followed by the
// multibase base58btc ('z') encoding of the multicodec-prefixed raw key, the
// form did:key uses; for example "ed25519:z6Mk...".
const (
	PrefixEd25519 = "ed25519:"
	PrefixMLDSA65 = "mldsa65:"
	PrefixHMAC    = "hmac:"
)

// Multicodec varint prefixes of the raw public keys.
var (
	codecEd25519 = []byte{0xed, 0x01} // ed25519-pub
	codecMLDSA65 = []byte{0x91, 0x24} // mldsa-65-pub (0x1211)
)

// FormatEd25519PublicKey returns the key string "ed25519:z6Mk..." of pub.
func FormatEd25519PublicKey(pub ed25519.PublicKey) string {
	return PrefixEd25519 + multibase(codecEd25519, pub)
}

// ParseEd25519PublicKey parses an Ed25519 public key written as
// "ed25519:z6Mk..." (the did:key form), "did:key:z6Mk...", or as 64
// hexadecimal digits with or without the "ed25519:" prefix.
func ParseEd25519PublicKey(s string) (ed25519.PublicKey, error) {
	body := s
	switch {
	case strings.HasPrefix(s, PrefixEd25519):
		body = s[len(PrefixEd25519):]
	case strings.HasPrefix(s, "did:key:"):
		body = s[len("did:key:"):]
	}
	raw, err := hex.DecodeString(body)
	if len(body) != 2*ed25519.PublicKeySize || err != nil {
		raw, err = parseMultibase(body, codecEd25519, ed25519.PublicKeySize)
		if err != nil {
			return nil, fmt.Errorf("ed25519 public key %.24q: %w", s, err)
		}
	}
	if err := CheckEd25519PublicKey(raw); err != nil {
		return nil, fmt.Errorf("ed25519 public key %.24q: %w", s, err)
	}
	return ed25519.PublicKey(raw), nil
}

// CheckEd25519PublicKey reports whether raw may be trusted as an Ed25519
// public key: 32 bytes that are the canonical encoding (RFC 8032 section
// 5.1.3, y below the field prime and no sign bit on x = 0) of a point on the
// curve whose order is not small. A small-order key is refused because a
// signature with R the identity and S = 0 (or a few similar ones) verifies
// under it for every message; a non-canonical encoding is refused because it
// is a second spelling of a key. Every key string this package parses, and
// so every key a [KeyRing] pins or a verifier learns on first use, passes
// this check; failures wrap [ErrWeakKey].
func CheckEd25519PublicKey(raw []byte) error {
	if len(raw) != ed25519.PublicKeySize {
		return fmt.Errorf("%w: %d bytes, want %d", ErrWeakKey, len(raw), ed25519.PublicKeySize)
	}
	p, err := new(edwards25519.Point).SetBytes(raw)
	if err != nil {
		return fmt.Errorf("%w: %x is not a point on the curve", ErrWeakKey, raw)
	}
	if !bytes.Equal(p.Bytes(), raw) {
		return fmt.Errorf("%w: %x is a non-canonical encoding (canonical %x)", ErrWeakKey, raw, p.Bytes())
	}
	if new(edwards25519.Point).MultByCofactor(p).Equal(edwards25519.NewIdentityPoint()) == 1 {
		return fmt.Errorf("%w: %x is a point of small order", ErrWeakKey, raw)
	}
	return nil
}

// FormatMLDSA65PublicKey returns the key string "mldsa65:z..." of pub.
func FormatMLDSA65PublicKey(pub *mldsa65.PublicKey) string {
	raw, _ := pub.MarshalBinary()
	return PrefixMLDSA65 + multibase(codecMLDSA65, raw)
}

// ParseMLDSA65PublicKey parses an ML-DSA-65 public key written as
// "mldsa65:z..." or as hexadecimal digits after "mldsa65:".
func ParseMLDSA65PublicKey(s string) (*mldsa65.PublicKey, error) {
	body, ok := strings.CutPrefix(s, PrefixMLDSA65)
	if !ok {
		return nil, fmt.Errorf("ml-dsa-65 public key %.24q: want prefix %q", s, PrefixMLDSA65)
	}
	var raw []byte
	var err error
	if len(body) == 2*mldsa65.PublicKeySize {
		raw, err = hex.DecodeString(body)
	} else {
		raw, err = parseMultibase(body, codecMLDSA65, mldsa65.PublicKeySize)
	}
	if err != nil {
		return nil, fmt.Errorf("ml-dsa-65 public key %.24q: %w", s, err)
	}
	var pub mldsa65.PublicKey
	if err := pub.UnmarshalBinary(raw); err != nil {
		return nil, fmt.Errorf("ml-dsa-65 public key %.24q: %w", s, err)
	}
	return &pub, nil
}

// Fingerprint returns "sha256:<64 hex>", the SHA-256 of a raw public key.
func Fingerprint(rawPublicKey []byte) string {
	sum := sha256.Sum256(rawPublicKey)
	return "sha256:" + hex.EncodeToString(sum[:])
}

func multibase(codec, raw []byte) string {
	b := make([]byte, 0, len(codec)+len(raw))
	b = append(append(b, codec...), raw...)
	return "z" + base58Encode(b)
}

func parseMultibase(s string, codec []byte, size int) ([]byte, error) {
	if len(s) == 0 || s[0] != 'z' {
		return nil, errors.New("want multibase base58btc ('z') or hex")
	}
	// Refuse over-long strings before the quadratic decode.
	if n := len(codec) + size; len(s)-1 > n*137/100+1 {
		return nil, fmt.Errorf("base58 string of %d characters is too long for %d bytes", len(s)-1, n)
	}
	b, err := base58Decode(s[1:])
	if err != nil {
		return nil, err
	}
	if len(b) != len(codec)+size || string(b[:len(codec)]) != string(codec) {
		return nil, fmt.Errorf("decoded %d bytes with prefix %x, want %d bytes with multicodec prefix %x",
			len(b), b[:min(len(b), len(codec))], len(codec)+size, codec)
	}
	return b[len(codec):], nil
}

const base58Alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"

var base58Index = func() (t [256]int8) {
	for i := range t {
		t[i] = -1
	}
	for i := 0; i < len(base58Alphabet); i++ {
		t[base58Alphabet[i]] = int8(i)
	}
	return t
}()

func base58Encode(b []byte) string {
	zeros := 0
	for zeros < len(b) && b[zeros] == 0 {
		zeros++
	}
	// log(256)/log(58) < 1.37
	out := make([]byte, len(b)*137/100+1)
	high := len(out) - 1
	for _, c := range b[zeros:] {
		carry := int(c)
		j := len(out) - 1
		for ; j > high || carry != 0; j-- {
			carry += 256 * int(out[j])
			out[j] = byte(carry % 58)
			carry /= 58
		}
		high = j
	}
	i := 0
	for i < len(out) && out[i] == 0 {
		i++
	}
	res := make([]byte, 0, zeros+len(out)-i)
	for range zeros {
		res = append(res, '1')
	}
	for _, d := range out[i:] {
		res = append(res, base58Alphabet[d])
	}
	return string(res)
}

// base58Decode decodes s strictly: every character must be in the alphabet,
// and since leading '1's stand for zero bytes the encoding is unique.
func base58Decode(s string) ([]byte, error) {
	if len(s) > 8192 {
		return nil, fmt.Errorf("base58 string of %d characters is too long", len(s))
	}
	zeros := 0
	for zeros < len(s) && s[zeros] == '1' {
		zeros++
	}
	// log(58)/log(256) < 0.733
	out := make([]byte, len(s)*733/1000+1)
	high := len(out) - 1
	for i := zeros; i < len(s); i++ {
		d := base58Index[s[i]]
		if d < 0 {
			return nil, fmt.Errorf("invalid base58 character %q at %d", s[i], i)
		}
		carry := int(d)
		j := len(out) - 1
		for ; j > high || carry != 0; j-- {
			carry += 58 * int(out[j])
			out[j] = byte(carry)
			carry >>= 8
		}
		high = j
	}
	i := 0
	for i < len(out) && out[i] == 0 {
		i++
	}
	res := make([]byte, zeros, zeros+len(out)-i)
	return append(res, out[i:]...), nil
}
