package merklelog

import (
	"context"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/accordsdk/accord/internal/durable"
)

// memStorage is a second, in-memory Storage: it shows that the interface
// is enough for a Log, and it can rewrite its history, as a broken or
// malicious backend might, to check that the Log then refuses to sign.
type memStorage struct {
	mu      sync.Mutex
	records [][]byte
	stored  []tlog.Hash
	signed  []byte
}

func (m *memStorage) Append(_ context.Context, records [][]byte) (uint64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	first := uint64(len(m.records))
	for _, r := range records {
		hs, err := tlog.StoredHashes(int64(len(m.records)), r, tlog.HashReaderFunc(m.readLocked))
		if err != nil {
			return 0, err
		}
		m.stored = append(m.stored, hs...)
		m.records = append(m.records, append([]byte(nil), r...))
	}
	return first, nil
}

func (m *memStorage) Size() uint64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	return uint64(len(m.records))
}

func (m *memStorage) Record(i uint64) ([]byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if i >= uint64(len(m.records)) {
		return nil, fmt.Errorf("%w: %d", ErrNoRecord, i)
	}
	return m.records[i], nil
}

func (m *memStorage) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.readLocked(indexes)
}

func (m *memStorage) readLocked(indexes []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(indexes))
	for i, x := range indexes {
		out[i] = m.stored[x]
	}
	return out, nil
}

func (m *memStorage) SignedCheckpoint() ([]byte, error) { return m.signed, nil }

func (m *memStorage) StoreSignedCheckpoint(_ context.Context, s []byte) error {
	m.signed = s
	return nil
}

func (m *memStorage) Close() error { return nil }

// rewrite replaces the history with other records, keeping the size.
func (m *memStorage) rewrite(prefix string) {
	m.mu.Lock()
	n := len(m.records)
	m.records, m.stored = nil, nil
	m.mu.Unlock()
	for i := range n {
		m.Append(context.Background(), [][]byte{fmt.Appendf(nil, "%s %d", prefix, i)})
	}
}

func TestOtherStorage(t *testing.T) {
	ctx := context.Background()
	s := &memStorage{}
	l, err := New(s, testOptions(t))
	require.NoError(t, err)
	appendN(t, l, 0, 6)
	first, err := l.Checkpoint(ctx)
	require.NoError(t, err)
	c1, err := parseSigned(first)
	require.NoError(t, err)
	require.Equal(t, referenceRoot(t, 6), c1.Hash, "same tree as the file storage")

	// The backend rewrites history and grows: the log must not sign.
	s.rewrite("forged")
	appendN(t, l, 6, 8)
	_, err = l.Checkpoint(ctx)
	var ie *InconsistentError
	require.ErrorAs(t, err, &ie)
	require.Equal(t, c1, ie.Signed)
	require.Equal(t, uint64(8), ie.Size)
	require.Equal(t, first, s.signed, "the stored checkpoint is unchanged")

	// A new Log over that storage refuses to open, too.
	_, err = New(s, testOptions(t))
	require.ErrorAs(t, err, &ie)
}

// TestOpensEarlierVersion opens a log directory written by the version that
// kept every stored hash in memory (testdata/v1log: 333 records of rec(i),
// a checkpoint at 300, and its hash file): the records file is the same,
// the index is built from it, and the old hash file goes.
func TestOpensEarlierVersion(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{recordsFile, legacyHashesFile, checkpointFile} {
		data, err := os.ReadFile(filepath.Join("testdata", "v1log", name))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), data, 0o600))
	}
	for size := 333; size < 335; size++ {
		l := openLog(t, dir) // checks the tree against the checkpoint at 300
		require.Equal(t, uint64(size), l.Size())
		root, err := l.TreeHash(uint64(size))
		require.NoError(t, err)
		require.Equal(t, referenceRoot(t, size), root)
		for _, i := range []uint64{0, 299, 332} {
			got, err := l.Record(i)
			require.NoError(t, err)
			require.Equal(t, rec(int(i)), got)
		}
		_, err = os.Stat(filepath.Join(dir, legacyHashesFile))
		require.ErrorIs(t, err, fs.ErrNotExist)
		appendN(t, l, size, size+1)
		require.NoError(t, l.Close())
	}
}

// TestEntriesServedWhilePending reads hashes and frames while the entries
// are still waiting for the index writer, then after it wrote them, and
// checks both against tlog.
func TestEntriesServedWhilePending(t *testing.T) {
	dir := t.TempDir()
	index, err := durable.OpenTable(filepath.Join(dir, indexFile), entryOffset, nil)
	require.NoError(t, err)
	s := &FileStorage{dir: dir, index: index, written: make(chan struct{}), logger: slog.New(slog.DiscardHandler)}
	s.cond = sync.NewCond(&s.mu)
	const n = 300
	ref := &memStorage{}
	for i := range n {
		// Batches of 1 to 3 entries, pending one behind the other.
		s.add(uint64(i), durable.Frame{Offset: int64(1000 + i), Length: i}, rec(i))
		if i%3 != 1 {
			s.flush()
		}
		_, err := ref.Append(context.Background(), [][]byte{rec(i)})
		require.NoError(t, err)
	}
	s.flush()
	check := func() {
		t.Helper()
		require.Equal(t, uint64(n), s.Size())
		idx := make([]int64, tlog.StoredHashCount(n))
		for i := range idx {
			idx[i] = int64(i)
		}
		got, err := s.ReadHashes(idx)
		require.NoError(t, err)
		require.Equal(t, ref.stored, got)
		for i := range uint64(n) {
			at, err := (*recordIndex)(s).Frame(i)
			require.NoError(t, err)
			require.Equal(t, durable.Frame{Offset: int64(1000 + i), Length: int(i)}, at)
		}
		_, err = s.ReadHashes([]int64{int64(len(idx))})
		require.Error(t, err)
		_, err = (*recordIndex)(s).Frame(n)
		require.ErrorIs(t, err, ErrNoRecord)
	}
	require.Zero(t, index.Len())
	require.Greater(t, len(s.pending), 100)
	check()
	s.top = topHashes{} // read the hashes from the file this time
	go s.writeIndex()
	require.Eventually(t, func() bool { return index.Len() == n }, 5*time.Second, time.Millisecond)
	s.mu.RLock()
	require.Empty(t, s.pending)
	require.Zero(t, s.pendingBytes)
	s.mu.RUnlock()
	check()
	s.mu.Lock()
	s.closing = true
	s.cond.Broadcast()
	s.mu.Unlock()
	<-s.written
	require.NoError(t, index.Close())
}

// TestTopHashesBounded fills the cache of top hashes from a growing tree:
// it keeps only the levels with at most topWidth nodes, so at most twice
// that many hashes.
func TestTopHashesBounded(t *testing.T) {
	var c topHashes
	for size := uint64(1); size < 1<<24; size = size*5/4 + 1 {
		for l := 0; size>>l > 0; l++ {
			for n := int64(size>>l) - 1; n >= 0 && n > int64(size>>l)-600; n-- {
				x := tlog.StoredHashIndex(l, n)
				c.put(size, x, l, tlog.Hash{byte(l), byte(n)})
			}
		}
		require.LessOrEqual(t, len(c.hashes), 2*topWidth, "size %d", size)
		for x, h := range c.hashes {
			l, n := tlog.SplitStoredHashIndex(x)
			require.Less(t, size>>l, uint64(topWidth), "level %d cached at size %d", l, size)
			require.Equal(t, tlog.Hash{byte(l), byte(n)}, h)
		}
	}
	require.NotEmpty(t, c.hashes)
	x := tlog.StoredHashIndex(23, 0)
	c.put(1<<24, x, 23, tlog.Hash{7})
	h, ok := c.get(x)
	require.True(t, ok)
	require.Equal(t, tlog.Hash{7}, h)
	_, ok = c.get(tlog.StoredHashIndex(0, 5))
	require.False(t, ok)
}
