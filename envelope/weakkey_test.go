package envelope

import (
	"crypto/ed25519"
	"errors"
	"testing"

	"filippo.io/edwards25519"
	"github.com/stretchr/testify/require"
)

// forgingSigner claims a small-order public key and "signs" every message
// with R = the identity point and S = 0, which verifies under the identity
// key for any message.
type forgingSigner struct{ pub []byte }

func (s forgingSigner) Algorithm() string { return AlgEd25519 }
func (s forgingSigner) PublicKey() string { return FormatEd25519PublicKey(s.pub) }
func (s forgingSigner) Sign([]byte) ([]byte, error) {
	sig := make([]byte, ed25519.SignatureSize)
	sig[0] = 1 // R: the identity point (y = 1); S: zero
	return sig, nil
}

// smallOrderEncodings returns the canonical encodings of the eight points
// of order dividing 8: the multiples of a point of order 8, found as [L]P
// (L the prime group order) for a point P with a torsion component.
func smallOrderEncodings(t *testing.T) [][]byte {
	t.Helper()
	id := edwards25519.NewIdentityPoint()
	for y := byte(2); y < 200; y++ {
		enc := make([]byte, 32)
		enc[0] = y
		p, err := new(edwards25519.Point).SetBytes(enc)
		if err != nil {
			continue
		}
		g := mulByL(p) // order divides 8
		four := new(edwards25519.Point).Add(g, g)
		four.Add(four, four)
		if four.Equal(id) == 1 {
			continue // order below 8: not a generator of the torsion group
		}
		var found [][]byte
		q := edwards25519.NewIdentityPoint()
		for range 8 {
			found = append(found, q.Bytes())
			q = new(edwards25519.Point).Add(q, g)
		}
		require.Equal(t, 1, q.Equal(id), "[8]g is the identity")
		return found
	}
	t.Fatal("no point of order 8 found")
	return nil
}

// mulByL returns [L]p by double-and-add over L's bits (the Scalar type
// reduces mod L, so it cannot express L itself).
func mulByL(p *edwards25519.Point) *edwards25519.Point {
	// L in little-endian bytes.
	lBytes := []byte{0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10}
	acc := edwards25519.NewIdentityPoint()
	for i := 255; i >= 0; i-- {
		acc.Add(acc, acc)
		if lBytes[i/8]>>(i%8)&1 == 1 {
			acc.Add(acc, p)
		}
	}
	return acc
}

// TestHardening11SmallOrderKey: the small-order Ed25519 public key was
// accepted into a key ring and on first use, and its forged signature
// (R = identity, S = 0) verified for every message.
func TestHardening11SmallOrderKey(t *testing.T) {
	identity := make([]byte, 32)
	identity[0] = 1
	forger := forgingSigner{pub: identity}
	msg, err := Seal(forger, "test/ping", ping{Seq: 1, Note: "forged"}, WithTimestamp(t0))
	require.NoError(t, err)
	// The forgery is real: the standard library accepts it.
	sb, err := SigningBytes(msg)
	require.NoError(t, err)
	sig, _ := forger.Sign(sb)
	require.True(t, ed25519.Verify(identity, sb, sig), "precondition: the forged signature verifies")

	t.Run("key ring", func(t *testing.T) {
		err := NewKeyRing().Add(forger.PublicKey())
		require.ErrorIs(t, err, ErrWeakKey)
		_, err = NewVerifier(WithTypes("test/ping"), WithKeys(forger.PublicKey()))
		require.ErrorIs(t, err, ErrWeakKey)
	})
	t.Run("first use", func(t *testing.T) {
		c := &clock{t: t0}
		ring := NewKeyRing()
		v, err := NewVerifier(WithTypes("test/ping"), WithKeyRing(ring), WithClock(c.now), WithoutStartupFence(),
			WithTrustOnFirstUse(func(*Envelope) bool { return true }))
		require.NoError(t, err)
		_, err = v.Open(msg)
		require.ErrorIs(t, err, ErrUnknownKey)
		require.Empty(t, ring.Keys(), "the small-order key was learned")
	})
	t.Run("key strings", func(t *testing.T) {
		for _, enc := range smallOrderEncodings(t) {
			for _, s := range []string{FormatEd25519PublicKey(enc), PrefixEd25519 + hexString(enc)} {
				_, err := ParseEd25519PublicKey(s)
				require.ErrorIs(t, err, ErrWeakKey, "%x", enc)
			}
			require.ErrorIs(t, CheckEd25519PublicKey(enc), ErrWeakKey)
		}
	})
}

// TestHardening11NonCanonicalKey: a key written with y at or above the field
// prime (a second spelling of a real key), or that is no point at all, is
// refused; a real key is accepted.
func TestHardening11NonCanonicalKey(t *testing.T) {
	// Find a y below 19 that is a point of large order; y + p is then a
	// non-canonical spelling of the same point.
	var nonCanonical []byte
	for k := byte(2); k < 19; k++ {
		enc := make([]byte, 32)
		enc[0] = k
		p, err := new(edwards25519.Point).SetBytes(enc)
		if err != nil || new(edwards25519.Point).MultByCofactor(p).Equal(edwards25519.NewIdentityPoint()) == 1 {
			continue
		}
		require.NoError(t, CheckEd25519PublicKey(enc), "y=%d", k)
		nonCanonical = make([]byte, 32)
		nonCanonical[0] = 0xed + k // p + k, little-endian
		for i := 1; i < 31; i++ {
			nonCanonical[i] = 0xff
		}
		nonCanonical[31] = 0x7f
		break
	}
	require.NotNil(t, nonCanonical)
	for _, s := range []string{FormatEd25519PublicKey(nonCanonical), hexString(nonCanonical)} {
		_, err := ParseEd25519PublicKey(s)
		require.ErrorIs(t, err, ErrWeakKey, s)
		require.ErrorIs(t, NewKeyRing().Add(s), ErrWeakKey, s)
	}
	// Not on the curve: y = 2 has no x (checked by the library).
	off := make([]byte, 32)
	off[0] = 2
	if _, err := new(edwards25519.Point).SetBytes(off); err != nil {
		require.ErrorIs(t, CheckEd25519PublicKey(off), ErrWeakKey)
	}
	// Real keys still parse.
	for b := byte(0); b < 32; b++ {
		pub := testKey(b).Public().(ed25519.PublicKey)
		got, err := ParseEd25519PublicKey(FormatEd25519PublicKey(pub))
		require.NoError(t, err)
		require.Equal(t, pub, got)
	}
	require.True(t, errors.Is(CheckEd25519PublicKey(make([]byte, 31)), ErrWeakKey))
}

func hexString(b []byte) string {
	const digits = "0123456789abcdef"
	out := make([]byte, 0, 2*len(b))
	for _, c := range b {
		out = append(out, digits[c>>4], digits[c&15])
	}
	return string(out)
}
