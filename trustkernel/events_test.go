package trustkernel_test

import (
	"context"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/core/types"
	"github.com/stretchr/testify/require"

	"github.com/accordsdk/accord/trustkernel"
	"github.com/accordsdk/accord/trustkernel/internal/bindings"
	"github.com/accordsdk/accord/trustkernel/simchain"
)

// TestEveryChangeEmitsAnEvent sends each state-changing call and checks the
// receipt carries its event with the right fields.
func TestEveryChangeEmitsAnEvent(t *testing.T) {
	f := newChainFixture(t)
	ctx := context.Background()
	ctl := f.instance(t, "events")
	ic := bindings.NewInstanceController()
	send := func(from int, c trustkernel.Call) []*types.Log {
		t.Helper()
		rcpt, err := trustkernel.Send(ctx, f.client, chainOpts(from), c)
		require.NoError(t, err, c.Method)
		require.NotEmpty(t, rcpt.Logs, c.Method)
		return rcpt.Logs
	}
	propose, err := ctl.ProposeUpgrade(h32("r2"), h32("u2"), h32("p2"), time.Hour)
	require.NoError(t, err)

	ev, err := ic.UnpackUpgradeProposedEvent(send(2, propose)[0])
	require.NoError(t, err)
	require.Equal(t, h32("r2"), ev.Root)
	require.NotZero(t, ev.ExpiresAt)

	// Sent in the block right after the first proposal: the gas estimate runs
	// with that block's timestamp, where rewriting proposedAt and expiresAt
	// costs nothing, so an estimate without headroom runs out of gas here.
	replaced := send(2, propose)
	cancelled, err := ic.UnpackUpgradeCancelledEvent(replaced[0])
	require.NoError(t, err, "a replaced proposal is reported as cancelled")
	require.Equal(t, h32("r2"), cancelled.Root)

	act, err := ic.UnpackUpgradeActivatedEvent(send(2, ctl.ActivateUpgrade())[0])
	require.NoError(t, err)
	require.Equal(t, h32("r2"), act.Root)
	require.Equal(t, h32("genesis root"), act.PreviousRoot)

	send(2, propose)
	_, err = ic.UnpackUpgradeCancelledEvent(send(1, ctl.CancelUpgrade())[0])
	require.NoError(t, err)

	paused, err := ic.UnpackPausedEvent(send(3, ctl.Pause())[0])
	require.NoError(t, err)
	require.Equal(t, simchain.Address(3), paused.By)
	unpaused, err := ic.UnpackUnpausedEvent(send(3, ctl.Unpause())[0])
	require.NoError(t, err)
	require.Equal(t, simchain.Address(3), unpaused.By)

	for _, tc := range []struct {
		call           trustkernel.Call
		from           int
		role           uint8
		previous, next int
	}{
		{ctl.SetUpgradeAuthority(simchain.Address(4)), 1, 2, 2, 4},
		{ctl.SetEmergencyAuthority(simchain.Address(5)), 1, 3, 3, 5},
	} {
		ch, err := ic.UnpackAuthorityChangedEvent(send(tc.from, tc.call)[0])
		require.NoError(t, err)
		require.Equal(t, tc.role, ch.Role)
		require.Equal(t, simchain.Address(tc.previous), ch.Previous)
		require.Equal(t, simchain.Address(tc.next), ch.Current)
	}
	started, err := ic.UnpackRootAuthorityTransferStartedEvent(send(1, ctl.TransferRootAuthority(simchain.Address(6)))[0])
	require.NoError(t, err)
	require.Equal(t, simchain.Address(6), started.Pending)
	ch, err := ic.UnpackAuthorityChangedEvent(send(6, ctl.AcceptRootAuthority())[0])
	require.NoError(t, err)
	require.Equal(t, uint8(1), ch.Role)
	require.Equal(t, simchain.Address(1), ch.Previous)
	require.Equal(t, simchain.Address(6), ch.Current)

	reg := trustkernel.NewRegistry(f.dep.Registry)
	rr := bindings.NewReleaseRegistry()
	pub, err := rr.UnpackReleasePublishedEvent(send(0, reg.Publish(h32("c"), 7, h32("r"), h32("u"), h32("m")))[0])
	require.NoError(t, err)
	require.Equal(t, uint64(7), pub.Version)
	require.Equal(t, h32("r"), pub.Root)
	_, err = rr.UnpackOwnershipTransferStartedEvent(send(0, reg.TransferOwnership(simchain.Address(1)))[0])
	require.NoError(t, err)
	moved, err := rr.UnpackOwnershipTransferredEvent(send(1, reg.AcceptOwnership())[0])
	require.NoError(t, err)
	require.Equal(t, simchain.Address(1), moved.NewOwner)
}
