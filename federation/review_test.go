package federation_test

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/mod/sumdb/note"

	"github.com/accordsdk/accord/checkpoint"
	"github.com/accordsdk/accord/federation"
)

// Anyone may POST add-checkpoint, and the log's checkpoints are public, so
// a stranger can send a real checkpoint with a made-up proof as often as
// it likes. The witness refuses each, and keeps evidence once per pair of
// checkpoints, not once per request: the evidence it keeps is bounded by
// what the log signed, not by what strangers send.
func TestWitnessEvidenceBoundedByLog(t *testing.T) {
	skey, vkey, err := note.GenerateKey(rand.Reader, "example.com/log")
	require.NoError(t, err)
	signer, err := note.NewSigner(skey)
	require.NoError(t, err)
	tree := &memTree{signer: signer, origin: "example.com/log"}
	for i := range 4 {
		tree.add(fmt.Appendf(nil, "entry %d", i))
	}
	cosigner, err := checkpoint.NewCosigner("example.com/witness", ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, 32)))
	require.NoError(t, err)
	logs, err := federation.StaticLogs(vkey)
	require.NoError(t, err)
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	clock := func() time.Time { now = now.Add(time.Second); return now }
	w, err := federation.NewWitness(cosigner, t.TempDir(), logs, clock, nil)
	require.NoError(t, err)
	defer w.Close()
	_, err = w.AddCheckpoint(t.Context(), 0, nil, tree.checkpoint(t))
	require.NoError(t, err)
	for i := 4; i < 9; i++ {
		tree.add(fmt.Appendf(nil, "entry %d", i))
	}
	cp9 := tree.checkpoint(t)
	for i := range 20 {
		junk := make([]byte, 32)
		junk[0] = byte(i)
		body := "old 4\n" + base64.StdEncoding.EncodeToString(junk) + "\n\n" + string(cp9)
		old, proof, signed, err := federation.ParseAddCheckpoint([]byte(body))
		require.NoError(t, err)
		_, err = w.AddCheckpoint(t.Context(), old, proof, signed)
		require.Error(t, err)
		require.True(t, strings.Contains(err.Error(), "consisten") || strings.Contains(err.Error(), "fork"), err.Error())
	}
	ev, err := w.Evidence()
	require.NoError(t, err)
	require.LessOrEqual(t, len(ev), 1, "one pair of checkpoints, one piece of evidence")
}
