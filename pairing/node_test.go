package pairing

import (
	"context"
	"crypto/ecdh"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type testNode struct {
	*Node
	tr     Transport
	cancel context.CancelFunc
	done   chan struct{}
}

func (tn *testNode) stop() {
	tn.cancel()
	<-tn.done
}

func startNode(t *testing.T, net *MemNetwork, tr Transport, id Identity, g Grant, clk *testClock, opts ...NodeOption) *testNode {
	t.Helper()
	if tr == nil {
		tr = net.Attach()
	}
	ch := newTestChannel(t, id.ComputerID, g, clk, WithGrace(time.Minute))
	key, err := ecdh.X25519().GenerateKey(rand.Reader)
	require.NoError(t, err)
	n, err := NewNode(tr, ch, id, key, append([]NodeOption{WithAnnounceInterval(50 * time.Millisecond), WithCallTimeout(2 * time.Second)}, opts...)...)
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	tn := &testNode{Node: n, tr: tr, cancel: cancel, done: make(chan struct{})}
	go func() { n.Run(ctx); close(tn.done) }()
	t.Cleanup(tn.stop)
	return tn
}

func lightMethods() map[string]Method {
	level := 0
	return map[string]Method{
		"set": func(_ context.Context, args []json.RawMessage) (any, error) {
			if len(args) != 1 {
				return nil, fmt.Errorf("set wants 1 argument, got %d", len(args))
			}
			if err := json.Unmarshal(args[0], &level); err != nil {
				return nil, err
			}
			return map[string]int{"level": level}, nil
		},
		"get": func(context.Context, []json.RawMessage) (any, error) { return level, nil },
	}
}

// waitFor polls cond until it holds or the test times out.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func hasMember(n *testNode, id string, epoch uint64) func() bool {
	return func() bool {
		for _, m := range n.Members() {
			if m.ZoneID == id && m.Epoch >= epoch && len(m.DeviceKey) == 32 {
				return true
			}
		}
		return false
	}
}

func TestNodePeripheralCall(t *testing.T) {
	clk := newTestClock()
	net := NewMemNetwork()
	g := testGrant()
	a := startNode(t, net, nil, zoneAID, g, clk)
	a.Serve("lamp", "light", lightMethods())
	b := startNode(t, net, nil, zoneBID, g, clk)
	waitFor(t, "b sees a", hasMember(b, zoneAID.ComputerID, 1))
	ctx := context.Background()
	res, err := b.Call(ctx, zoneAID.ComputerID, "lamp", "set", 7)
	require.NoError(t, err)
	assert.JSONEq(t, `{"level":7}`, string(res))
	res, err = b.Call(ctx, zoneAID.ComputerID, "lamp", "get")
	require.NoError(t, err)
	assert.JSONEq(t, `7`, string(res))

	_, err = b.Call(ctx, zoneAID.ComputerID, "lamp", "set")
	var ce *CallError
	require.ErrorAs(t, err, &ce)
	assert.Contains(t, ce.Message, "wants 1 argument")
	_, err = b.Call(ctx, zoneAID.ComputerID, "oven", "on")
	require.ErrorIs(t, err, ErrCallFailed)

	waitFor(t, "peripherals announced", func() bool {
		for _, m := range b.Members() {
			if m.ZoneID == zoneAID.ComputerID && len(m.Peripherals) == 1 {
				return m.Peripherals[0].Name == "lamp" && len(m.Peripherals[0].Methods) == 2
			}
		}
		return false
	})

	// A device of another swarm drops this swarm's traffic quietly.
	stranger := startNode(t, net, nil, Identity{"zone-x", "Elsewhere"}, testGrant(), clk)
	waitFor(t, "stranger drops", func() bool { return stranger.Stats().Dropped[ErrUnknownKey.Error()] > 0 })
	assert.Empty(t, stranger.Members())

	// A replayed call is refused by the callee.
	var captured []byte
	net.Tap(func(from, to Addr, proto Proto, data []byte) {
		if proto == ProtoSwarm && to == a.tr.Addr() && captured == nil {
			captured = append([]byte(nil), data...)
		}
	})
	_, err = b.Call(ctx, zoneAID.ComputerID, "lamp", "get")
	require.NoError(t, err)
	net.Tap(nil)
	require.NotNil(t, captured)
	before := a.Stats().Dropped[ErrReplay.Error()]
	net.Inject(b.tr.Addr(), a.tr.Addr(), ProtoSwarm, captured)
	waitFor(t, "replay dropped", func() bool { return a.Stats().Dropped[ErrReplay.Error()] > before })
}

func TestRotationWithZoneOfflineAndRepair(t *testing.T) {
	clk := newTestClock()
	net := NewMemNetwork()
	g := testGrant()
	pocket := startNode(t, net, nil, pocketID, g, clk, AsController())
	a := startNode(t, net, nil, zoneAID, g, clk)
	a.Serve("lamp", "light", lightMethods())
	btr := net.Attach()
	b := startNode(t, net, btr, zoneBID, g, clk)
	waitFor(t, "pocket sees a", hasMember(pocket, zoneAID.ComputerID, 1))
	waitFor(t, "pocket sees b", hasMember(pocket, zoneBID.ComputerID, 1))
	waitFor(t, "b sees a", hasMember(b, zoneAID.ComputerID, 1))

	// B is switched off; the pocket rotates.
	net.SetOffline(btr.Addr(), true)
	ctx, cancel := context.WithTimeout(context.Background(), 600*time.Millisecond)
	rep, err := pocket.Rotate(ctx)
	cancel()
	require.NoError(t, err)
	assert.Equal(t, uint64(2), rep.Epoch)
	assert.Equal(t, []string{zoneAID.ComputerID}, rep.Rekeyed)
	assert.Equal(t, []string{zoneBID.ComputerID}, rep.Missing)
	assert.Equal(t, uint64(2), a.Channel().Epoch())
	assert.Equal(t, uint64(1), b.Channel().Epoch())

	// The grace period passes; B comes back and is no longer in the swarm.
	clk.add(time.Minute + time.Second)
	net.SetOffline(btr.Addr(), false)
	before := a.Stats().Dropped[ErrStale.Error()]
	_, err = b.Call(context.Background(), zoneAID.ComputerID, "lamp", "get")
	require.ErrorIs(t, err, ErrTimeout)
	waitFor(t, "a refuses b's old epoch", func() bool { return a.Stats().Dropped[ErrStale.Error()] > before })
	b.stop()

	// B is paired again from the pocket and rejoins.
	box := newCodeBox()
	pctx, pcancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer pcancel()
	res := startAccept(pctx, btr, zoneBID, box, fastOpts()...)
	ptr := net.Attach()
	give := Grant{Swarm: g.Swarm, Epoch: 2, ZoneID: pocketID.ComputerID, ZoneName: pocketID.Label}
	give.Secret = pocket.rotation[2]
	_, err = DeliverToPending(pctx, ptr, pocketID, give, DeliverCallbacks{
		CodePrompt: func(Pending) (string, error) { return string(<-box.ch), nil }}, 5*time.Second, fastOpts()...)
	require.NoError(t, err)
	r := <-res
	require.NoError(t, r.err)
	require.Equal(t, uint64(2), r.g.Epoch)
	b2 := startNode(t, net, btr, zoneBID, *r.g, clk)
	waitFor(t, "b2 sees a", hasMember(b2, zoneAID.ComputerID, 2))
	out, err := b2.Call(context.Background(), zoneAID.ComputerID, "lamp", "set", 3)
	require.NoError(t, err)
	assert.JSONEq(t, `{"level":3}`, string(out))
}

func TestRotationLateMemberWithinGraceAndRemoval(t *testing.T) {
	clk := newTestClock()
	net := NewMemNetwork()
	g := testGrant()
	pocket := startNode(t, net, nil, pocketID, g, clk, AsController())
	a := startNode(t, net, nil, zoneAID, g, clk)
	btr := net.Attach()
	b := startNode(t, net, btr, zoneBID, g, clk)
	waitFor(t, "pocket sees a", hasMember(pocket, zoneAID.ComputerID, 1))
	waitFor(t, "pocket sees b", hasMember(pocket, zoneBID.ComputerID, 1))

	net.SetOffline(btr.Addr(), true)
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	rep, err := pocket.Rotate(ctx)
	cancel()
	require.NoError(t, err)
	assert.Equal(t, []string{zoneBID.ComputerID}, rep.Missing)
	// B comes back within the grace period and is sent the rotation again.
	net.SetOffline(btr.Addr(), false)
	waitFor(t, "b moves to epoch 2", func() bool { return b.Channel().Epoch() == 2 })

	// Removal: rotate without B.
	ctx, cancel = context.WithTimeout(context.Background(), 2*time.Second)
	rep, err = pocket.Rotate(ctx, zoneBID.ComputerID)
	cancel()
	require.NoError(t, err)
	assert.Equal(t, uint64(3), rep.Epoch)
	assert.Equal(t, []string{zoneAID.ComputerID}, rep.Rekeyed)
	assert.Equal(t, []string{zoneBID.ComputerID}, rep.Excluded)
	assert.Empty(t, rep.Missing)
	assert.Equal(t, uint64(3), a.Channel().Epoch())
	time.Sleep(200 * time.Millisecond) // b announces under epoch 2; nothing is re-sent
	assert.Equal(t, uint64(2), b.Channel().Epoch())

	_, err = a.Rotate(context.Background())
	require.True(t, errors.Is(err, ErrNotController))
}

// TestRekeyGraceOverflow: a REKEY's graceSeconds is capped by the member's
// own grace period, however large it is. Found in review: the seconds were
// multiplied into a time.Duration before the cap, so 9223372037 overflowed
// to a negative duration, which neither retired nor dropped the previous
// epoch: it stayed accepted for good.
func TestRekeyGraceOverflow(t *testing.T) {
	clk := newTestClock()
	g := testGrant()
	ch := newTestChannel(t, zoneBID.ComputerID, g, clk, WithGrace(time.Minute))
	key, err := ecdh.X25519().GenerateKey(rand.Reader)
	require.NoError(t, err)
	n, err := NewNode(NewMemNetwork().Attach(), ch, zoneBID, key)
	require.NoError(t, err)
	m := Member{ZoneID: zoneBID.ComputerID, DeviceKey: key.PublicKey().Bytes()}
	k, err := sealRekey(ch.c, m, g.Swarm, NewSecret(), g.Epoch+1, time.Minute)
	require.NoError(t, err)
	k.GraceSeconds = 9223372037 // * time.Second overflows int64
	require.NoError(t, n.acceptRekey(k))
	require.Equal(t, g.Epoch+1, ch.Epoch())
	old := newTestChannel(t, "zone-old", g, clk) // still on the previous epoch
	clk.add(time.Hour)
	msg, err := old.Seal(KindAnnounce, "", json.RawMessage(`{}`))
	require.NoError(t, err)
	_, err = ch.Open(msg)
	require.ErrorIs(t, err, ErrStale, "the previous epoch outlived the grace period")
}
