package merklelog

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/accordsdk/accord/checkpoint"
	"github.com/accordsdk/accord/internal/durable"
)

const testOrigin = "example.com/test-log"

func testKey(seed byte) ed25519.PrivateKey {
	return ed25519.NewKeyFromSeed(bytes.Repeat([]byte{seed}, ed25519.SeedSize))
}

func testOptions(t testing.TB) Options {
	s, err := checkpoint.NewSigner(testOrigin, testKey(1))
	require.NoError(t, err)
	return Options{Origin: testOrigin, Signer: s}
}

func openLog(t testing.TB, dir string) *Log {
	t.Helper()
	l, err := Open(dir, testOptions(t))
	require.NoError(t, err)
	t.Cleanup(func() { l.Close() })
	return l
}

func rec(i int) []byte { return fmt.Appendf(nil, "entry %d", i) }

// appendBatches appends rec(0) to rec(n-1) in batches of 5000.
func appendBatches(t testing.TB, l *Log, n int) {
	t.Helper()
	recs := make([][]byte, 0, 5000)
	for i := range n {
		recs = append(recs, rec(i))
		if len(recs) == cap(recs) || i == n-1 {
			_, err := l.AppendBatch(context.Background(), recs)
			require.NoError(t, err)
			recs = recs[:0]
		}
	}
}

func appendN(t testing.TB, l *Log, from, to int) {
	t.Helper()
	for i := from; i < to; i++ {
		idx, err := l.Append(context.Background(), rec(i))
		require.NoError(t, err)
		require.Equal(t, uint64(i), idx)
	}
}

// TestProofsAllSizes checks every inclusion and consistency proof of a
// small log against tlog's verifiers and against a root computed from the
// records alone.
func TestProofsAllSizes(t *testing.T) {
	l := openLog(t, t.TempDir())
	const n = 33
	appendN(t, l, 0, n)
	roots := make([]tlog.Hash, n+1)
	for size := 0; size <= n; size++ {
		var err error
		roots[size], err = l.TreeHash(uint64(size))
		require.NoError(t, err)
		require.Equal(t, referenceRoot(t, size), roots[size], "size %d", size)
	}
	for size := 1; size <= n; size++ {
		for i := range size {
			p, err := l.InclusionProof(uint64(i), uint64(size))
			require.NoError(t, err)
			require.NoError(t, tlog.CheckRecord(p, int64(size), roots[size], int64(i), tlog.RecordHash(rec(i))))
			require.Error(t, tlog.CheckRecord(p, int64(size), roots[size], int64(i), tlog.RecordHash(rec(i+1))))
		}
		for old := 1; old <= size; old++ {
			p, err := l.ConsistencyProof(uint64(old), uint64(size))
			require.NoError(t, err)
			require.NoError(t, tlog.CheckTree(p, int64(size), roots[size], int64(old), roots[old]))
		}
	}
	for _, bad := range [][2]uint64{{n, n}, {0, n + 1}, {5, 3}} {
		_, err := l.InclusionProof(bad[0], bad[1])
		require.ErrorIs(t, err, ErrBadSize)
	}
	_, err := l.ConsistencyProof(4, 3)
	require.ErrorIs(t, err, ErrBadSize)
	_, err = l.ConsistencyProof(1, n+1)
	require.ErrorIs(t, err, ErrBadSize)
	p, err := l.ConsistencyProof(0, n)
	require.NoError(t, err)
	require.Empty(t, p)
}

// referenceRoot computes the RFC 6962 root of rec(0..size-1) recursively,
// straight from section 2.1, independent of the stored hashes.
func referenceRoot(t *testing.T, size int) tlog.Hash {
	var mth func(lo, hi int) tlog.Hash
	mth = func(lo, hi int) tlog.Hash {
		if hi-lo == 1 {
			return tlog.RecordHash(rec(lo))
		}
		k := 1
		for k*2 < hi-lo {
			k *= 2
		}
		return tlog.NodeHash(mth(lo, lo+k), mth(lo+k, hi))
	}
	if size == 0 {
		h, err := tlog.TreeHash(0, nil)
		require.NoError(t, err)
		return h
	}
	return mth(0, size)
}

func TestCheckpointSignedAndConsistent(t *testing.T) {
	dir := t.TempDir()
	l := openLog(t, dir)
	ctx := context.Background()
	v, err := checkpoint.NewVerifier(testOrigin, testKey(1).Public().(ed25519.PublicKey))
	require.NoError(t, err)

	empty, err := l.Checkpoint(ctx)
	require.NoError(t, err)
	c0, _, err := checkpoint.Verify(empty, v)
	require.NoError(t, err)
	require.Equal(t, uint64(0), c0.Size)

	appendN(t, l, 0, 10)
	signed, err := l.Checkpoint(ctx)
	require.NoError(t, err)
	c, _, err := checkpoint.Verify(signed, v)
	require.NoError(t, err)
	require.Equal(t, checkpoint.Checkpoint{Origin: testOrigin, Size: 10, Hash: referenceRoot(t, 10)}, c)

	again, err := l.Checkpoint(ctx)
	require.NoError(t, err)
	require.Equal(t, signed, again, "an unchanged log returns its last checkpoint")

	// The stored checkpoint survives a reopen and is checked against the tree.
	require.NoError(t, l.Close())
	l = openLog(t, dir)
	appendN(t, l, 10, 12)
	later, err := l.Checkpoint(ctx)
	require.NoError(t, err)
	c2, _, err := checkpoint.Verify(later, v)
	require.NoError(t, err)
	p, err := l.ConsistencyProof(c.Size, c2.Size)
	require.NoError(t, err)
	require.NoError(t, tlog.CheckTree(p, int64(c2.Size), c2.Hash, int64(c.Size), c.Hash))
}

// TestRefusesInconsistentCheckpoint replaces the log's records with a
// different history of the same length: the log must not sign for it.
func TestRefusesInconsistentCheckpoint(t *testing.T) {
	ctx := context.Background()
	dir, other := t.TempDir(), t.TempDir()
	l := openLog(t, dir)
	appendN(t, l, 0, 5)
	_, err := l.Checkpoint(ctx)
	require.NoError(t, err)
	require.NoError(t, l.Close())

	o := openLog(t, other)
	for i := range 6 {
		_, err := o.Append(ctx, []byte{byte(i)})
		require.NoError(t, err)
	}
	require.NoError(t, o.Close())
	for _, name := range []string{recordsFile, indexFile} {
		data, err := os.ReadFile(filepath.Join(other, name))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), data, 0o600))
	}
	_, err = Open(dir, testOptions(t))
	var ie *InconsistentError
	require.ErrorAs(t, err, &ie)
	require.Equal(t, uint64(5), ie.Signed.Size)
	require.NotEqual(t, ie.Signed.Hash, ie.HashThen)

	// A log shorter than its signed checkpoint lost acknowledged records.
	require.NoError(t, os.WriteFile(filepath.Join(dir, recordsFile), []byte("accord-durable1\n"), 0o600))
	require.NoError(t, os.Remove(filepath.Join(dir, indexFile)))
	_, err = Open(dir, testOptions(t))
	require.ErrorAs(t, err, &ie)
	require.Equal(t, uint64(0), ie.Size)
}

func TestOptionsChecked(t *testing.T) {
	s, err := checkpoint.NewSigner("other.example/log", testKey(1))
	require.NoError(t, err)
	for _, opts := range []Options{
		{Origin: testOrigin},
		{Signer: s},
		{Origin: testOrigin, Signer: s},
	} {
		_, err := Open(t.TempDir(), opts)
		require.ErrorIs(t, err, ErrConfig)
	}
	// A log directory keeps its origin.
	dir := t.TempDir()
	l := openLog(t, dir)
	_, err = l.Checkpoint(context.Background())
	require.NoError(t, err)
	require.NoError(t, l.Close())
	_, err = Open(dir, Options{Origin: "other.example/log", Signer: s})
	require.ErrorIs(t, err, ErrConfig)
}

func TestSecondWriterRefused(t *testing.T) {
	dir := t.TempDir()
	openLog(t, dir)
	_, err := Open(dir, testOptions(t))
	require.ErrorIs(t, err, ErrLocked)
}

func TestAppendAfterClose(t *testing.T) {
	l := openLog(t, t.TempDir())
	require.NoError(t, l.Close())
	_, err := l.Append(context.Background(), []byte("late"))
	require.ErrorIs(t, err, ErrClosed)
	_, err = l.Append(context.Background(), make([]byte, MaxRecordSize+1))
	require.ErrorIs(t, err, ErrTooLarge)
}

// TestHashFileRebuilt removes or damages the hash cache: the log rebuilds
// it from the records and reaches the same root.
func TestHashFileRebuilt(t *testing.T) {
	dir := t.TempDir()
	l := openLog(t, dir)
	appendN(t, l, 0, 100)
	want, err := l.TreeHash(100)
	require.NoError(t, err)
	require.NoError(t, l.Close())
	hashes := filepath.Join(dir, indexFile)
	full, err := os.ReadFile(hashes)
	require.NoError(t, err)

	for _, tc := range []struct {
		desc   string
		damage func() error
	}{
		{"removed", func() error { return os.Remove(hashes) }},
		{"truncated", func() error { return os.WriteFile(hashes, full[:len(full)/2], 0o600) }},
		{"zeroed tail", func() error {
			b := bytes.Clone(full)
			clear(b[len(b)/3:])
			return os.WriteFile(hashes, b, 0o600)
		}},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			require.NoError(t, tc.damage())
			l := openLog(t, dir)
			require.Equal(t, uint64(100), l.Size())
			got, err := l.TreeHash(100)
			require.NoError(t, err)
			require.Equal(t, want, got)
			require.NoError(t, l.Close())
			rebuilt, err := os.ReadFile(hashes)
			require.NoError(t, err)
			require.Equal(t, full, rebuilt)
		})
	}
}

// TestHashFileAheadOfRecords: a hash file covering records the records file
// lacks means acknowledged records were lost; Open refuses.
func TestHashFileAheadOfRecords(t *testing.T) {
	dir := t.TempDir()
	l := openLog(t, dir)
	appendN(t, l, 0, 20)
	require.NoError(t, l.Close())
	short := t.TempDir()
	s := openLog(t, short)
	appendN(t, s, 0, 10)
	require.NoError(t, s.Close())
	data, err := os.ReadFile(filepath.Join(short, recordsFile))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, recordsFile), data, 0o600))
	_, err = Open(dir, testOptions(t))
	require.ErrorIs(t, err, ErrCorrupt)
}

func TestConcurrentAppendAndProve(t *testing.T) {
	l := openLog(t, t.TempDir())
	ctx := context.Background()
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() {
			for i := range 25 {
				data := fmt.Appendf(nil, "w%d-%d", w, i)
				idx, err := l.Append(ctx, data)
				if !assertNoErr(t, err) {
					return
				}
				size := l.Size()
				root, err := l.TreeHash(size)
				if !assertNoErr(t, err) {
					return
				}
				p, err := l.InclusionProof(idx, size)
				if !assertNoErr(t, err) {
					return
				}
				assertNoErr(t, tlog.CheckRecord(p, int64(size), root, int64(idx), tlog.RecordHash(data)))
				got, err := l.Record(idx)
				if assertNoErr(t, err) && !bytes.Equal(got, data) {
					t.Errorf("record %d = %q, want %q", idx, got, data)
				}
			}
		})
	}
	wg.Wait()
	require.Equal(t, uint64(200), l.Size())
	_, err := l.Record(200)
	require.ErrorIs(t, err, ErrNoRecord)
}

func assertNoErr(t *testing.T, err error) bool {
	t.Helper()
	if err != nil {
		t.Error(err)
		return false
	}
	return true
}

func TestProofFile(t *testing.T) {
	l := openLog(t, t.TempDir())
	appendN(t, l, 0, 9)
	p, err := l.Proof(context.Background(), 4)
	require.NoError(t, err)
	parsed, err := checkpoint.ParseProof(p.Marshal())
	require.NoError(t, err)
	v, err := checkpoint.NewVerifier(testOrigin, testKey(1).Public().(ed25519.PublicKey))
	require.NoError(t, err)
	c, err := parsed.Verify(rec(4), v, nil, 0)
	require.NoError(t, err)
	require.Equal(t, uint64(9), c.Size)
	_, err = parsed.Verify(rec(5), v, nil, 0)
	require.ErrorIs(t, err, checkpoint.ErrInclusion)
	_, err = l.Proof(context.Background(), 9)
	require.ErrorIs(t, err, ErrBadSize)
}

// TestTornTailOfLog simulates a crash during a write that was never
// acknowledged: the records file ends with part of the frames of three more
// records, cut at every byte. The log must open with every acknowledged
// record, the same root at that size, rebuilt hashes for any whole record
// that made it, and keep signing consistent checkpoints.
func TestTornTailOfLog(t *testing.T) {
	const acked, inFlight = 20, 3
	ctx := context.Background()
	full, base := t.TempDir(), t.TempDir()
	l := openLog(t, full)
	appendN(t, l, 0, acked+inFlight)
	require.NoError(t, l.Close())
	l = openLog(t, base)
	appendN(t, l, 0, acked)
	root, err := l.TreeHash(acked)
	require.NoError(t, err)
	_, err = l.Checkpoint(ctx)
	require.NoError(t, err)
	require.NoError(t, l.Close())

	read := func(dir, name string) []byte {
		b, err := os.ReadFile(filepath.Join(dir, name))
		require.NoError(t, err)
		return b
	}
	fullRecords, baseRecords := read(full, recordsFile), read(base, recordsFile)
	// The full file extends the base one; their headers differ only in the
	// synced length each Close recorded (the first 48 bytes of a durable
	// file), and the torn files below keep the base header: what the crash
	// left synced.
	const durableHeader = 48
	require.Equal(t, baseRecords[durableHeader:], fullRecords[durableHeader:len(baseRecords)])
	// Frame ends of the in-flight records: 8 bytes of frame header each.
	var ends []int
	end := len(baseRecords)
	for i := acked; i < acked+inFlight; i++ {
		end += 8 + len(rec(i))
		ends = append(ends, end)
	}
	require.Equal(t, len(fullRecords), end)

	for cut := len(baseRecords); cut <= len(fullRecords); cut++ {
		dir := t.TempDir()
		for _, name := range []string{indexFile, checkpointFile} {
			require.NoError(t, os.WriteFile(filepath.Join(dir, name), read(base, name), 0o600))
		}
		torn := append(bytes.Clone(baseRecords), fullRecords[len(baseRecords):cut]...)
		require.NoError(t, os.WriteFile(filepath.Join(dir, recordsFile), torn, 0o600))
		l, err := Open(dir, testOptions(t))
		require.NoError(t, err, "cut at %d", cut)
		whole := 0
		for whole < inFlight && ends[whole] <= cut {
			whole++
		}
		require.Equal(t, uint64(acked+whole), l.Size(), "cut at %d", cut)
		got, err := l.TreeHash(acked)
		require.NoError(t, err)
		require.Equal(t, root, got)
		if whole > 0 {
			r, err := l.Record(uint64(acked + whole - 1))
			require.NoError(t, err)
			require.Equal(t, rec(acked+whole-1), r)
		}
		idx, err := l.Append(ctx, []byte("after the crash"))
		require.NoError(t, err)
		require.Equal(t, uint64(acked+whole), idx)
		_, err = l.Checkpoint(ctx)
		require.NoError(t, err)
		require.NoError(t, l.Close())
	}
}

// TestHashFileFromAnotherLog: a hash file whose last entry does not match
// the records is refused, not trusted.
func TestHashFileFromAnotherLog(t *testing.T) {
	dir, other := t.TempDir(), t.TempDir()
	l := openLog(t, dir)
	appendN(t, l, 0, 5)
	require.NoError(t, l.Close())
	o := openLog(t, other)
	for i := range 5 {
		_, err := o.Append(context.Background(), []byte{byte(i)})
		require.NoError(t, err)
	}
	require.NoError(t, o.Close())
	data, err := os.ReadFile(filepath.Join(other, indexFile))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, indexFile), data, 0o600))
	_, err = Open(dir, testOptions(t))
	require.ErrorIs(t, err, ErrCorrupt)
	require.Contains(t, err.Error(), "rebuild")
	require.NoError(t, os.Remove(filepath.Join(dir, indexFile)))
	l = openLog(t, dir)
	got, err := l.TreeHash(5)
	require.NoError(t, err)
	require.Equal(t, referenceRoot(t, 5), got)
}

// TestIndexDamageFoundWhenRead flips a bit in an index entry far from the
// end of the index, where Open does not look: the log opens, and the entry
// is refused when a record or proof needs it. Rebuilding the index mends it.
func TestIndexDamageFoundWhenRead(t *testing.T) {
	const n, damaged = 80_000, 10
	ctx := context.Background()
	dir := t.TempDir()
	l := openLog(t, dir)
	appendBatches(t, l, n)
	_, err := l.Checkpoint(ctx)
	require.NoError(t, err)
	require.NoError(t, l.Close())
	path := filepath.Join(dir, indexFile)
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	at := 16 + entryOffset(damaged) + durable.FrameHeaderSize + entryHeaderSize + 3
	require.Greater(t, int64(len(data))-at, int64(4<<20+32), "the damage lies before the last unsynced bytes, which Open checks")
	data[at] ^= 1
	require.NoError(t, os.WriteFile(path, data, 0o600))

	l = openLog(t, dir)
	require.Equal(t, uint64(n), l.Size())
	_, err = l.Record(damaged)
	require.ErrorIs(t, err, ErrCorrupt)
	require.Contains(t, err.Error(), "rebuild")
	_, err = l.InclusionProof(damaged+1, n) // needs the damaged record's hash
	require.ErrorIs(t, err, ErrCorrupt)
	got, err := l.Record(damaged + 1)
	require.NoError(t, err)
	require.Equal(t, rec(damaged+1), got)
	require.NoError(t, l.Close())

	require.NoError(t, os.Remove(path))
	l = openLog(t, dir)
	got, err = l.Record(damaged)
	require.NoError(t, err)
	require.Equal(t, rec(damaged), got)
	p, err := l.InclusionProof(damaged+1, n)
	require.NoError(t, err)
	root, err := l.TreeHash(n)
	require.NoError(t, err)
	require.NoError(t, tlog.CheckRecord(p, n, root, damaged+1, tlog.RecordHash(rec(damaged+1))))
}
