package trustkernel_test

import (
	"context"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/stretchr/testify/require"

	"github.com/accordsdk/accord/trustkernel"
	"github.com/accordsdk/accord/trustkernel/internal/bindings"
	"github.com/accordsdk/accord/trustkernel/simchain"
)

func TestAnchorRoundTrip(t *testing.T) {
	f := newChainFixture(t)
	ctx := context.Background()
	root := h32("log checkpoint 42")

	_, err := trustkernel.FindAnchor(ctx, f.client, f.dep.Anchor, root, trustkernel.AnchorQuery{})
	require.ErrorIs(t, err, trustkernel.ErrAnchorNotFound)

	// Someone else anchors the same root first: a verifier that names its
	// anchorer is not fooled by it.
	other, err := trustkernel.AnchorRoot(ctx, f.client, chainOpts(5), f.dep.Anchor, root, "not the log")
	require.NoError(t, err)
	f.chain.Mine(2)
	rec, err := trustkernel.AnchorRoot(ctx, f.client, chainOpts(1), f.dep.Anchor, root, "governance/scroll-7")
	require.NoError(t, err)
	require.Equal(t, simchain.Address(1), rec.Sender)
	require.Equal(t, "governance/scroll-7", rec.Label)
	f.chain.Mine(3)

	anchorer := simchain.Address(1)
	found, err := trustkernel.FindAnchor(ctx, f.client, f.dep.Anchor, root, trustkernel.AnchorQuery{Sender: &anchorer})
	require.NoError(t, err)
	require.Equal(t, rec, found)
	blk, err := f.client.BlockByHash(ctx, found.BlockHash)
	require.NoError(t, err)
	require.Equal(t, found.BlockNumber, blk.NumberU64())
	require.Equal(t, found.TxHash, blk.Transactions()[found.TxIndex].Hash())

	first, err := trustkernel.FindAnchor(ctx, f.client, f.dep.Anchor, root, trustkernel.AnchorQuery{})
	require.NoError(t, err)
	require.Equal(t, other, first, "without a sender the earliest anchor wins")

	nobody := simchain.Address(7)
	_, err = trustkernel.FindAnchor(ctx, f.client, f.dep.Anchor, root, trustkernel.AnchorQuery{Sender: &nobody})
	require.ErrorIs(t, err, trustkernel.ErrAnchorNotFound)
	_, err = trustkernel.FindAnchor(ctx, f.client, f.dep.Registry, root, trustkernel.AnchorQuery{})
	require.ErrorIs(t, err, trustkernel.ErrAnchorNotFound, "another contract's logs do not count")
}

func TestAnchorErrors(t *testing.T) {
	f := newChainFixture(t)
	ctx := context.Background()
	long := strings.Repeat("x", trustkernel.MaxAnchorLabel+1)
	_, err := trustkernel.AnchorCall(f.dep.Anchor, h32("r"), long)
	require.ErrorIs(t, err, trustkernel.ErrLabelTooLong)
	_, err = trustkernel.AnchorCall(f.dep.Anchor, [32]byte{}, "l")
	require.ErrorIs(t, err, trustkernel.ErrZeroRoot)
	_, err = trustkernel.AnchorCall(f.dep.Anchor, h32("r"), strings.Repeat("x", trustkernel.MaxAnchorLabel))
	require.NoError(t, err)

	// The contract enforces the same rules.
	abi := bindings.NewAnchor()
	for _, tc := range []struct {
		data    []byte
		wantErr error
	}{
		{abi.PackAnchor(h32("r"), long), trustkernel.ErrLabelTooLong},
		{abi.PackAnchor([32]byte{}, "l"), trustkernel.ErrZeroRoot},
	} {
		_, err := trustkernel.Send(ctx, f.client, chainOpts(1), trustkernel.Call{Method: "anchor", To: f.dep.Anchor, Data: tc.data})
		require.ErrorIs(t, err, tc.wantErr)
	}
	require.NotEqual(t, common.Address{}, f.dep.Anchor)
}
