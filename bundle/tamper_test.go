package bundle

import (
	"bytes"
	"io"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// verifyQuiet verifies b, reading every member, and returns the error.
func verifyQuiet(b []byte, pub string) error {
	_, err := Verify(bytes.NewReader(b), pub, func(_ string, r io.Reader) error {
		_, err := io.Copy(io.Discard, r)
		return err
	})
	return err
}

// TestTamperEveryByte flips every byte of a small bundle in turn, in two
// ways (lowest bit, all bits), and requires every altered copy to be
// rejected.
func TestTamperEveryByte(t *testing.T) {
	s, pub := newSigner(1)
	good := build(t, s, []testMember{{"acks/0001.json", `{"ack":1}`}, {"heartbeats/0001.json", `{"hb":1}`}})
	require.NoError(t, verifyQuiet(good, pub))
	t.Logf("bundle of %d bytes", len(good))
	c := bytes.Clone(good)
	for i := range c {
		for _, mask := range []byte{0x01, 0xff} {
			c[i] ^= mask
			if err := verifyQuiet(c, pub); err == nil {
				t.Fatalf("flipping byte %d with %#x was not detected", i, mask)
			}
			c[i] ^= mask
		}
	}
}

// TestTamperLargeBundle flips 2,000 random bytes of a bundle with a large
// member, plus every byte of its header members, one at a time.
func TestTamperLargeBundle(t *testing.T) {
	s, pub := newSigner(1)
	big := strings.Repeat("0123456789abcdef", 16<<10) // 256 KiB
	good := build(t, s, []testMember{{"big.bin", big}, {"small.json", "{}"}})
	entries := splitArchive(t, good)
	headerLen := len(assembleNoEnd(entries[:3]))
	rng := rand.New(rand.NewPCG(1, 2))
	positions := make([]int, 0, headerLen+2000)
	for i := range headerLen {
		positions = append(positions, i)
	}
	for range 2000 {
		positions = append(positions, rng.IntN(len(good)))
	}
	c := bytes.Clone(good)
	for _, i := range positions {
		mask := byte(1) << rng.IntN(8)
		c[i] ^= mask
		if err := verifyQuiet(c, pub); err == nil {
			t.Fatalf("flipping byte %d with %#x was not detected", i, mask)
		}
		c[i] ^= mask
	}
}
