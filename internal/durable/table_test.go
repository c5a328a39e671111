package durable

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// testLayout gives even frames 10 bytes of data and odd ones 30.
func testLayout(i uint64) int64 {
	return int64(i)*FrameHeaderSize + 10*int64((i+1)/2) + 30*int64(i/2)
}

// tableEntry is the data of frame i under testLayout.
func tableEntry(i uint64) []byte {
	n := 10
	if i%2 == 1 {
		n = 30
	}
	return bytes.Repeat([]byte{byte(i), byte(i >> 8), byte(i >> 16)}, n)[:n]
}

// appendEntries appends frames from to to-1 in one Append.
func appendEntries(t *testing.T, tb *Table, from, to uint64) {
	t.Helper()
	var buf []byte
	for i := from; i < to; i++ {
		buf = AppendFrame(buf, tableEntry(i))
	}
	require.NoError(t, tb.Append(to-from, buf))
}

func openTableT(t *testing.T, path string) *Table {
	t.Helper()
	tb, err := OpenTable(path, testLayout, nil)
	require.NoError(t, err)
	t.Cleanup(func() { tb.Close() })
	return tb
}

func TestTableAppendReadReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "table")
	tb := openTableT(t, path)
	for i := uint64(0); i < 100; i += 7 {
		appendEntries(t, tb, i, min(i+7, 100))
	}
	require.Equal(t, uint64(100), tb.Len())
	// Frames that do not follow the layout are refused and not written.
	require.Error(t, tb.Append(1, AppendFrame(nil, tableEntry(101))))
	require.Error(t, tb.Append(2, AppendFrame(nil, tableEntry(100))))
	require.NoError(t, tb.Close())
	require.ErrorIs(t, tb.Close(), ErrClosed)
	_, err := tb.Read(0)
	require.ErrorIs(t, err, ErrClosed)
	require.ErrorIs(t, tb.Append(1, AppendFrame(nil, tableEntry(100))), ErrClosed)

	st, err := os.Stat(path)
	require.NoError(t, err)
	require.Equal(t, int64(len(header))+testLayout(100), st.Size())
	tb = openTableT(t, path)
	require.Equal(t, uint64(100), tb.Len())
	require.Zero(t, tb.Recovery().TruncatedBytes)
	for i := range uint64(100) {
		got, err := tb.Read(i)
		require.NoError(t, err)
		require.Equal(t, tableEntry(i), got)
	}
	_, err = tb.Read(100)
	require.ErrorIs(t, err, ErrNoRecord)
	_, err = OpenTable(path, testLayout, nil)
	require.ErrorIs(t, err, ErrLocked)
}

// TestTableTornTail cuts a table at every byte of its last frames and
// appends garbage: it opens with exactly the whole, intact frames.
func TestTableTornTail(t *testing.T) {
	dir := t.TempDir()
	orig := filepath.Join(dir, "orig")
	tb := openTableT(t, orig)
	appendEntries(t, tb, 0, 20)
	require.NoError(t, tb.Close())
	data, err := os.ReadFile(orig)
	require.NoError(t, err)
	path := filepath.Join(dir, "table")
	end := func(n uint64) int64 { return int64(len(header)) + testLayout(n) }

	for cut := end(16); cut <= int64(len(data)); cut++ {
		require.NoError(t, os.WriteFile(path, data[:cut], 0o600))
		tb := openTableT(t, path)
		want := uint64(16)
		for want < 20 && end(want+1) <= cut {
			want++
		}
		require.Equal(t, want, tb.Len(), "cut at %d", cut)
		require.Equal(t, cut-end(want), tb.Recovery().TruncatedBytes)
		appendEntries(t, tb, want, want+1)
		require.NoError(t, tb.Close())
		st, err := os.Stat(path)
		require.NoError(t, err)
		require.Equal(t, end(want+1), st.Size())
	}
	for _, tc := range []struct {
		desc string
		file []byte
		want uint64
	}{
		{"zeros after the end", append(bytes.Clone(data), make([]byte, 4096)...), 20},
		{"zeroed last frames", append(bytes.Clone(data[:end(17)]), make([]byte, len(data)-int(end(17)))...), 17},
		{"changed frame", func() []byte { b := bytes.Clone(data); b[end(12)+9] ^= 1; return b }(), 12},
		{"torn header", []byte(header[:7]), 0},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			require.NoError(t, os.WriteFile(path, tc.file, 0o600))
			tb := openTableT(t, path)
			require.Equal(t, tc.want, tb.Len())
			require.NoError(t, tb.Close())
		})
	}
	require.NoError(t, os.WriteFile(path, []byte("not a table at all"), 0o600))
	_, err = OpenTable(path, testLayout, nil)
	require.ErrorIs(t, err, ErrBadHeader)
}

// TestTableSyncsEveryMaxUnsynced appends small batches worth three times
// maxUnsynced: the table fsyncs along the way, never leaving more than
// maxUnsynced bytes unsynced, and Open checks only the frames in the last
// maxUnsynced bytes, so damage further back is found when read.
func TestTableSyncsEveryMaxUnsynced(t *testing.T) {
	path := filepath.Join(t.TempDir(), "table")
	tb := openTableT(t, path)
	var n uint64
	for tb.end < 3*maxUnsynced {
		appendEntries(t, tb, n, n+1000)
		n += 1000
		require.LessOrEqual(t, tb.end-tb.synced, int64(maxUnsynced))
	}
	require.GreaterOrEqual(t, tb.Stats().Syncs, uint64(2))
	require.Equal(t, n, tb.Stats().Records)
	require.NoError(t, tb.Close())

	data, err := os.ReadFile(path)
	require.NoError(t, err)
	at := func(i uint64) int64 { return int64(len(header)) + testLayout(i) }
	data[at(5)+FrameHeaderSize] ^= 1   // far from the end
	data[at(n-3)+FrameHeaderSize] ^= 1 // in the last maxUnsynced bytes
	require.NoError(t, os.WriteFile(path, data, 0o600))
	tb = openTableT(t, path)
	require.Equal(t, n-3, tb.Len(), "cut back to the damage near the end")
	_, err = tb.Read(5)
	var ce *CorruptError
	require.ErrorAs(t, err, &ce)
	require.Equal(t, at(5), ce.Offset)
	got, err := tb.Read(6)
	require.NoError(t, err)
	require.Equal(t, tableEntry(6), got)
}

// TestTableWriteFailureStops: after a failed write a table refuses appends.
func TestTableWriteFailureStops(t *testing.T) {
	tb := openTableT(t, filepath.Join(t.TempDir(), "table"))
	appendEntries(t, tb, 0, 3)
	require.NoError(t, tb.f.Close())
	err := tb.Append(1, AppendFrame(nil, tableEntry(3)))
	require.ErrorIs(t, err, ErrFailed)
	err = tb.Append(1, AppendFrame(nil, tableEntry(3)))
	require.ErrorIs(t, err, ErrFailed)
	require.True(t, errors.Is(tb.Close(), ErrFailed))
}
