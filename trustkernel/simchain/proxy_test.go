package simchain

import (
	"bytes"
	"context"
	"math/big"
	"testing"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestProxiesMisbehave(t *testing.T) {
	ctx := context.Background()
	c, err := New(nil)
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	require.Contains(t, c.URL(), "http://127.0.0.1:")

	addr, err := c.Deploy(ctx, ProbeInitCode())
	require.NoError(t, err)
	word := common.HexToHash("0x1234")
	_, err = c.Send(ctx, &addr, word.Bytes())
	require.NoError(t, err)
	c.Mine(30)

	honest, err := ethclient.Dial(c.URL())
	require.NoError(t, err)
	id, err := honest.ChainID(ctx)
	require.NoError(t, err)
	assert.Equal(t, int64(ChainID), id.Int64())
	head, err := honest.BlockNumber(ctx)
	require.NoError(t, err)
	out, err := honest.CallContract(ctx, ethereum.CallMsg{To: &addr}, nil)
	require.NoError(t, err)
	require.Len(t, out, 64)
	assert.Equal(t, word.Bytes(), out[:32])
	assert.Equal(t, head, new(big.Int).SetBytes(out[32:]).Uint64())

	liar := NewProxy(c.URL(), Behaviour{Lie: true})
	defer liar.Close()
	lc, err := ethclient.Dial(liar.URL)
	require.NoError(t, err)
	lied, err := lc.CallContract(ctx, ethereum.CallMsg{To: &addr}, nil)
	require.NoError(t, err)
	assert.False(t, bytes.Equal(out, lied))
	assert.Equal(t, 1, diffBytes(out, lied))

	lag := NewProxy(c.URL(), Behaviour{Lag: 20})
	defer lag.Close()
	gc, err := ethclient.Dial(lag.URL)
	require.NoError(t, err)
	lagHead, err := gc.BlockNumber(ctx)
	require.NoError(t, err)
	assert.Equal(t, head-20, lagHead)
	_, err = gc.HeaderByNumber(ctx, new(big.Int).SetUint64(head))
	require.ErrorIs(t, err, ethereum.NotFound)
	top, err := honest.HeaderByNumber(ctx, nil)
	require.NoError(t, err)
	_, err = gc.CallContractAtHash(ctx, ethereum.CallMsg{To: &addr}, top.Hash())
	require.Error(t, err)

	ahead := NewProxy(c.URL(), Behaviour{Ahead: 1000})
	defer ahead.Close()
	ac, err := ethclient.Dial(ahead.URL)
	require.NoError(t, err)
	claimed, err := ac.BlockNumber(ctx)
	require.NoError(t, err)
	assert.Equal(t, head+1000, claimed)

	dead := NewProxy(c.URL(), Behaviour{Dead: true})
	dc, err := ethclient.Dial(dead.URL)
	require.NoError(t, err)
	_, err = dc.BlockNumber(ctx)
	require.Error(t, err)
}

func diffBytes(a, b []byte) int {
	n := 0
	for i := range a {
		if a[i] != b[i] {
			n++
		}
	}
	return n
}
