package merklelog

import (
	"context"
	"fmt"
	"math/rand/v2"
	"runtime"
	"runtime/metrics"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/mod/sumdb/tlog"
)

// liveHeap returns the bytes of live heap objects after a collection.
func liveHeap() int64 {
	runtime.GC()
	runtime.GC()
	m := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(m)
	return int64(m[0].Value.Uint64())
}

// TestMemoryDoesNotGrowWithRecords appends 200,000 records, reopens the log
// and serves proofs and records from all over it: the live heap the log
// holds stays within a bound that keeping 8 bytes of offset, let alone 64
// bytes of hashes, per record would exceed (1.6 and 12.8 MB).
func TestMemoryDoesNotGrowWithRecords(t *testing.T) {
	const n = 200_000
	const bound = 1 << 20
	ctx := context.Background()
	dir := t.TempDir()
	base := liveHeap()
	l, err := Open(dir, testOptions(t))
	require.NoError(t, err)
	appendBatches(t, l, n)
	signed, err := l.Checkpoint(ctx)
	require.NoError(t, err)
	c, err := parseSigned(signed)
	require.NoError(t, err)
	grown := liveHeap() - base
	t.Logf("live heap after appending %d records: %d bytes over the start", n, grown)
	require.Less(t, grown, int64(bound+pendingLimit), "entries waiting for the index are bounded")
	require.NoError(t, l.Close())

	l, err = Open(dir, testOptions(t))
	require.NoError(t, err)
	defer l.Close()
	require.Equal(t, uint64(n), l.Size())
	rng := rand.New(rand.NewPCG(3, 4))
	for range 200 {
		i, size := rng.Uint64N(n), n-rng.Uint64N(n/2)
		if i >= size {
			i = size - 1
		}
		p, err := l.InclusionProof(i, size)
		require.NoError(t, err)
		root, err := l.TreeHash(size)
		require.NoError(t, err)
		require.NoError(t, tlog.CheckRecord(p, int64(size), root, int64(i), tlog.RecordHash(rec(int(i)))))
		got, err := l.Record(i)
		require.NoError(t, err)
		require.Equal(t, rec(int(i)), got)
	}
	p, err := l.ConsistencyProof(n/3, n)
	require.NoError(t, err)
	old, err := l.TreeHash(n / 3)
	require.NoError(t, err)
	require.NoError(t, tlog.CheckTree(p, n, c.Hash, n/3, old))
	grown = liveHeap() - base
	t.Logf("live heap after reopening and proving: %d bytes over the start", grown)
	require.Less(t, grown, int64(bound), fmt.Sprintf("a log of %d records", n))
}
