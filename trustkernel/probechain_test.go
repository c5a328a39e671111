package trustkernel

import (
	"context"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/stretchr/testify/require"

	"github.com/accordsdk/accord/trustkernel/simchain"
)

// testChain is a simulated chain with the probe contract holding word, for
// the tests that read through a quorum of proxies.
type testChain struct {
	*simchain.Chain
	probe common.Address
	word  common.Hash
}

func newTestChain(t testing.TB) *testChain {
	t.Helper()
	ctx := context.Background()
	c, err := simchain.New(nil)
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	probe, err := c.Deploy(ctx, simchain.ProbeInitCode())
	require.NoError(t, err)
	word := common.HexToHash("0xc0ffee")
	_, err = c.Send(ctx, &probe, word.Bytes())
	require.NoError(t, err)
	c.Mine(30)
	return &testChain{Chain: c, probe: probe, word: word}
}

// clock returns a clock just after the chain's head, so that quick blocks
// (whose timestamps run ahead of wall time) are not "in the future".
func (c *testChain) clock(t testing.TB) func() time.Time {
	h, err := c.Head(context.Background())
	require.NoError(t, err)
	at := time.Unix(int64(h.Time)+1, 0)
	return func() time.Time { return at }
}

func (c *testChain) proxies(t testing.TB, bs ...simchain.Behaviour) []string {
	urls := make([]string, len(bs))
	for i, b := range bs {
		p := simchain.NewProxy(c.URL(), b)
		t.Cleanup(p.Close)
		urls[i] = p.URL
	}
	return urls
}
