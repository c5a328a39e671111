package envelope

import (
	"encoding/binary"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// flood inserts enough fresh nonces at time now to touch every shard, so
// that each shard runs its expiry at now.
func flood(t *testing.T, c *ReplayCache, now int64) {
	t.Helper()
	for i := range 64 * 64 {
		var nonce [16]byte
		binary.BigEndian.PutUint64(nonce[:], uint64(i)+1<<40)
		require.NoError(t, c.CheckAndInsert("ed25519:flood", nonce[:], now, now))
	}
}

// TestHardening4ClockStepBack: accept at t0; the clock jumps an hour ahead
// and traffic expires every shard; the clock returns to t0+1s; the same
// envelope must not be accepted again.
func TestHardening4ClockStepBack(t *testing.T) {
	s := NewEd25519Signer(testKey(1))
	cache, err := NewReplayCache(DefaultWindow, 1<<16)
	require.NoError(t, err)
	v, clk := newTestVerifier(t, []Signer{s}, WithReplayCache(cache))
	msg, err := Seal(s, "test/ping", ping{Seq: 1}, WithTimestamp(t0))
	require.NoError(t, err)
	_, err = v.Open(msg)
	require.NoError(t, err)

	clk.t = t0.Add(time.Hour)
	flood(t, cache, clk.t.Unix())
	clk.t = t0.Add(time.Second)
	_, err = v.Open(msg)
	require.Error(t, err, "the envelope was accepted twice")
	require.ErrorIs(t, err, ErrOutsideWindow)

	// Fail closed until the clock catches up; then the window works again.
	fresh, err := Seal(s, "test/ping", ping{Seq: 2}, WithTimestamp(clk.t))
	require.NoError(t, err)
	_, err = v.Open(fresh)
	require.ErrorIs(t, err, ErrOutsideWindow)
	clk.t = t0.Add(time.Hour + time.Second)
	later, err := Seal(s, "test/ping", ping{Seq: 3}, WithTimestamp(clk.t))
	require.NoError(t, err)
	_, err = v.Open(later)
	require.NoError(t, err)
	_, err = v.Open(later)
	require.ErrorIs(t, err, ErrReplay)
}

// TestHardening4SharedCacheClocks: one cache shared by verifiers whose
// clocks differ; the fast one's traffic must not make the slow one forget.
func TestHardening4SharedCacheClocks(t *testing.T) {
	s := NewEd25519Signer(testKey(2))
	cache, err := NewReplayCache(DefaultWindow, 1<<16)
	require.NoError(t, err)
	slow, _ := newTestVerifier(t, []Signer{s}, WithReplayCache(cache))
	fast, fastClock := newTestVerifier(t, []Signer{s}, WithReplayCache(cache))
	fastClock.t = t0.Add(time.Hour)

	msg, err := Seal(s, "test/ping", ping{Seq: 1}, WithTimestamp(t0))
	require.NoError(t, err)
	_, err = slow.Open(msg)
	require.NoError(t, err)
	for i := range 64 * 64 {
		m, err := Seal(s, "test/ping", ping{Seq: 100 + i}, WithTimestamp(fastClock.t))
		require.NoError(t, err)
		_, err = fast.Open(m)
		require.NoError(t, err)
	}
	_, err = slow.Open(msg)
	require.Error(t, err, "the slow verifier accepted the envelope twice")
}

// TestReplayFloorWindowEdge: with one clock, the floor refuses nothing the
// window check accepts, and expiry still frees memory.
func TestReplayFloorWindowEdge(t *testing.T) {
	cache, err := NewReplayCache(time.Minute, 1<<16)
	require.NoError(t, err)
	now := t0.Unix()
	require.NoError(t, cache.CheckAndInsert("a", []byte("n1"), now-60, now))
	require.ErrorIs(t, cache.CheckAndInsert("a", []byte("n1"), now-60, now), ErrReplay)
	require.ErrorIs(t, cache.CheckAndInsert("a", []byte("n2"), now-61, now), ErrOutsideWindow)
	require.NoError(t, cache.CheckAndInsert("a", []byte("n3"), now+60, now))
	flood(t, cache, now+200)
	require.Equal(t, 64*64, cache.Len(), "expired buckets were not dropped")
}
