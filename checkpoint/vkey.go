package checkpoint

import (
	"crypto/ed25519"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"

	"github.com/accordsdk/accord/envelope"
	"github.com/accordsdk/accord/internal/strictb64"
)

// vkey encodes a C2SP signed-note verifier key:
// <name>+<hex key ID>+base64(signature type || public key).
func vkey(name string, id uint32, sigType byte, pub []byte) string {
	return fmt.Sprintf("%s+%08x+%s", name, id, base64.StdEncoding.EncodeToString(append([]byte{sigType}, pub...)))
}

// VerifierKey returns the signer's verifier key in the C2SP signed-note
// form, for example "example.com/log+1a2b3c4d+AS...".
func (s *Signer) VerifierKey() string {
	return vkey(s.name, s.id, sigTypeEd25519, s.pub)
}

// VerifierKey returns the cosigner's verifier key in the C2SP signed-note
// form (signature type 0x04).
func (c *Cosigner) VerifierKey() string {
	return vkey(c.name, c.id, sigTypeCosignature, c.pub)
}

// ParseVerifierKey parses a C2SP signed-note verifier key of an Ed25519 log
// key (type 0x01) or an Ed25519 cosigner key (type 0x04), checking that its
// key ID matches its name and key.
func ParseVerifierKey(key string) (note.Verifier, error) {
	name, rest, ok1 := strings.Cut(key, "+")
	hexID, b64, ok2 := strings.Cut(rest, "+")
	if !ok1 || !ok2 || len(hexID) != 8 {
		return nil, fmt.Errorf("%w: verifier key %q is not name+id+key", ErrBadKey, key)
	}
	id, err1 := strconv.ParseUint(hexID, 16, 32)
	raw, err2 := strictb64.Std(b64)
	if err1 != nil || fmt.Sprintf("%08x", id) != hexID || err2 != nil || len(raw) != 1+ed25519.PublicKeySize {
		return nil, fmt.Errorf("%w: verifier key %q: bad key ID or key", ErrBadKey, key)
	}
	pub := ed25519.PublicKey(raw[1:])
	var v note.Verifier
	var err error
	switch raw[0] {
	case sigTypeEd25519:
		v, err = NewVerifier(name, pub)
	case sigTypeCosignature:
		v, err = NewCosignatureVerifier(name, pub)
	default:
		return nil, fmt.Errorf("%w: verifier key %q: signature type %#02x, want 0x01 or 0x04", ErrBadKey, key, raw[0])
	}
	if err != nil {
		return nil, err
	}
	if v.KeyHash() != uint32(id) {
		return nil, fmt.Errorf("%w: verifier key %q: key ID %08x, want %08x", ErrBadKey, key, id, v.KeyHash())
	}
	return v, nil
}

// LogVerifier returns the verifier of a log's checkpoint signatures, with
// the log's Ed25519 public key in accord's key string form ("ed25519:z6Mk...",
// see [envelope.ParseEd25519PublicKey]).
func LogVerifier(origin, pubkey string) (note.Verifier, error) {
	pub, err := envelope.ParseEd25519PublicKey(pubkey)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrBadKey, err)
	}
	return NewVerifier(origin, pub)
}

// WitnessVerifier returns the verifier of a witness's cosignatures, with
// its Ed25519 public key in accord's key string form ("ed25519:z6Mk...").
func WitnessVerifier(name, pubkey string) (note.Verifier, error) {
	pub, err := envelope.ParseEd25519PublicKey(pubkey)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrBadKey, err)
	}
	return NewCosignatureVerifier(name, pub)
}
