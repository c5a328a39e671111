package quorum

import (
	"context"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestQuorumTransaction: a mined transaction is agreed on with its block,
// status and confirmations counted at the pin; one below the pin's reach,
// and an unknown hash, are ErrTxNotFound.
func TestQuorumTransaction(t *testing.T) {
	c := newTestChain(t)
	ctx := context.Background()
	rcpt, err := c.Send(ctx, &c.probe, common.HexToHash("0xbeef").Bytes())
	require.NoError(t, err)
	hash := rcpt.TxHash
	c.Mine(4)

	r, err := New(c.proxies(t, liar, honest, honest), 2, WithClock(c.clock(t)), WithPinTTL(0), WithConfirmations(0))
	require.NoError(t, err)
	defer r.Close()
	ag, err := r.Transaction(ctx, hash)
	require.NoError(t, err)
	assert.Equal(t, hash, ag.Tx.Hash())
	assert.Equal(t, uint64(1), ag.Status)
	assert.Equal(t, rcpt.BlockNumber.Uint64(), ag.Block.Number)
	assert.Equal(t, rcpt.BlockHash, ag.Block.Hash)
	assert.Equal(t, ag.Pinned.Number-ag.Block.Number+1, ag.Confirmations)
	assert.Equal(t, uint64(5), ag.Confirmations)
	assert.Len(t, ag.Agreed, 2)

	_, err = r.Transaction(ctx, common.HexToHash("0x01"))
	require.ErrorIs(t, err, ErrTxNotFound)

	// Mined above the pin: not there yet as far as the reader is concerned.
	deep, err := New(c.proxies(t, honest, honest, honest), 2, WithClock(c.clock(t)), WithPinTTL(0), WithConfirmations(10))
	require.NoError(t, err)
	defer deep.Close()
	_, err = deep.Transaction(ctx, hash)
	require.ErrorIs(t, err, ErrTxNotFound)
}
