package merklelog

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/mod/sumdb/tlog"
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

func TestHashStoreChunks(t *testing.T) {
	var h hashStore
	var want []tlog.Hash
	for i := 0; h.len() < 3*hashChunk+17; i++ {
		batch := make([]tlog.Hash, 1+i%4099)
		for j := range batch {
			batch[j] = tlog.RecordHash([]byte{byte(len(want) + j), byte((len(want) + j) >> 8), byte((len(want) + j) >> 16)})
		}
		h.append(batch...)
		want = append(want, batch...)
	}
	require.Equal(t, int64(len(want)), h.len())
	require.Len(t, h.chunks, 4)
	for i, w := range want {
		if h.at(int64(i)) != w {
			t.Fatalf("hash %d differs", i)
		}
	}
}
