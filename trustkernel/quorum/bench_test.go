package quorum

import (
	"context"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/rpc"
	"github.com/stretchr/testify/require"

	"github.com/accordsdk/accord/trustkernel/simchain"
)

// benchDelays are the three endpoints' added latencies; with a 2-of-3
// quorum a read should cost about the second-fastest one (50 ms).
var benchDelays = []time.Duration{5 * time.Millisecond, 50 * time.Millisecond, 500 * time.Millisecond}

func benchEndpoints(b *testing.B) (*testChain, []string) {
	c := newTestChain(b)
	bs := make([]simchain.Behaviour, len(benchDelays))
	for i, d := range benchDelays {
		bs[i] = simchain.Behaviour{Delay: d}
	}
	return c, c.proxies(b, bs...)
}

// BenchmarkQuorumRead is a 2-of-3 quorum read with a pinned block (the
// steady state: the pin is reused for its TTL).
func BenchmarkQuorumRead(b *testing.B) {
	c, urls := benchEndpoints(b)
	r, err := New(urls, 2, WithClock(c.clock(b)), WithPinTTL(time.Hour))
	require.NoError(b, err)
	defer r.Close()
	ctx := context.Background()
	_, err = r.Pin(ctx)
	require.NoError(b, err)
	for b.Loop() {
		if _, err := r.Read(ctx, c.probe, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkQuorumReadColdPin pins a fresh block for every read: heads
// (awaited for as long again once k arrived), the header, then the call.
func BenchmarkQuorumReadColdPin(b *testing.B) {
	c, urls := benchEndpoints(b)
	r, err := New(urls, 2, WithClock(c.clock(b)), WithPinTTL(0))
	require.NoError(b, err)
	defer r.Close()
	ctx := context.Background()
	for b.Loop() {
		if _, err := r.Read(ctx, c.probe, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBaselineSecondFastestRead is one eth_call pinned by block hash to
// the second-fastest endpoint alone: the latency a 2-of-3 read is bound by.
func BenchmarkBaselineSecondFastestRead(b *testing.B) {
	c, urls := benchEndpoints(b)
	r, err := New(urls, 2, WithClock(c.clock(b)))
	require.NoError(b, err)
	defer r.Close()
	ctx := context.Background()
	ref, err := r.Pin(ctx)
	require.NoError(b, err)
	cl, err := rpc.DialContext(ctx, urls[1])
	require.NoError(b, err)
	defer cl.Close()
	args := map[string]any{"to": c.probe, "input": hexutil.Bytes(nil)}
	block := map[string]any{"blockHash": ref.Hash, "requireCanonical": true}
	for b.Loop() {
		var out hexutil.Bytes
		if err := cl.CallContext(ctx, &out, "eth_call", args, block); err != nil {
			b.Fatal(err)
		}
	}
}
