package envelope

import (
	"crypto/ed25519"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// t0 is the fixed time the tests seal and verify at.
var t0 = time.Unix(1767657600, 0)

// testKey returns a fixed Ed25519 key derived from one seed byte.
func testKey(b byte) ed25519.PrivateKey {
	seed := make([]byte, ed25519.SeedSize)
	for i := range seed {
		seed[i] = b
	}
	return ed25519.NewKeyFromSeed(seed)
}

// clock is a settable clock for verifiers.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

// newTestVerifier returns a verifier at t0 for type "test/ping" that pins the
// keys of signers, with the start-up fence off.
func newTestVerifier(t testing.TB, signers []Signer, opts ...VerifierOption) (*Verifier, *clock) {
	t.Helper()
	c := &clock{t: t0}
	keys := make([]string, 0, len(signers))
	for _, s := range signers {
		keys = append(keys, s.PublicKey())
	}
	all := append([]VerifierOption{WithTypes("test/ping"), WithKeys(keys...), WithClock(c.now), WithoutStartupFence()}, opts...)
	v, err := NewVerifier(all...)
	require.NoError(t, err)
	return v, c
}

type ping struct {
	Seq  int    `json:"seq" cbor:"seq"`
	Note string `json:"note" cbor:"note"`
}
