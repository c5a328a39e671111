package loganchor_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/mod/sumdb/note"

	"github.com/accordsdk/accord/checkpoint"
	"github.com/accordsdk/accord/internal/loganchor"
	"github.com/accordsdk/accord/internal/merklelog"
)

func TestAnchorAndVerify(t *testing.T) {
	ctx := context.Background()
	key := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{3}, 32))
	signer, err := checkpoint.NewSigner("example.com/anchors", key)
	require.NoError(t, err)
	l, err := merklelog.Open(t.TempDir(), merklelog.Options{Origin: "example.com/anchors", Signer: signer})
	require.NoError(t, err)
	defer l.Close()
	a, err := loganchor.New(l, signer.Verifier())
	require.NoError(t, err)
	var _ checkpoint.Anchorer = a
	require.Equal(t, "log", a.Backend())

	root := sha256.Sum256([]byte("a log root"))
	_, err = a.Anchor(ctx, sha256.Sum256([]byte("first")), "other")
	require.NoError(t, err)
	p, err := a.Anchor(ctx, root, "scroll/Compliance")
	require.NoError(t, err)
	require.EqualValues(t, 1, p.BlockNumber)

	// The stored record is the documented text.
	rec, err := l.Record(1)
	require.NoError(t, err)
	require.Equal(t, "accord-anchor/v1\nlabel scroll/Compliance\nroot "+hex.EncodeToString(root[:])+"\n", string(rec))

	v, err := loganchor.NewVerifier(signer.Verifier(), nil, 0)
	require.NoError(t, err)
	require.NoError(t, v.VerifyAnchor(ctx, root, "scroll/Compliance", p))
	_, err = v.Anchor(ctx, root, "x")
	require.ErrorIs(t, err, loganchor.ErrNoLog)

	other := sha256.Sum256([]byte("other root"))
	wrongKey, _ := checkpoint.NewVerifier("example.com/anchors", ed25519.NewKeyFromSeed(bytes.Repeat([]byte{4}, 32)).Public().(ed25519.PublicKey))
	vw, _ := loganchor.NewVerifier(wrongKey, nil, 0)
	tampered := *p
	tampered.Evidence = bytes.Replace(bytes.Clone(p.Evidence), []byte("index 1"), []byte("index 0"), 1)
	renumbered := *p
	renumbered.BlockNumber = 0
	for name, tc := range map[string]struct {
		v     *loganchor.Anchorer
		root  [32]byte
		label string
		proof *checkpoint.AnchorProof
	}{
		"other root":     {v, other, "scroll/Compliance", p},
		"other label":    {v, root, "scroll/Drills", p},
		"wrong key":      {vw, root, "scroll/Compliance", p},
		"other backend":  {v, root, "scroll/Compliance", &checkpoint.AnchorProof{Backend: "ethereum", Evidence: p.Evidence}},
		"no proof":       {v, root, "scroll/Compliance", nil},
		"tampered index": {v, root, "scroll/Compliance", &tampered},
		"renumbered":     {v, root, "scroll/Compliance", &renumbered},
		"bad label":      {v, root, "a\nb", p},
	} {
		err := tc.v.VerifyAnchor(ctx, tc.root, tc.label, tc.proof)
		require.ErrorIs(t, err, checkpoint.ErrNotAnchored, name)
	}

	// A witness threshold the proof's checkpoint does not meet.
	w, _ := checkpoint.NewCosigner("example.com/w", ed25519.NewKeyFromSeed(bytes.Repeat([]byte{5}, 32)))
	vt, err := loganchor.NewVerifier(signer.Verifier(), []note.Verifier{w.Verifier()}, 1)
	require.NoError(t, err)
	require.ErrorIs(t, vt.VerifyAnchor(ctx, root, "scroll/Compliance", p), checkpoint.ErrNotAnchored)
	_, err = loganchor.NewVerifier(signer.Verifier(), nil, 1)
	require.Error(t, err)
	_, err = a.Anchor(ctx, root, strings.Repeat("x", loganchor.MaxLabel+1))
	require.Error(t, err)
}
