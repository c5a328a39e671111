package durable

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func record(i int) []byte {
	return fmt.Appendf(nil, "record %d %s", i, bytes.Repeat([]byte{byte(i)}, i%50))
}

func openT(t *testing.T, path string, opts Options) *File {
	t.Helper()
	f, err := Open(path, opts)
	require.NoError(t, err)
	t.Cleanup(func() { f.Close() })
	return f
}

func TestAppendReadReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "log")
	f := openT(t, path, Options{})
	ctx := context.Background()
	for i := range 100 {
		idx, err := f.Append(ctx, record(i))
		require.NoError(t, err)
		require.Equal(t, uint64(i), idx)
	}
	first, err := f.AppendBatch(ctx, [][]byte{record(100), {}, record(102)})
	require.NoError(t, err)
	require.Equal(t, uint64(100), first)
	require.Equal(t, uint64(103), f.Len())
	require.NoError(t, f.Close())
	require.ErrorIs(t, f.Close(), ErrClosed)
	_, err = f.Append(ctx, []byte("late"))
	require.ErrorIs(t, err, ErrClosed)

	var visited [][]byte
	g := openT(t, path, Options{Visit: func(i uint64, _ Frame, rec []byte) error {
		require.Equal(t, uint64(len(visited)), i)
		visited = append(visited, bytes.Clone(rec))
		return nil
	}})
	require.Equal(t, uint64(103), g.Len())
	require.Len(t, visited, 103)
	for i := range 103 {
		want := record(i)
		if i == 101 {
			want = []byte{}
		}
		got, err := g.Read(uint64(i))
		require.NoError(t, err)
		require.Equal(t, want, got)
		require.Equal(t, want, visited[i])
	}
	_, err = g.Read(103)
	require.ErrorIs(t, err, ErrNoRecord)
	assert.Zero(t, g.Recovery().TruncatedBytes)
}

func TestVisitErrorAbortsOpen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "log")
	f := openT(t, path, Options{})
	_, err := f.Append(context.Background(), []byte("x"))
	require.NoError(t, err)
	require.NoError(t, f.Close())
	boom := errors.New("boom")
	_, err = Open(path, Options{Visit: func(uint64, Frame, []byte) error { return boom }})
	require.ErrorIs(t, err, boom)
	// The failed Open released its lock.
	openT(t, path, Options{})
}

func TestConcurrentAppendsShareSyncs(t *testing.T) {
	path := filepath.Join(t.TempDir(), "log")
	var mu sync.Mutex
	var committed [][]byte
	f := openT(t, path, Options{OnCommit: func(first uint64, _ []Frame, recs [][]byte) {
		mu.Lock()
		defer mu.Unlock()
		require.Equal(t, uint64(len(committed)), first)
		for _, r := range recs {
			committed = append(committed, bytes.Clone(r))
		}
	}})
	const workers, each = 32, 20
	got := make([][]uint64, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := range each {
				idx, err := f.Append(context.Background(), record(w*each+i))
				if !assert.NoError(t, err) {
					return
				}
				got[w] = append(got[w], idx)
			}
		})
	}
	wg.Wait()
	require.Equal(t, uint64(workers*each), f.Len())
	seen := map[uint64]bool{}
	for w, idxs := range got {
		for i, idx := range idxs {
			require.False(t, seen[idx], "index %d handed out twice", idx)
			seen[idx] = true
			rec, err := f.Read(idx)
			require.NoError(t, err)
			require.Equal(t, record(w*each+i), rec)
			require.Equal(t, rec, committed[idx])
		}
	}
	st := f.Stats()
	require.Equal(t, uint64(workers*each), st.Records)
	require.Less(t, st.Syncs, uint64(workers*each), "group commit shares fsyncs")
	require.Equal(t, st.Writes, st.Syncs)
	require.Equal(t, viaRing(f, st.Syncs), st.RingSyncs)
}

func TestLargeBatchSplitsWrites(t *testing.T) {
	path := filepath.Join(t.TempDir(), "log")
	f := openT(t, path, Options{})
	big := bytes.Repeat([]byte{7}, MaxRecordSize)
	first, err := f.AppendBatch(context.Background(), [][]byte{big, big, []byte("tail")})
	require.NoError(t, err)
	require.Equal(t, uint64(0), first)
	require.Equal(t, Stats{Records: 3, Writes: 3, Syncs: 1, RingSyncs: viaRing(f, 1)}, f.Stats(), "no write is longer than maxWrite; one fsync covers the batch")
	_, err = f.Append(context.Background(), make([]byte, MaxRecordSize+1))
	require.ErrorIs(t, err, ErrTooLarge)
	_, err = f.AppendBatch(context.Background(), nil)
	require.Error(t, err)
	require.NoError(t, f.Close())
	g := openT(t, path, Options{})
	got, err := g.Read(1)
	require.NoError(t, err)
	require.Equal(t, big, got)
}

// TestLongBatchSyncsAlongTheWay appends a batch longer than maxUnsynced:
// the committer fsyncs before a write would leave more than maxUnsynced
// bytes unsynced, so a crash can tear only the file's last maxUnsynced bytes.
func TestLongBatchSyncsAlongTheWay(t *testing.T) {
	path := filepath.Join(t.TempDir(), "log")
	f := openT(t, path, Options{})
	big := bytes.Repeat([]byte{7}, MaxRecordSize)
	batch := make([][]byte, 9)
	for i := range batch {
		batch[i] = big
	}
	_, err := f.AppendBatch(context.Background(), batch)
	require.NoError(t, err)
	// Writes 1-4 fill maxUnsynced; writes 5 and 9 each need an fsync
	// first; one more ends the commit.
	require.Equal(t, Stats{Records: 9, Writes: 9, Syncs: 3, RingSyncs: viaRing(f, 3)}, f.Stats())
	require.Equal(t, f.pos, f.flushed)
}

// TestQueuedAppendsShareOneCommit holds the acknowledger so that appends
// queue while the committer waits; once released, the committer takes all
// of them into one write and one fsync.
func TestQueuedAppendsShareOneCommit(t *testing.T) {
	release := make(chan struct{})
	var once sync.Once
	f := openT(t, filepath.Join(t.TempDir(), "log"), Options{OnCommit: func(uint64, []Frame, [][]byte) {
		once.Do(func() { <-release })
	}})
	ctx := context.Background()
	const taken, queued = ackDepth + 2, 20
	var wg sync.WaitGroup
	for i := range taken {
		wg.Go(func() {
			_, err := f.Append(ctx, record(i))
			assert.NoError(t, err)
		})
		require.Eventually(t, func() bool { return f.Stats().Syncs == uint64(i+1) }, 5*time.Second, time.Millisecond)
	}
	for i := range queued {
		wg.Go(func() {
			_, err := f.Append(ctx, record(taken+i))
			assert.NoError(t, err)
		})
	}
	require.Eventually(t, func() bool {
		f.mu.Lock()
		defer f.mu.Unlock()
		return len(f.queue) == queued
	}, 5*time.Second, time.Millisecond)
	close(release)
	wg.Wait()
	require.Equal(t, Stats{Records: taken + queued, Writes: taken + 1, Syncs: taken + 1, RingSyncs: viaRing(f, taken+1)}, f.Stats())
}

func TestCanceledContext(t *testing.T) {
	f := openT(t, filepath.Join(t.TempDir(), "log"), Options{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := f.Append(ctx, []byte("x"))
	require.ErrorIs(t, err, context.Canceled)
	require.Zero(t, f.Len())
}

func TestLockRefusesSecondWriter(t *testing.T) {
	path := filepath.Join(t.TempDir(), "log")
	f := openT(t, path, Options{})
	_, err := Open(path, Options{})
	require.ErrorIs(t, err, ErrLocked)
	require.NoError(t, f.Close())
	openT(t, path, Options{})
}

func TestBadHeader(t *testing.T) {
	for _, tc := range []struct {
		desc    string
		content string
		wantErr error
	}{
		{"other file", "hello, world, this is not a log", ErrBadHeader},
		{"other short file", "hi", ErrBadHeader},
		{"torn creation", header[:5], nil},
		{"empty", "", nil},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "log")
			require.NoError(t, os.WriteFile(path, []byte(tc.content), 0o600))
			f, err := Open(path, Options{})
			if tc.wantErr != nil {
				require.ErrorIs(t, err, tc.wantErr)
				return
			}
			require.NoError(t, err)
			defer f.Close()
			_, err = f.Append(context.Background(), []byte("x"))
			require.NoError(t, err)
		})
	}
}

// writeLog writes n records with a fresh File and returns the file's bytes
// and the end offset of every record. The file is left as a crash leaves
// it: its synced-length slots still say nothing beyond the header was
// synced, so its tail may be torn.
func writeLog(t *testing.T, path string, n int) (data []byte, ends []int64) {
	t.Helper()
	f := openT(t, path, Options{})
	for i := range n {
		_, err := f.Append(context.Background(), record(i))
		require.NoError(t, err)
	}
	require.NoError(t, f.Close())
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	forgetClose(data)
	require.NoError(t, os.WriteFile(path, data, 0o600))
	end := int64(startV2)
	for i := range n {
		end += FrameHeaderSize + int64(len(record(i)))
		ends = append(ends, end)
	}
	require.Equal(t, int64(len(data)), end)
	return data, ends
}

// TestTornTailEveryOffset cuts the file at every byte of its last records
// and checks that Open keeps exactly the records that end before the cut.
func TestTornTailEveryOffset(t *testing.T) {
	dir := t.TempDir()
	const n, last = 40, 4
	data, ends := writeLog(t, filepath.Join(dir, "orig"), n)
	path := filepath.Join(dir, "log")
	for cut := ends[n-last-1]; cut <= int64(len(data)); cut++ {
		require.NoError(t, os.WriteFile(path, data[:cut], 0o600))
		f, err := Open(path, Options{})
		require.NoError(t, err, "cut at %d", cut)
		want := 0
		for want < n && ends[want] <= cut {
			want++
		}
		require.Equal(t, uint64(want), f.Len(), "cut at %d", cut)
		require.Equal(t, cut-ends[want-1], f.Recovery().TruncatedBytes)
		for i := want - 3; i < want; i++ {
			got, err := f.Read(uint64(i))
			require.NoError(t, err)
			require.Equal(t, record(i), got)
		}
		// The file was cut back to the last whole record and takes appends.
		idx, err := f.Append(context.Background(), []byte("after"))
		require.NoError(t, err)
		require.Equal(t, uint64(want), idx)
		require.NoError(t, f.Close())
		st, err := os.Stat(path)
		require.NoError(t, err)
		require.Equal(t, ends[want-1]+FrameHeaderSize+5, st.Size())
	}
}

// TestGarbageTail covers tails a crash leaves when pages are not written
// back: zeros or random bytes after the last record.
func TestGarbageTail(t *testing.T) {
	dir := t.TempDir()
	data, ends := writeLog(t, filepath.Join(dir, "orig"), 10)
	for _, tail := range [][]byte{make([]byte, 4096), bytes.Repeat([]byte{0xff}, 100), []byte{1, 0, 0, 0, 0, 0, 0, 0, 'x'}} {
		path := filepath.Join(dir, "log")
		require.NoError(t, os.WriteFile(path, append(bytes.Clone(data), tail...), 0o600))
		f, err := Open(path, Options{})
		require.NoError(t, err)
		require.Equal(t, uint64(10), f.Len())
		require.Equal(t, int64(len(tail)), f.Recovery().TruncatedBytes)
		require.NoError(t, f.Close())
		st, err := os.Stat(path)
		require.NoError(t, err)
		require.Equal(t, ends[9], st.Size())
	}
}

// TestCorruptionBeforeTailIsReported flips a byte in a record followed by
// more than one write's worth of data: that cannot be a torn tail.
func TestCorruptionBeforeTailIsReported(t *testing.T) {
	path := filepath.Join(t.TempDir(), "log")
	f := openT(t, path, Options{})
	_, err := f.Append(context.Background(), []byte("early record"))
	require.NoError(t, err)
	big := bytes.Repeat([]byte{1}, MaxRecordSize)
	_, err = f.AppendBatch(context.Background(), [][]byte{big, big, big, big, big})
	require.NoError(t, err)
	require.NoError(t, f.Close())
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	data[startV2+FrameHeaderSize+3] ^= 0x20
	require.NoError(t, os.WriteFile(path, data, 0o600))

	_, err = Open(path, Options{})
	var ce *CorruptError
	require.ErrorAs(t, err, &ce)
	require.Equal(t, int64(startV2), ce.Offset)
	require.Equal(t, int64(len(data)), ce.Size)
	require.Contains(t, ce.Reason, "checksum")

	// A lazy file is a cache: it is cut back to the damage instead.
	g := openT(t, path, Options{Lazy: true})
	require.Zero(t, g.Len())
}

func TestReadDetectsChangedRecord(t *testing.T) {
	path := filepath.Join(t.TempDir(), "log")
	f := openT(t, path, Options{})
	_, err := f.Append(context.Background(), []byte("original"))
	require.NoError(t, err)
	w, err := os.OpenFile(path, os.O_WRONLY, 0)
	require.NoError(t, err)
	_, err = w.WriteAt([]byte("X"), int64(startV2+FrameHeaderSize))
	require.NoError(t, err)
	require.NoError(t, w.Close())
	_, err = f.Read(0)
	var ce *CorruptError
	require.ErrorAs(t, err, &ce)
}

func TestLazyFileDoesNotSync(t *testing.T) {
	f := openT(t, filepath.Join(t.TempDir(), "log"), Options{Lazy: true})
	for i := range 10 {
		_, err := f.Append(context.Background(), record(i))
		require.NoError(t, err)
	}
	require.Zero(t, f.Stats().Syncs)
	require.NotZero(t, f.Stats().Writes)
}

func TestWriteFailureStopsFile(t *testing.T) {
	f := openT(t, filepath.Join(t.TempDir(), "log"), Options{})
	_, err := f.Append(context.Background(), []byte("ok"))
	require.NoError(t, err)
	// Closing the descriptor under the File makes the next write fail, as a
	// failing disk would.
	require.NoError(t, f.f.Close())
	_, err = f.Append(context.Background(), []byte("lost"))
	require.ErrorIs(t, err, ErrFailed)
	_, err = f.Append(context.Background(), []byte("after"))
	require.ErrorIs(t, err, ErrFailed, "a failed file stays failed")
}

// TestCancelWhileQueued holds the acknowledger in OnCommit so that the
// committer stops with committed groups waiting; an append still in the
// queue when its context ends is withdrawn and never written, while the
// ones taken for writing complete.
func TestCancelWhileQueued(t *testing.T) {
	release := make(chan struct{})
	var once, released sync.Once
	f := openT(t, filepath.Join(t.TempDir(), "log"), Options{OnCommit: func(uint64, []Frame, [][]byte) {
		once.Do(func() { <-release })
	}})
	unblock := func() { released.Do(func() { close(release) }) }
	t.Cleanup(unblock) // runs before openT's Close, even if the test fails
	ctx := context.Background()
	// The first group blocks the acknowledger; ackDepth more fill the
	// channel to it and one more blocks the committer.
	const taken = ackDepth + 2
	results := make(chan error, taken)
	for i := range taken {
		go func() {
			_, err := f.Append(ctx, record(i))
			results <- err
		}()
		require.Eventually(t, func() bool { return f.Stats().Syncs == uint64(i+1) }, 5*time.Second, time.Millisecond)
	}
	cctx, cancel := context.WithCancel(ctx)
	withdrawn := make(chan error, 1)
	go func() {
		_, err := f.Append(cctx, []byte("withdrawn"))
		withdrawn <- err
	}()
	require.Eventually(t, func() bool {
		f.mu.Lock()
		defer f.mu.Unlock()
		return len(f.queue) == 1
	}, 5*time.Second, time.Millisecond)
	cancel()
	require.ErrorIs(t, <-withdrawn, context.Canceled)
	require.Equal(t, uint64(taken), f.Stats().Writes, "the committer waits for the acknowledger")
	unblock()
	for range taken {
		require.NoError(t, <-results)
	}
	require.Equal(t, uint64(taken), f.Len())
	require.NoError(t, f.Close())
	g := openT(t, f.path, Options{})
	require.Equal(t, uint64(taken), g.Len(), "the withdrawn record was never written")
}

// forgetClose rewrites the synced-length slots of a format 2 file's bytes
// to the state before any Close: nothing beyond the header known synced.
func forgetClose(data []byte) {
	putSlot(data[len(headerV2):], 0, int64(startV2))
	putSlot(data[len(headerV2)+slotSize:], 1, int64(startV2))
}
