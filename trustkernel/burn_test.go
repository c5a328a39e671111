package trustkernel

import (
	"context"
	"math/big"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accordsdk/accord/cahp"
	"github.com/accordsdk/accord/trustkernel/quorum"
	"github.com/accordsdk/accord/trustkernel/simchain"
)

// TestBurnVerifier: burns sent on the simulated chain, read through a
// quorum of proxies (one of them lagging), are accepted exactly when they
// pay enough to the burn address with the binding, with the confirmations.
func TestBurnVerifier(t *testing.T) {
	ctx := context.Background()
	c, err := simchain.New(nil)
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	client, err := c.Dial(ctx)
	require.NoError(t, err)
	defer client.Close()

	binding := [32]byte{1, 2, 3}
	amount := big.NewInt(1e15)
	tx, err := SendBurn(ctx, client, simchain.Key(1), simchain.ChainID, amount, binding)
	require.NoError(t, err)
	// A payment to another address with the binding as data is no burn.
	other := common.HexToAddress("0x00000000000000000000000000000000000000aa")
	rcpt, err := c.Send(ctx, &other, binding[:])
	require.NoError(t, err)
	c.Mine(5) // the burn now has 7 confirmations at the head

	tc := &testChain{Chain: c}
	urls := tc.proxies(t, simchain.Behaviour{}, simchain.Behaviour{Lag: 2}, simchain.Behaviour{})
	// A head spread below the lag keeps the lagging endpoint out of every
	// quorum of heads, so the pin is the head whatever order answers come in.
	r, err := quorum.New(urls, 2, quorum.WithChainID(simchain.ChainID), quorum.WithConfirmations(0), quorum.WithHeadSpread(1), quorum.WithClock(tc.clock(t)), quorum.WithPinTTL(0))
	require.NoError(t, err)
	defer r.Close()
	v, err := NewBurnVerifier(r, simchain.ChainID)
	require.NoError(t, err)
	chain := v.Chain()
	assert.Equal(t, "eip155:1337", chain)

	ok := cahp.Burn{Chain: chain, TxHash: tx, Amount: amount, Binding: binding}
	with := func(change func(b *cahp.Burn)) cahp.Burn {
		b := ok
		change(&b)
		return b
	}
	cases := []struct {
		name string
		burn cahp.Burn
		conf uint64
		want error
	}{
		{name: "confirmed burn", burn: ok, conf: 7},
		{name: "smaller claim", burn: with(func(b *cahp.Burn) { b.Amount = big.NewInt(1) }), conf: 1},
		{name: "too small", burn: with(func(b *cahp.Burn) { b.Amount = big.NewInt(2e15) }), conf: 1, want: cahp.ErrBurnTooSmall},
		{name: "unconfirmed", burn: ok, conf: 8, want: cahp.ErrBurnUnconfirmed},
		{name: "wrong binding", burn: with(func(b *cahp.Burn) { b.Binding = [32]byte{9} }), conf: 1, want: cahp.ErrBurnBinding},
		{name: "not a burn", burn: with(func(b *cahp.Burn) { b.TxHash = rcpt.TxHash.Hex(); b.Amount = big.NewInt(0) }), conf: 1, want: cahp.ErrBurnBinding},
		{name: "unknown transaction", burn: with(func(b *cahp.Burn) { b.TxHash = common.Hash{7}.Hex() }), conf: 1, want: cahp.ErrBurnUnconfirmed},
		{name: "another chain", burn: with(func(b *cahp.Burn) { b.Chain = "eip155:1" }), conf: 1, want: cahp.ErrBurnUnconfirmed},
		{name: "malformed hash", burn: with(func(b *cahp.Burn) { b.TxHash = "0xABC" }), conf: 1, want: cahp.ErrBurnUnconfirmed},
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			err := v.VerifyBurn(ctx, tt.burn, tt.conf)
			if tt.want == nil {
				require.NoError(t, err)
				return
			}
			assert.ErrorIs(t, err, tt.want)
			assert.ErrorIs(t, err, cahp.ErrBurn)
		})
	}

	// The burner sends and waits for its confirmations while blocks come.
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		for {
			select {
			case <-stop:
				return
			case <-time.After(5 * time.Millisecond):
				c.Commit()
			}
		}
	}()
	cctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	b, err := NewBurner(client, simchain.Key(2), simchain.ChainID, amount, 3, 5*time.Millisecond)(cctx, [32]byte{4})
	require.NoError(t, err)
	assert.Equal(t, chain, b.Chain)
	r2, err := quorum.New(urls, 2, quorum.WithChainID(simchain.ChainID), quorum.WithConfirmations(0), quorum.WithClock(func() time.Time { return time.Now().Add(time.Hour) }), quorum.WithPinTTL(0))
	require.NoError(t, err)
	defer r2.Close()
	v2, err := NewBurnVerifier(r2, simchain.ChainID)
	require.NoError(t, err)
	require.NoError(t, v2.VerifyBurn(ctx, b, 1))
}
