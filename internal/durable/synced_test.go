package durable

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// appendClose appends n records to a fresh File at path and closes it
// cleanly, returning each record's frame.
func appendClose(t *testing.T, path string, n int) []Frame {
	t.Helper()
	var frames []Frame
	f, err := Open(path, Options{Visit: nil, OnCommit: func(_ uint64, at []Frame, _ [][]byte) {
		frames = append(frames, at...)
	}})
	require.NoError(t, err)
	for i := range n {
		_, err := f.Append(context.Background(), record(i))
		require.NoError(t, err)
	}
	require.NoError(t, f.Close())
	return frames
}

// TestHardening7BitFlipAfterCleanClose: a bit flipped in record 100 of 2,000
// in a cleanly closed file was taken for a torn tail, and 1,900 acknowledged
// records were dropped without an error.
func TestHardening7BitFlipAfterCleanClose(t *testing.T) {
	path := filepath.Join(t.TempDir(), "log")
	frames := appendClose(t, path, 2000)
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Less(t, int64(len(data))-frames[100].Offset, int64(maxUnsynced), "precondition: the damage lies where a torn tail could be")
	data[frames[100].Offset+FrameHeaderSize+2] ^= 0x04
	require.NoError(t, os.WriteFile(path, data, 0o600))

	_, err = Open(path, Options{})
	var ce *CorruptError
	require.ErrorAs(t, err, &ce)
	require.Equal(t, frames[100].Offset, ce.Offset)
	require.Contains(t, ce.Reason, "below the synced length")
	after, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Equal(t, data, after, "Open changed a damaged file")
}

// TestHardening7CutAfterCleanClose: a cleanly closed file that lost its end
// is damage, not a torn tail.
func TestHardening7CutAfterCleanClose(t *testing.T) {
	path := filepath.Join(t.TempDir(), "log")
	frames := appendClose(t, path, 50)
	require.NoError(t, os.Truncate(path, frames[40].end()+3))
	_, err := Open(path, Options{})
	var ce *CorruptError
	require.ErrorAs(t, err, &ce)
	require.Contains(t, ce.Reason, "before its synced length")
}

// TestHardening7TornAfterReopen: after a clean close and a reopen, records
// appended but never synced (a crash) may still be torn, and only those.
func TestHardening7TornAfterReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "log")
	frames := appendClose(t, path, 20)
	closedAt := frames[19].end()
	f, err := Open(path, Options{})
	require.NoError(t, err)
	for i := 20; i < 30; i++ {
		_, err := f.Append(context.Background(), record(i))
		require.NoError(t, err)
	}
	// A crash: the File is never closed; its tail is torn mid-record.
	require.NoError(t, f.f.Close())
	st, err := os.Stat(path)
	require.NoError(t, err)
	require.NoError(t, os.Truncate(path, st.Size()-3))
	g, err := Open(path, Options{})
	require.NoError(t, err)
	require.Equal(t, uint64(29), g.Len())
	require.NotZero(t, g.Recovery().TruncatedBytes)
	require.NoError(t, g.Close())

	// Damage at or below what the first Close synced is refused even when a
	// later session's appends were never closed.
	h, err := Open(path, Options{})
	require.NoError(t, err)
	_, err = h.Append(context.Background(), record(99))
	require.NoError(t, err)
	require.NoError(t, h.f.Close()) // crash again
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	data[closedAt-1] ^= 1 // last byte of record 19
	require.NoError(t, os.WriteFile(path, data, 0o600))
	_, err = Open(path, Options{})
	var ce *CorruptError
	require.ErrorAs(t, err, &ce)
	require.Equal(t, frames[19].Offset, ce.Offset)
}

// TestHardening7FormatOneReadable: files written before the synced length
// (format 1) are read as before and keep taking appends.
func TestHardening7FormatOneReadable(t *testing.T) {
	path := filepath.Join(t.TempDir(), "log")
	data := []byte(header)
	for i := range 10 {
		data = AppendFrame(data, record(i))
	}
	require.NoError(t, os.WriteFile(path, append(data, 7, 0, 0), 0o600)) // and a torn tail
	f, err := Open(path, Options{})
	require.NoError(t, err)
	require.Equal(t, uint64(10), f.Len())
	require.Equal(t, int64(3), f.Recovery().TruncatedBytes)
	for i := range 10 {
		got, err := f.Read(uint64(i))
		require.NoError(t, err)
		require.Equal(t, record(i), got)
	}
	_, err = f.Append(context.Background(), record(10))
	require.NoError(t, err)
	require.NoError(t, f.Close())
	got, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Equal(t, AppendFrame(data, record(10)), got, "a format 1 file stays format 1")

	f, err = Open(path, Options{})
	require.NoError(t, err)
	require.Equal(t, uint64(11), f.Len())
	require.NoError(t, f.Close())
}

// TestSyncedSlots: one damaged slot (a crash while Close wrote it) leaves
// the other; both damaged is refused.
func TestSyncedSlots(t *testing.T) {
	path := filepath.Join(t.TempDir(), "log")
	appendClose(t, path, 5)
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	data[len(headerV2)+1] ^= 0xff
	require.NoError(t, os.WriteFile(path, data, 0o600))
	f, err := Open(path, Options{})
	require.NoError(t, err)
	require.Equal(t, int64(len(data)), f.synced)
	require.Equal(t, uint64(5), f.Len())
	require.NoError(t, f.Close())
	data, err = os.ReadFile(path)
	require.NoError(t, err)
	data[len(headerV2)+1] ^= 0xff
	data[len(headerV2)+slotSize+1] ^= 0xff
	require.NoError(t, os.WriteFile(path, data, 0o600))
	_, err = Open(path, Options{})
	var ce *CorruptError
	require.ErrorAs(t, err, &ce)
	require.Contains(t, ce.Reason, "slots")
}
