package pairing

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// udpGroup makes n UDP transports on loopback that broadcast to each other.
func udpGroup(t *testing.T, n int) []*UDPTransport {
	t.Helper()
	var us []*UDPTransport
	for range n {
		u, err := ListenUDP("127.0.0.1:0")
		require.NoError(t, err)
		t.Cleanup(func() { u.Close() })
		us = append(us, u)
	}
	for _, u := range us {
		for _, o := range us {
			if o != u {
				u.broadcast = append(u.broadcast, o.conn.LocalAddr().(*net.UDPAddr))
			}
		}
	}
	return us
}

func TestUDPPairingAndCall(t *testing.T) {
	us := udpGroup(t, 3)
	zone, pocket, other := us[0], us[1], us[2]
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	box := newCodeBox()
	res := startAccept(ctx, zone, zoneAID, box, fastOpts()...)
	give := testGrant()
	_, err := DeliverToPending(ctx, pocket, pocketID, give, DeliverCallbacks{
		CodePrompt: func(Pending) (string, error) { return string(<-box.ch), nil }}, 5*time.Second, fastOpts()...)
	require.NoError(t, err)
	r := <-res
	require.NoError(t, r.err)
	require.Equal(t, give, *r.g)

	// The zone and another member exchange a peripheral call over UDP.
	clk := newTestClock()
	a := startNode(t, nil, zone, zoneAID, *r.g, clk)
	a.Serve("lamp", "light", lightMethods())
	b := startNode(t, nil, other, zoneBID, give, clk)
	waitFor(t, "b sees a", hasMember(b, zoneAID.ComputerID, 1))
	out, err := b.Call(ctx, zoneAID.ComputerID, "lamp", "set", 5)
	require.NoError(t, err)
	assert.JSONEq(t, `{"level":5}`, string(out))
}

func TestUDPTransportBasics(t *testing.T) {
	us := udpGroup(t, 2)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	require.NoError(t, us[0].Broadcast(ProtoSwarm, []byte("hello")))
	p, err := us[1].Receive(ctx, ProtoSwarm)
	require.NoError(t, err)
	assert.Equal(t, []byte("hello"), p.Data)
	assert.Equal(t, us[0].Addr(), p.From)
	require.NoError(t, us[1].Send(p.From, ProtoPair, []byte("back")))
	p, err = us[0].Receive(ctx, ProtoPair)
	require.NoError(t, err)
	assert.Equal(t, []byte("back"), p.Data)
	require.Error(t, us[0].Send(p.From, ProtoPair, make([]byte, MaxPacket)))
	us[1].Close()
	_, err = us[1].Receive(ctx, ProtoPair)
	require.ErrorIs(t, err, ErrClosed)

	l, err := ListenLoopback(47900+int(time.Now().UnixNano()%500)*4, 4)
	require.NoError(t, err)
	assert.Len(t, l.broadcast, 3)
	l.Close()
}
