package chp

import (
	"bytes"
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accordsdk/accord/checkpoint"
	"github.com/accordsdk/accord/envelope"
)

// TestLedgerProofs: the Global Registry proves a ledger record's inclusion
// as a C2SP tlog-proof that verifies with the root key and the ledger's
// origin, and proves two ledger sizes consistent.
func TestLedgerProofs(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	w.beats(3)
	b, _ := w.export(ExportOptions{})
	_, err := w.gr.Import(ctx, bytes.NewReader(b))
	require.NoError(t, err)
	origin, err := grOrigin(w.root)
	require.NoError(t, err)
	pub, err := envelope.ParseEd25519PublicKey(w.root)
	require.NoError(t, err)
	v, err := checkpoint.NewVerifier(origin, pub)
	require.NoError(t, err)
	old, _, err := checkpoint.Verify(mustLedgerCheckpoint(t, w.gr), v)
	require.NoError(t, err)

	w.beats(2)
	b, _ = w.export(ExportOptions{})
	_, err = w.gr.Import(ctx, bytes.NewReader(b))
	require.NoError(t, err)
	p, err := w.gr.LedgerProof(ctx, 4)
	require.NoError(t, err)
	rec, err := w.gr.LedgerRecord(4)
	require.NoError(t, err)
	cp, err := p.Verify(rec, v, nil, 0)
	require.NoError(t, err)
	assert.Equal(t, uint64(5), cp.Size)
	rec0, err := w.gr.LedgerRecord(0)
	require.NoError(t, err)
	_, err = p.Verify(rec0, v, nil, 0)
	assert.ErrorIs(t, err, checkpoint.ErrInclusion)
	_, err = w.gr.LedgerProof(ctx, 5)
	assert.ErrorIs(t, err, ErrNotFound)

	cons, err := w.gr.LedgerConsistency(ctx, old.Size, 0)
	require.NoError(t, err)
	cur, _, err := checkpoint.Verify([]byte(cons.Checkpoint), v)
	require.NoError(t, err)
	require.NoError(t, cons.Verify(old, cur))
}

func mustLedgerCheckpoint(t testing.TB, g *GlobalRegistry) []byte {
	t.Helper()
	b, err := g.LedgerCheckpoint(context.Background())
	require.NoError(t, err)
	return b
}
