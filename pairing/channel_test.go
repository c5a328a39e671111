package pairing

import (
	"bytes"
	"encoding/json"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// testClock is a clock tests move by hand.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func newTestClock() *testClock { return &testClock{t: time.Unix(1_800_000_000, 0)} }
func (c *testClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}
func (c *testClock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func newTestChannel(t *testing.T, self string, g Grant, clk *testClock, opts ...Option) *Channel {
	t.Helper()
	ch, err := NewChannel(self, g, append([]Option{WithClock(clk.now), WithStartupFence(time.Time{})}, opts...)...)
	require.NoError(t, err)
	return ch
}

type callBody struct {
	RequestID string `json:"requestId"`
	Data      string `json:"data"`
}

func TestChannelSealOpen(t *testing.T) {
	clk := newTestClock()
	g := testGrant()
	a := newTestChannel(t, "zone-a", g, clk)
	b := newTestChannel(t, "zone-b", g, clk)
	msg, err := a.Seal(KindPeriphCall, "zone-b", callBody{RequestID: "r1", Data: "secret data"})
	require.NoError(t, err)
	assert.False(t, bytes.Contains(msg, []byte("secret data")), "data is encrypted")
	assert.Contains(t, string(msg), `"alg":"hmac-sha256"`)
	r, err := b.Open(msg)
	require.NoError(t, err)
	assert.Equal(t, KindPeriphCall, r.Kind)
	assert.Equal(t, "zone-a", r.From)
	assert.Equal(t, "zone-b", r.To)
	assert.Equal(t, uint64(1), r.Epoch)
	var body callBody
	require.NoError(t, r.Decode(&body))
	assert.Equal(t, "secret data", body.Data)

	// Replayed: refused.
	_, err = b.Open(msg)
	require.ErrorIs(t, err, ErrReplay)

	// Reordered: a later message accepted first makes the earlier one stale.
	m1, err := a.Seal(KindAnnounce, "", map[string]int{"n": 1})
	require.NoError(t, err)
	m2, err := a.Seal(KindAnnounce, "", map[string]int{"n": 2})
	require.NoError(t, err)
	_, err = b.Open(m2)
	require.NoError(t, err)
	_, err = b.Open(m1)
	require.ErrorIs(t, err, ErrReordered)

	// Cross-swarm: another swarm's secret is an unknown key.
	other := testGrant()
	c := newTestChannel(t, "zone-c", other, clk)
	m3, err := c.Seal(KindAnnounce, "", map[string]int{"n": 3})
	require.NoError(t, err)
	_, err = b.Open(m3)
	require.ErrorIs(t, err, ErrUnknownKey)
	// Same secret, other swarm id: also unknown.
	same := g
	same.Swarm = "swarm-2"
	d := newTestChannel(t, "zone-d", same, clk)
	m4, err := d.Seal(KindAnnounce, "", map[string]int{"n": 4})
	require.NoError(t, err)
	_, err = b.Open(m4)
	require.ErrorIs(t, err, ErrUnknownKey)

	// Stale: older than the window.
	m5, err := a.Seal(KindAnnounce, "", map[string]int{"n": 5})
	require.NoError(t, err)
	clk.add(DefaultWindow + time.Second)
	_, err = b.Open(m5)
	require.ErrorIs(t, err, ErrStale)

	// From the future beyond the skew: refused; within it: accepted.
	fut := newTestChannel(t, "zone-f", g, &testClock{t: clk.now().Add(DefaultFutureSkew + 2*time.Second)})
	m6, err := fut.Seal(KindAnnounce, "", map[string]int{"n": 6})
	require.NoError(t, err)
	_, err = b.Open(m6)
	require.ErrorIs(t, err, ErrStale)
	near := newTestChannel(t, "zone-n", g, &testClock{t: clk.now().Add(DefaultFutureSkew - 2*time.Second)})
	m7, err := near.Seal(KindAnnounce, "", map[string]int{"n": 7})
	require.NoError(t, err)
	_, err = b.Open(m7)
	require.NoError(t, err)

	// Tampered: bad MAC.
	m8, err := a.Seal(KindAnnounce, "", map[string]int{"n": 8})
	require.NoError(t, err)
	i := bytes.Index(m8, []byte(`"ct":"`)) + 8
	m8[i] ^= 1
	_, err = b.Open(m8)
	require.ErrorIs(t, err, ErrBadMAC)
}

func TestChannelAuthOnlyAndDowngrade(t *testing.T) {
	clk := newTestClock()
	g := testGrant()
	plain := newTestChannel(t, "zone-a", g, clk, WithAuthOnly())
	enc := newTestChannel(t, "zone-b", g, clk)
	lax := newTestChannel(t, "zone-c", g, clk, WithAuthOnly())
	m, err := plain.Seal(KindAnnounce, "", map[string]string{"zoneName": "Kitchen"})
	require.NoError(t, err)
	assert.Contains(t, string(m), "Kitchen")
	_, err = enc.Open(m)
	require.ErrorIs(t, err, ErrPlaintext, "an encrypting channel refuses clear data")
	r, err := lax.Open(m)
	require.NoError(t, err)
	assert.JSONEq(t, `{"zoneName":"Kitchen"}`, string(r.Body))
	// An auth-only channel still reads encrypted messages.
	m2, err := enc.Seal(KindAnnounce, "", map[string]string{"zoneName": "Garage"})
	require.NoError(t, err)
	r, err = lax.Open(m2)
	require.NoError(t, err)
	assert.JSONEq(t, `{"zoneName":"Garage"}`, string(r.Body))
}

func TestChannelStartupFence(t *testing.T) {
	clk := newTestClock()
	g := testGrant()
	a := newTestChannel(t, "zone-a", g, clk)
	m, err := a.Seal(KindAnnounce, "", json.RawMessage(`{}`))
	require.NoError(t, err)
	// A restarted device that does not know what it accepted before refuses
	// messages up to its start plus the future skew.
	b, err := NewChannel("zone-b", g, WithClock(clk.now))
	require.NoError(t, err)
	_, err = b.Open(m)
	require.ErrorIs(t, err, ErrStale)
	clk.add(DefaultFutureSkew + time.Second)
	m2, err := a.Seal(KindAnnounce, "", json.RawMessage(`{}`))
	require.NoError(t, err)
	_, err = b.Open(m2)
	require.NoError(t, err)
}

func TestChannelRotationGrace(t *testing.T) {
	clk := newTestClock()
	g := testGrant()
	a := newTestChannel(t, "zone-a", g, clk)
	b := newTestChannel(t, "zone-b", g, clk, WithGrace(time.Minute))
	old := newTestChannel(t, "zone-old", g, clk) // a member that missed the rotation
	next := NewSecret()
	require.NoError(t, a.AddEpoch(next, 2))
	require.NoError(t, b.AddEpoch(next, 2))
	require.Error(t, b.AddEpoch(NewSecret(), 2), "epochs only move forward")
	m, err := a.Seal(KindAnnounce, "", json.RawMessage(`{}`))
	require.NoError(t, err)
	r, err := b.Open(m)
	require.NoError(t, err)
	assert.Equal(t, uint64(2), r.Epoch)
	// The member still on epoch 1 cannot read epoch 2.
	_, err = old.Open(m)
	require.ErrorIs(t, err, ErrUnknownKey)
	// Within the grace period epoch 1 is still accepted.
	m1, err := old.Seal(KindAnnounce, "", json.RawMessage(`{}`))
	require.NoError(t, err)
	r, err = b.Open(m1)
	require.NoError(t, err)
	assert.Equal(t, uint64(1), r.Epoch)
	// After it, no more.
	clk.add(time.Minute + time.Second)
	m1, err = old.Seal(KindAnnounce, "", json.RawMessage(`{}`))
	require.NoError(t, err)
	_, err = b.Open(m1)
	require.ErrorIs(t, err, ErrStale)
}
