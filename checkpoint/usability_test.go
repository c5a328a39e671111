package checkpoint

import (
	"crypto/ed25519"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/mod/sumdb/tlog"
)

// TestVerifyWithKey: a signed checkpoint verifies with the log's C2SP
// verifier key alone (the origin is the key's name), and not with another
// log's key.
func TestVerifyWithKey(t *testing.T) {
	key := ed25519.NewKeyFromSeed(make([]byte, 32))
	s, err := NewSigner("example.com/log", key)
	require.NoError(t, err)
	c := Checkpoint{Origin: "example.com/log", Size: 7, Hash: tlog.RecordHash([]byte("x"))}
	signed, err := Sign(c, s)
	require.NoError(t, err)
	got, n, err := VerifyWithKey(signed, s.VerifierKey())
	require.NoError(t, err)
	assert.Equal(t, c.Size, got.Size)
	assert.NotNil(t, n)

	other, err := NewSigner("example.com/other", key)
	require.NoError(t, err)
	_, _, err = VerifyWithKey(signed, other.VerifierKey())
	assert.ErrorIs(t, err, ErrBadSignature)
	_, _, err = VerifyWithKey(signed, "not a key")
	assert.Error(t, err)
}

// TestParseSignedNote: Parse handed a whole signed note says so.
func TestParseSignedNote(t *testing.T) {
	key := ed25519.NewKeyFromSeed(make([]byte, 32))
	s, err := NewSigner("example.com/log", key)
	require.NoError(t, err)
	signed, err := Sign(Checkpoint{Origin: "example.com/log", Size: 1, Hash: tlog.RecordHash([]byte("x"))}, s)
	require.NoError(t, err)
	_, err = Parse(signed)
	require.ErrorIs(t, err, ErrMalformed)
	assert.Contains(t, err.Error(), "signed note")
}

// TestToRecordProof: byte strings convert to proof hashes, checked.
func TestToRecordProof(t *testing.T) {
	h1, h2 := tlog.RecordHash([]byte("a")), tlog.RecordHash([]byte("b"))
	p, err := ToRecordProof([][]byte{h1[:], h2[:]})
	require.NoError(t, err)
	assert.Equal(t, tlog.RecordProof{h1, h2}, p)
	tp, err := ToTreeProof([][]byte{h2[:]})
	require.NoError(t, err)
	assert.Equal(t, tlog.TreeProof{h2}, tp)
	_, err = ToRecordProof([][]byte{h1[:31]})
	assert.ErrorIs(t, err, ErrMalformed)
	_, err = ToRecordProof(make([][]byte, 64))
	assert.ErrorIs(t, err, ErrMalformed)
	p, err = ToRecordProof(nil)
	require.NoError(t, err)
	assert.Empty(t, p)
}
