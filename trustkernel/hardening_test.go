package trustkernel

import (
	"context"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accordsdk/accord/trustkernel/quorum"
	"github.com/accordsdk/accord/trustkernel/simchain"
)

// TestHardening1LaggingMinority reproduces the lagging-minority attack:
// three endpoints, k=2; endpoint A serves the chain as it was 20 blocks ago
// and answers at once, the honest endpoints answer after 60 ms and 600 ms.
// A read that saw the new value must never see the old one afterwards.
func TestHardening1LaggingMinority(t *testing.T) {
	ctx := context.Background()
	c, err := simchain.New(nil)
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	probe, err := c.Deploy(ctx, simchain.ProbeInitCode())
	require.NoError(t, err)
	oldWord, newWord := common.HexToHash("0x01d"), common.HexToHash("0x0e3")
	_, err = c.Send(ctx, &probe, oldWord.Bytes())
	require.NoError(t, err)
	c.Mine(15)
	_, err = c.Send(ctx, &probe, newWord.Bytes())
	require.NoError(t, err)
	c.Mine(20)
	head, err := c.Head(ctx)
	require.NoError(t, err)
	at := time.Unix(int64(head.Time)+1, 0)
	clock := func() time.Time { return at }

	lagging := simchain.NewProxy(c.URL(), simchain.Behaviour{Lag: 20})
	t.Cleanup(lagging.Close)
	fast := simchain.NewProxy(c.URL(), simchain.Behaviour{Delay: 60 * time.Millisecond})
	t.Cleanup(fast.Close)
	slow := simchain.NewProxy(c.URL(), simchain.Behaviour{Delay: 600 * time.Millisecond})
	t.Cleanup(slow.Close)
	r, err := quorum.New([]string{lagging.URL, fast.URL, slow.URL}, 2, quorum.WithClock(clock), quorum.WithPinTTL(0))
	require.NoError(t, err)
	defer r.Close()

	// The lagging endpoint is unreachable: the honest pair pins near the head.
	lagging.SetDown(true)
	first, err := r.Read(ctx, probe, nil)
	require.NoError(t, err)
	require.Equal(t, newWord.Bytes(), first.Result[:32])
	require.Equal(t, head.Number.Uint64()-quorum.DefaultConfirmations, first.Block.Number)

	// It comes back, fast and 20 blocks behind.
	lagging.SetDown(false)
	second, err := r.Read(ctx, probe, nil)
	require.NoError(t, err)
	assert.GreaterOrEqual(t, second.Block.Number, first.Block.Number, "the pin moved back in time")
	assert.Equal(t, newWord.Bytes(), second.Result[:32], "a read went back to the old value")
}

// TestHardening1PinNeverMovesBack: when a quorum of endpoints starts
// serving an older chain, the reader refuses to pin below its last pin and
// keeps the last pin.
func TestHardening1PinNeverMovesBack(t *testing.T) {
	ctx := context.Background()
	c := newTestChain(t)
	a := simchain.NewProxy(c.URL(), simchain.Behaviour{})
	t.Cleanup(a.Close)
	b := simchain.NewProxy(c.URL(), simchain.Behaviour{})
	t.Cleanup(b.Close)
	r, err := quorum.New([]string{a.URL, b.URL}, 2, quorum.WithClock(c.clock(t)), quorum.WithPinTTL(0))
	require.NoError(t, err)
	defer r.Close()
	first, err := r.Pin(ctx)
	require.NoError(t, err)

	a.SetLag(20)
	b.SetLag(20)
	_, err = r.Read(ctx, c.probe, nil)
	require.ErrorIs(t, err, quorum.ErrPinRollback)
	var pe *quorum.PinRollbackError
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, first, pe.Last)
	assert.Less(t, pe.Got.Number, first.Number)

	// Once they catch up, reads resume at or above the last pin.
	a.SetLag(0)
	b.SetLag(0)
	ag, err := r.Read(ctx, c.probe, nil)
	require.NoError(t, err)
	assert.GreaterOrEqual(t, ag.Block.Number, first.Number)
}

// scriptedState returns the observations it is given, one per call.
// TestHardening14SingleEndpointRefused: a 1-of-1 "quorum" is refused by the
// reader and the configuration unless the development option says so.
func TestHardening14SingleEndpointRefused(t *testing.T) {
	_, err := quorum.New([]string{"http://127.0.0.1:8545"}, 1)
	require.ErrorIs(t, err, quorum.ErrSingleEndpoint)
	r, err := quorum.New([]string{"http://127.0.0.1:8545"}, 1, quorum.WithDevelopment())
	require.NoError(t, err)
	r.Close()
	_, err = quorum.New([]string{"http://127.0.0.1:8545", "http://127.0.0.1:8546"}, 2)
	require.NoError(t, err)

	one := `{"trust":{"web3":{"chain_id":1,"rpc_endpoints":["http://127.0.0.1:8545"],"rpc_quorum":1,"contracts":{"instance_controller":"0x00000000000000000000000000000000000000aa"}}}}`
	_, err = ParseConfig([]byte(one))
	require.ErrorIs(t, err, ErrConfig)
	require.ErrorIs(t, err, quorum.ErrSingleEndpoint)
	assert.Equal(t, "trustkernel: bad config: trust.web3.rpc_quorum: a quorum needs at least two endpoints: got 1 of 1, want at least 2 of 2 (2 of 3 recommended)", err.Error())
	c, err := ParseConfig([]byte(one), AllowDevelopmentQuorum())
	require.NoError(t, err)
	r, err = c.QuorumReader()
	require.NoError(t, err, "a development config's reader allows its single endpoint")
	r.Close()
}
