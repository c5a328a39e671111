package checkpoint

import (
	"encoding/base64"
	"encoding/binary"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/mod/sumdb/note"
)

// relabel copies the signature line of from in signed under the name and
// key ID of to, as anyone holding the note can.
func relabel(t *testing.T, signed []byte, from, to note.Verifier) []byte {
	t.Helper()
	prefix := "— " + from.Name() + " "
	for _, line := range strings.Split(string(signed), "\n") {
		b64, ok := strings.CutPrefix(line, prefix)
		if !ok {
			continue
		}
		raw, err := base64.StdEncoding.DecodeString(b64)
		require.NoError(t, err)
		binary.BigEndian.PutUint32(raw, to.KeyHash())
		return append(signed, "— "+to.Name()+" "+base64.StdEncoding.EncodeToString(raw)+"\n"...)
	}
	t.Fatalf("no signature by %s", from.Name())
	return nil
}

// TestHardening10SharedWitnessKey: two witness names sharing one public key
// let one cosignature satisfy a threshold of 2.
func TestHardening10SharedWitnessKey(t *testing.T) {
	logSigner := mustSigner(t, origin, 1)
	signed, err := Sign(Checkpoint{Origin: origin, Size: 1, Hash: hash1}, logSigner)
	require.NoError(t, err)
	w1, err := NewCosigner("witness.example/one", key(7))
	require.NoError(t, err)
	cosigned, err := w1.Cosign(signed, logSigner.Verifier(), fixedTime)
	require.NoError(t, err)
	v1, err := NewCosignatureVerifier("witness.example/one", pub(7))
	require.NoError(t, err)
	v2, err := NewCosignatureVerifier("witness.example/two", pub(7)) // same key, another name
	require.NoError(t, err)
	forged := relabel(t, cosigned, v1, v2)

	_, _, err = VerifyCosigned(forged, logSigner.Verifier(), []note.Verifier{v1, v2}, 2)
	require.ErrorIs(t, err, ErrBadKey)
	require.ErrorContains(t, err, "share a public key")
	// The log's key listed as a witness is refused the same way.
	asWitness, err := NewVerifier("witness.example/log-key", pub(1))
	require.NoError(t, err)
	_, _, err = VerifyCosigned(signed, logSigner.Verifier(), []note.Verifier{asWitness}, 1)
	require.ErrorIs(t, err, ErrBadKey)

	// Verifiers of another package cannot be compared by key; a signature
	// copied under a second name still counts once.
	x1, err := note.NewVerifier(mustSigner(t, "witness.example/x", 9).VerifierKey())
	require.NoError(t, err)
	xs, err := NewSigner("witness.example/x", key(9))
	require.NoError(t, err)
	x2v, err := NewVerifier("witness.example/y", pub(9))
	require.NoError(t, err)
	x2, err := note.NewVerifier(vkey("witness.example/y", x2v.KeyHash(), sigTypeEd25519, pub(9)))
	require.NoError(t, err)
	withX, err := note.Sign(&note.Note{Text: string(Checkpoint{Origin: origin, Size: 1, Hash: hash1}.Marshal())}, logSigner, xs)
	require.NoError(t, err)
	forgedX := relabel(t, withX, x1, x2)
	_, cosigs, err := VerifyCosigned(forgedX, logSigner.Verifier(), []note.Verifier{x1, x2}, 1)
	require.NoError(t, err)
	require.Len(t, cosigs, 1)
	_, _, err = VerifyCosigned(forgedX, logSigner.Verifier(), []note.Verifier{x1, x2}, 2)
	require.ErrorIs(t, err, ErrTooFewCosignatures)

	// Two real witnesses still meet a threshold of 2.
	w2, err := NewCosigner("witness.example/two", key(8))
	require.NoError(t, err)
	both, err := w2.Cosign(cosigned, logSigner.Verifier(), fixedTime)
	require.NoError(t, err)
	v2real, err := NewCosignatureVerifier("witness.example/two", pub(8))
	require.NoError(t, err)
	_, cosigs, err = VerifyCosigned(both, logSigner.Verifier(), []note.Verifier{v1, v2real}, 2)
	require.NoError(t, err)
	require.Len(t, cosigs, 2)
}
