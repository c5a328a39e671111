package envelope

import (
	"errors"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestConcurrentReplay has 8 goroutines submit the same 10,000 envelopes
// (JSON and CBOR, through Open and OpenBatch) to one verifier: each must be
// accepted exactly once and refused as a replay every other time. The
// envelopes are HMAC-signed so that 80,000 opens stay quick under -race; the
// replay path is the same for every algorithm.
func TestConcurrentReplay(t *testing.T) {
	const goroutines, n = 8, 10_000
	secret := make([]byte, MinHMACKeySize)
	s, err := NewHMACSigner("swarm-1", secret)
	require.NoError(t, err)
	msgs := make([][]byte, n)
	for i := range msgs {
		var err error
		if i%2 == 0 {
			msgs[i], err = Seal(s, "test/ping", ping{Seq: i}, WithTimestamp(t0))
		} else {
			msgs[i], err = SealCBOR(s, "test/ping", ping{Seq: i}, WithTimestamp(t0))
		}
		require.NoError(t, err)
	}
	c := &clock{t: t0}
	v, err := NewVerifier(WithTypes("test/ping"), WithHMACKey("swarm-1", secret), WithClock(c.now), WithoutStartupFence())
	require.NoError(t, err)
	accepted := make([]atomic.Int32, n)
	var other atomic.Int32
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() {
			record := func(i int, err error) {
				switch {
				case err == nil:
					accepted[i].Add(1)
				case !errors.Is(err, ErrReplay):
					other.Add(1)
				}
			}
			if g == 0 {
				for i, r := range v.OpenBatch(msgs) {
					record(i, r.Err)
				}
				return
			}
			// Each goroutine walks the list from its own starting point.
			for k := range n {
				i := (k + g*n/goroutines) % n
				_, err := v.Open(msgs[i])
				record(i, err)
			}
		})
	}
	wg.Wait()
	require.Zero(t, other.Load(), "errors other than replays")
	for i := range accepted {
		require.Equal(t, int32(1), accepted[i].Load(), "envelope %d", i)
	}
	require.Equal(t, n, v.cache.Len())
}
