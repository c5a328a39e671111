package trustkernel_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/accordsdk/accord/checkpoint"
	"github.com/accordsdk/accord/trustkernel"
	"github.com/accordsdk/accord/trustkernel/quorum"
	"github.com/accordsdk/accord/trustkernel/simchain"
)

func TestAnchorerThroughQuorum(t *testing.T) {
	f := newChainFixture(t)
	ctx := context.Background()
	sender := simchain.Address(1)
	a, err := trustkernel.NewAnchorer(f.dep.Anchor, simchain.ChainID, f.client, sender, trustkernel.WithTransactor(f.client, chainOpts(1)))
	require.NoError(t, err)
	var _ checkpoint.Anchorer = a
	require.Equal(t, "ethereum", a.Backend())

	root := h32("combined root")
	proof, err := a.Anchor(ctx, root, "fed/cross-anchor/berlin")
	require.NoError(t, err)
	require.Equal(t, "eip155:1337", proof.Chain)
	// An impostor anchors the same root under the same label.
	_, err = trustkernel.AnchorRoot(ctx, f.client, chainOpts(5), f.dep.Anchor, root, "fed/cross-anchor/berlin")
	require.NoError(t, err)
	f.chain.Mine(3)

	// Verify through a 2-of-3 quorum reader, one endpoint lying.
	head, err := f.client.HeaderByNumber(ctx, nil)
	require.NoError(t, err)
	clock := func() time.Time { return time.Unix(int64(head.Time)+1, 0) }
	var urls []string
	for _, b := range []simchain.Behaviour{{Lie: true}, {}, {}} {
		p := simchain.NewProxy(f.chain.URL(), b)
		t.Cleanup(p.Close)
		urls = append(urls, p.URL)
	}
	q, err := quorum.New(urls, 2, quorum.WithClock(clock), quorum.WithChainID(simchain.ChainID), quorum.WithConfirmations(0))
	require.NoError(t, err)
	defer q.Close()
	v, err := trustkernel.NewAnchorer(f.dep.Anchor, simchain.ChainID, q, sender)
	require.NoError(t, err)
	require.NoError(t, v.VerifyAnchor(ctx, root, "fed/cross-anchor/berlin", proof))
	_, err = v.Anchor(ctx, root, "x")
	require.Error(t, err, "verify-only")

	mut := func(change func(p *checkpoint.AnchorProof)) *checkpoint.AnchorProof {
		c := *proof
		change(&c)
		return &c
	}
	impostor, err := trustkernel.NewAnchorer(f.dep.Anchor, simchain.ChainID, q, simchain.Address(7))
	require.NoError(t, err)
	for name, tc := range map[string]struct {
		a     *trustkernel.Anchorer
		root  [32]byte
		label string
		proof *checkpoint.AnchorProof
	}{
		"other root":    {v, h32("other"), "fed/cross-anchor/berlin", proof},
		"other label":   {v, root, "fed/cross-anchor/dublin", proof},
		"other sender":  {impostor, root, "fed/cross-anchor/berlin", proof},
		"other block":   {v, root, "fed/cross-anchor/berlin", mut(func(p *checkpoint.AnchorProof) { p.BlockNumber++ })},
		"other tx":      {v, root, "fed/cross-anchor/berlin", mut(func(p *checkpoint.AnchorProof) { p.TxHash = "0x" + p.TxHash[4:] + "00" })},
		"bad hash":      {v, root, "fed/cross-anchor/berlin", mut(func(p *checkpoint.AnchorProof) { p.BlockHash = "0xABC" })},
		"other chain":   {v, root, "fed/cross-anchor/berlin", mut(func(p *checkpoint.AnchorProof) { p.Chain = "eip155:1" })},
		"other backend": {v, root, "fed/cross-anchor/berlin", mut(func(p *checkpoint.AnchorProof) { p.Backend = "log" })},
		"nil":           {v, root, "fed/cross-anchor/berlin", nil},
	} {
		require.ErrorIs(t, tc.a.VerifyAnchor(ctx, tc.root, tc.label, tc.proof), checkpoint.ErrNotAnchored, name)
	}

	_, err = trustkernel.NewAnchorer(f.dep.Anchor, simchain.ChainID, q, simchain.Address(2), trustkernel.WithTransactor(f.client, chainOpts(1)))
	require.Error(t, err, "sender and transactor differ")
	_, err = trustkernel.NewAnchorer(f.dep.Anchor, 0, q, sender)
	require.Error(t, err)
}
