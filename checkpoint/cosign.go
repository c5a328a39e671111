package checkpoint

import (
	"crypto/ed25519"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"strconv"
	"time"

	"golang.org/x/mod/sumdb/note"
)

// cosignatureSize is a timestamped Ed25519 cosignature: a big-endian uint64
// POSIX time followed by the Ed25519 signature.
const cosignatureSize = 8 + ed25519.SignatureSize

var (
	// ErrTooFewCosignatures is returned by [VerifyCosigned] when fewer
	// witnesses than required cosigned the checkpoint.
	ErrTooFewCosignatures = errors.New("checkpoint: too few cosignatures")
	// ErrBadTime is returned for a cosignature time that cannot be encoded.
	ErrBadTime = errors.New("checkpoint: cosignature time out of range")
)

// cosignedMessage is what a C2SP tlog-cosignature/v1 Ed25519 cosignature
// signs: a header line, a time line, and the checkpoint's note text.
func cosignedMessage(t uint64, text []byte) []byte {
	msg := make([]byte, 0, 64+len(text))
	msg = append(msg, "cosignature/v1\ntime "...)
	msg = strconv.AppendUint(msg, t, 10)
	msg = append(msg, '\n')
	return append(msg, text...)
}

// Cosigner makes timestamped Ed25519 cosignatures (C2SP tlog-cosignature,
// signature type 0x04): a witness's statement that, at the time given, the
// checkpoint is the largest consistent tree it has observed for the log.
type Cosigner struct {
	identity
	key ed25519.PrivateKey
}

// NewCosigner returns a cosigner named name (a schema-less URL identifying
// the witness, for example "witness.example.com/w1"). A key must serve one
// cosigner only: the signed message does not commit to the name.
func NewCosigner(name string, key ed25519.PrivateKey) (*Cosigner, error) {
	k, err := privateIdentity(name, sigTypeCosignature, key)
	if err != nil {
		return nil, err
	}
	return &Cosigner{identity: k, key: key}, nil
}

// Verifier returns the verifier of this cosigner's cosignatures.
func (c *Cosigner) Verifier() note.Verifier { return &cosignatureVerifier{c.identity} }

// Cosign verifies that log signed the checkpoint signed and returns it with
// this cosigner's cosignature for time at added after the signatures it
// already has. The caller states, by cosigning, that the checkpoint is
// consistent with every checkpoint of the log it has seen (check that with
// [VerifyConsistency] first) and is the largest it has seen.
func (c *Cosigner) Cosign(signed []byte, log note.Verifier, at time.Time) ([]byte, error) {
	if at.Unix() < 0 {
		return nil, fmt.Errorf("%w: %v is before 1970", ErrBadTime, at)
	}
	_, n, err := Verify(signed, log)
	if err != nil {
		return nil, err
	}
	t := uint64(at.Unix())
	s := &timedSigner{c: c, t: t}
	return note.Sign(n, s)
}

// timedSigner is the note.Signer of one cosignature at a fixed time.
type timedSigner struct {
	c *Cosigner
	t uint64
}

func (s *timedSigner) Name() string    { return s.c.name }
func (s *timedSigner) KeyHash() uint32 { return s.c.id }
func (s *timedSigner) Sign(text []byte) ([]byte, error) {
	sig := make([]byte, 8, cosignatureSize)
	binary.BigEndian.PutUint64(sig, s.t)
	return append(sig, ed25519.Sign(s.c.key, cosignedMessage(s.t, text))...), nil
}

// cosignatureVerifier checks one witness's timestamped cosignatures.
type cosignatureVerifier struct{ identity }

// NewCosignatureVerifier returns the [note.Verifier] of a witness's
// timestamped Ed25519 cosignatures.
func NewCosignatureVerifier(name string, pub ed25519.PublicKey) (note.Verifier, error) {
	k, err := newIdentity(name, sigTypeCosignature, pub)
	if err != nil {
		return nil, err
	}
	return &cosignatureVerifier{k}, nil
}

func (v *cosignatureVerifier) Verify(text, sig []byte) bool {
	if len(sig) != cosignatureSize {
		return false
	}
	t := binary.BigEndian.Uint64(sig)
	return t <= math.MaxInt64 && ed25519.Verify(v.pub, cosignedMessage(t, text), sig[8:])
}

// Cosignature is a verified cosignature of a checkpoint.
type Cosignature struct {
	Name  string    // the witness's key name
	KeyID uint32    // its key ID
	Time  time.Time // when it cosigned, to the second, in UTC
}

// VerifyCosigned verifies a checkpoint signed by log and cosigned by at
// least threshold of the witnesses, and returns the checkpoint and the
// verified cosignatures. Signatures by keys not listed are ignored; a
// signature by a listed key that does not verify rejects the checkpoint.
// Each key counts once: a list in which the log or two witnesses share a
// public key (under different names) is refused with [ErrBadKey], since a
// signature does not cover its signer's name; and identical signature bytes
// under two names (possible only through verifiers of other packages, whose
// keys cannot be compared) count as one cosignature.
// Judging the cosignature times (for example, rejecting times in the
// future) is left to the caller's policy.
func VerifyCosigned(signed []byte, log note.Verifier, witnesses []note.Verifier, threshold int) (Checkpoint, []Cosignature, error) {
	if threshold < 0 || threshold > len(witnesses) {
		return Checkpoint{}, nil, fmt.Errorf("%w: threshold %d of %d witnesses", ErrBadKey, threshold, len(witnesses))
	}
	all := append([]note.Verifier{log}, witnesses...)
	for i, a := range all {
		for _, b := range all[:i] {
			if a.Name() == b.Name() && a.KeyHash() == b.KeyHash() {
				return Checkpoint{}, nil, fmt.Errorf("%w: key %s+%08x given twice", ErrBadKey, a.Name(), a.KeyHash())
			}
			// A signature does not cover the signer's name, so one key
			// under two names would let one signature count twice.
			ka, okA := a.(publicKeyer)
			kb, okB := b.(publicKeyer)
			if okA && okB && ka.publicKey().Equal(kb.publicKey()) {
				return Checkpoint{}, nil, fmt.Errorf("%w: %s and %s share a public key", ErrBadKey, b.Name(), a.Name())
			}
		}
	}
	known := note.VerifierList(all...)
	c, n, err := open(signed, log, known)
	if err != nil {
		return Checkpoint{}, nil, err
	}
	var cosigs []Cosignature
	// Signature bytes already counted (after the 4-byte key ID): with
	// verifiers of other packages the keys cannot be compared, but a
	// signature copied under a second name is still the same bytes.
	counted := map[string]bool{}
	for _, s := range n.Sigs {
		if s.Name == log.Name() && s.Hash == log.KeyHash() {
			continue
		}
		for _, w := range witnesses {
			if s.Name != w.Name() || s.Hash != w.KeyHash() {
				continue
			}
			raw, _ := base64.StdEncoding.DecodeString(s.Base64)
			if counted[string(raw[4:])] {
				break
			}
			counted[string(raw[4:])] = true
			cs := Cosignature{Name: s.Name, KeyID: s.Hash}
			if _, ok := w.(*cosignatureVerifier); ok {
				cs.Time = time.Unix(int64(binary.BigEndian.Uint64(raw[4:])), 0).UTC()
			}
			cosigs = append(cosigs, cs)
			break
		}
	}
	if len(cosigs) < threshold {
		return Checkpoint{}, nil, fmt.Errorf("%w: %d verified, want %d", ErrTooFewCosignatures, len(cosigs), threshold)
	}
	return c, cosigs, nil
}
