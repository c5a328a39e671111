package pairing

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRecoveryAfterLostPocket is the recovery flow end to end: the pocket
// that created the swarm is lost (and stays active: whoever has it holds the
// secret); a new pocket joins with the code a zone that hosts pairing shows,
// becomes the controller, is offered a rotation that leaves the lost pocket
// out, and takes it. Afterwards the zones refuse the lost pocket's traffic:
// calls, messages it backdates into what would have been a grace period,
// and a rotation of its own.
func TestRecoveryAfterLostPocket(t *testing.T) {
	clk := newTestClock()
	net := NewMemNetwork()
	g := testGrant()
	lost := startNode(t, net, nil, pocketID, g, clk, AsController())
	a := startNode(t, net, nil, zoneAID, g, clk)
	a.Serve("lamp", "light", lightMethods())
	b := startNode(t, net, nil, zoneBID, g, clk)
	waitFor(t, "lost pocket sees a", hasMember(lost, zoneAID.ComputerID, 1))
	waitFor(t, "lost pocket sees b", hasMember(lost, zoneBID.ComputerID, 1))

	// The pocket is lost. Zone A hosts pairing; the person types the code
	// its screen shows on a new pocket.
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	box := newCodeBox()
	hostGrant := Grant{Secret: g.Secret, Swarm: g.Swarm, Epoch: a.Channel().Epoch(), ZoneID: zoneAID.ComputerID, ZoneName: zoneAID.Label}
	hosted := make(chan error, 1)
	go func() {
		n, err := HostSession(ctx, net.Attach(), zoneAID, hostGrant, HostCallbacks{DisplayCode: box.display},
			append(fastOpts(), WithMaxJoins(1))...)
		if err == nil && n != 1 {
			err = assert.AnError
		}
		hosted <- err
	}()
	dev, err := OpenDevice(filepath.Join(t.TempDir(), "new-pocket"), RolePocket, "New pocket")
	require.NoError(t, err)
	require.Equal(t, []string{"create", "join", "status"}, dev.Actions(), "an unpaired pocket offers create and join")
	got, err := JoinWithCode(ctx, net.Attach(), dev.Identity(), string(<-box.ch), JoinCallbacks{}, fastOpts()...)
	require.NoError(t, err)
	require.NoError(t, <-hosted)
	require.Equal(t, g.Secret, got.Secret)
	require.NoError(t, dev.Join(*got))
	require.True(t, dev.Config().IsController, "a pocket that joins becomes the controller")

	nctx, ncancel := context.WithCancel(context.Background())
	node, err := dev.Start(nctx, net.Attach(), []Option{WithClock(clk.now), WithGrace(time.Minute)},
		WithAnnounceInterval(50*time.Millisecond), WithCallTimeout(time.Second))
	require.NoError(t, err)
	done := make(chan struct{})
	go func() { node.Run(nctx); close(done) }()
	defer func() { ncancel(); <-done }()

	// The offer: leave out the other controller, keep the zones.
	var offer RotationOffer
	waitFor(t, "the new pocket sees the swarm", func() bool {
		offer, err = node.RotationOffer()
		require.NoError(t, err)
		return len(offer.Exclude) == 1 && len(offer.Keep) == 2
	})
	assert.Equal(t, []string{pocketID.ComputerID}, offer.ExcludeIDs())
	assert.Equal(t, zoneAID.ComputerID, offer.Keep[0].ZoneID)
	assert.Equal(t, zoneBID.ComputerID, offer.Keep[1].ZoneID)
	_, err = a.RotationOffer()
	require.ErrorIs(t, err, ErrNotController)

	rctx, rcancel := context.WithTimeout(ctx, 5*time.Second)
	rep, err := node.Rotate(rctx, offer.ExcludeIDs()...)
	rcancel()
	require.NoError(t, err)
	assert.Equal(t, uint64(2), rep.Epoch)
	assert.Equal(t, []string{zoneAID.ComputerID, zoneBID.ComputerID}, rep.Rekeyed)
	assert.Equal(t, []string{pocketID.ComputerID}, rep.Excluded)
	assert.Empty(t, rep.Missing)
	assert.Equal(t, uint64(2), a.Channel().Epoch())
	assert.Equal(t, uint64(2), b.Channel().Epoch())
	assert.Equal(t, uint64(1), lost.Channel().Epoch(), "the lost pocket was sent nothing")
	assert.Equal(t, uint64(2), dev.Config().Network.Epoch, "the new pocket stored the new epoch")

	// The new pocket works with the zones under epoch 2.
	out, err := node.Call(ctx, zoneAID.ComputerID, "lamp", "set", 4)
	require.NoError(t, err)
	assert.JSONEq(t, `{"level":4}`, string(out))

	// The lost pocket's traffic is refused from now on, with no grace
	// period: a call times out, and zone A drops its messages as sealed
	// under a key it no longer has.
	dropped := func() int { return a.Stats().Dropped[ErrUnknownKey.Error()] }
	before := dropped()
	_, err = lost.Call(ctx, zoneAID.ComputerID, "lamp", "get")
	require.ErrorIs(t, err, ErrTimeout)
	waitFor(t, "zone a drops the lost pocket's call", func() bool { return dropped() > before })

	// A message the lost pocket backdates to before the rotation is
	// refused too (a retired key would still have verified it).
	thief := newTestChannel(t, pocketID.ComputerID, g, clk)
	thief.c.now = func() time.Time { return clk.now().Add(-30 * time.Second) }
	msg, err := thief.Seal(KindPeriphCall, zoneAID.ComputerID, PeriphCall{RequestID: "x", Peripheral: "lamp", Method: "get", Args: nil})
	require.NoError(t, err)
	_, err = a.Channel().Open(msg)
	require.ErrorIs(t, err, ErrUnknownKey)

	// Its own rotation reaches no one: the zones stay on the new pocket's
	// epoch.
	lctx, lcancel := context.WithTimeout(ctx, 300*time.Millisecond)
	_, err = lost.Rotate(lctx)
	lcancel()
	require.NoError(t, err)
	time.Sleep(100 * time.Millisecond)
	assert.Equal(t, uint64(2), a.Channel().Epoch())
	assert.Equal(t, uint64(2), b.Channel().Epoch())
	out, err = node.Call(ctx, zoneAID.ComputerID, "lamp", "get")
	require.NoError(t, err)
	assert.JSONEq(t, `4`, string(out))
}

// TestRekeyOnlyUnderCurrentEpoch: after a rotation that keeps a grace
// period, a device that still holds only the old secret can send messages
// that verify until the grace ends, but a REKEY among them is refused: a
// member takes a rotation only when it comes under its current epoch.
func TestRekeyOnlyUnderCurrentEpoch(t *testing.T) {
	clk := newTestClock()
	net := NewMemNetwork()
	g := testGrant()
	pocket := startNode(t, net, nil, pocketID, g, clk, AsController())
	a := startNode(t, net, nil, zoneAID, g, clk)
	waitFor(t, "pocket sees a", hasMember(pocket, zoneAID.ComputerID, 1))
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	rep, err := pocket.Rotate(ctx)
	require.NoError(t, err)
	require.Equal(t, []string{zoneAID.ComputerID}, rep.Rekeyed)
	require.Equal(t, uint64(2), a.Channel().Epoch())

	var member Member
	for _, m := range pocket.Members() {
		if m.ZoneID == zoneAID.ComputerID {
			member = m
		}
	}
	// Someone with the epoch 1 secret offers zone A an epoch 3 of its own.
	old := newTestChannel(t, zoneBID.ComputerID, g, clk)
	k, err := sealRekey(old.c, member, g.Swarm, NewSecret(), 3, 0)
	require.NoError(t, err)
	msg, err := old.Seal(KindRekey, zoneAID.ComputerID, k)
	require.NoError(t, err)
	before := a.Stats().Dropped[ErrStale.Error()]
	require.NoError(t, net.Attach().Send(member.Addr, ProtoSwarm, msg))
	waitFor(t, "zone a refuses the rekey", func() bool { return a.Stats().Dropped[ErrStale.Error()] > before })
	assert.Equal(t, uint64(2), a.Channel().Epoch())
}
