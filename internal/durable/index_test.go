package durable

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// sliceIndex is an Index kept in a slice, as a caller keeps it.
type sliceIndex struct {
	mu     sync.Mutex
	frames []Frame
}

func (x *sliceIndex) Len() uint64 {
	x.mu.Lock()
	defer x.mu.Unlock()
	return uint64(len(x.frames))
}

func (x *sliceIndex) Frame(i uint64) (Frame, error) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if i >= uint64(len(x.frames)) {
		return Frame{}, fmt.Errorf("%w %d", ErrNoRecord, i)
	}
	return x.frames[i], nil
}

func (x *sliceIndex) add(i uint64, at Frame) error {
	x.mu.Lock()
	defer x.mu.Unlock()
	switch {
	case i < uint64(len(x.frames)) && x.frames[i] == at:
		return nil // the last located record, visited again
	case i != uint64(len(x.frames)):
		return fmt.Errorf("record %d given to an index of %d", i, len(x.frames))
	}
	x.frames = append(x.frames, at)
	return nil
}

// indexed opens path with x as its index; it records every visit.
func indexed(t *testing.T, path string, x *sliceIndex, visited *[]uint64) (*File, error) {
	t.Helper()
	return Open(path, Options{
		Index: x,
		Visit: func(i uint64, at Frame, rec []byte) error {
			*visited = append(*visited, i)
			if !bytes.Equal(rec, record(int(i))) {
				return fmt.Errorf("record %d is %q", i, rec)
			}
			return x.add(i, at)
		},
		OnCommit: func(first uint64, at []Frame, _ [][]byte) {
			for k, a := range at {
				require.NoError(t, x.add(first+uint64(k), a))
			}
		},
	})
}

// TestIndexSkipsLocatedRecords opens a file whose first records an Index
// locates: Open reads only the last of them and the ones after it, the File
// keeps no offsets, and Read finds every record through the index.
func TestIndexSkipsLocatedRecords(t *testing.T) {
	path := filepath.Join(t.TempDir(), "log")
	_, ends := writeLog(t, path, 50)
	full := &sliceIndex{}
	var visited []uint64
	f, err := indexed(t, path, full, &visited)
	require.NoError(t, err)
	require.Len(t, visited, 50, "an empty index visits every record")
	require.Equal(t, int64(startV2), full.frames[0].Offset)
	for i, at := range full.frames {
		require.Equal(t, ends[i], at.end())
	}
	require.NoError(t, f.Close())

	for _, located := range []int{1, 30, 50} {
		t.Run(fmt.Sprint(located), func(t *testing.T) {
			x := &sliceIndex{frames: append([]Frame(nil), full.frames[:located]...)}
			visited = nil
			f, err := indexed(t, path, x, &visited)
			require.NoError(t, err)
			defer f.Close()
			var want []uint64
			for i := located - 1; i < 50; i++ {
				want = append(want, uint64(i))
			}
			require.Equal(t, want, visited)
			require.Equal(t, uint64(50), f.Len())
			require.Equal(t, uint64(50), f.Recovery().Records)
			require.Nil(t, f.offsets, "a File with an Index keeps no offsets")
			idx, err := f.AppendBatch(context.Background(), [][]byte{record(50), record(51)})
			require.NoError(t, err)
			require.Equal(t, uint64(50), idx)
			require.Nil(t, f.offsets)
			for i := range 52 {
				got, err := f.Read(uint64(i))
				require.NoError(t, err)
				require.Equal(t, record(i), got)
			}
			_, err = f.Read(52)
			require.ErrorIs(t, err, ErrNoRecord)
			require.NoError(t, f.Close())
			// Back to the 50 records, as if the appends had never been synced.
			data, err := os.ReadFile(path)
			require.NoError(t, err)
			data = data[:ends[49]]
			forgetClose(data)
			require.NoError(t, os.WriteFile(path, data, 0o600))
		})
	}
}

// TestIndexAheadOfFile: an index that locates records the file lacks, or
// puts one where the file has other bytes, is refused.
func TestIndexAheadOfFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "log")
	data, ends := writeLog(t, path, 20)
	x := &sliceIndex{}
	var visited []uint64
	f, err := indexed(t, path, x, &visited)
	require.NoError(t, err)
	require.NoError(t, f.Close())

	for _, tc := range []struct {
		desc   string
		file   []byte
		frames []Frame
		reason string
	}{
		{"file lost its last records", data[:ends[9]], x.frames, "past the end"},
		{"index of other records", data, append(append([]Frame(nil), x.frames[:5]...), Frame{Offset: x.frames[5].Offset + 1, Length: x.frames[5].Length}), "record length"},
		{"changed record", append(bytes.Clone(data[:ends[4]-1]), data[ends[4]-1]^1), x.frames[:5], "checksum"},
		{"impossible frame", data, []Frame{{Offset: 3, Length: 4}}, "no such frame"},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			require.NoError(t, os.WriteFile(path, tc.file, 0o600))
			visited = nil
			_, err := indexed(t, path, &sliceIndex{frames: tc.frames}, &visited)
			var ie *IndexError
			require.ErrorAs(t, err, &ie)
			assert.Equal(t, uint64(len(tc.frames)-1), ie.Index)
			assert.Equal(t, tc.frames[len(tc.frames)-1], ie.Frame)
			assert.Equal(t, int64(len(tc.file)), ie.Size)
			assert.Contains(t, ie.Reason, tc.reason)
			assert.Empty(t, visited)
			st, err := os.Stat(path)
			require.NoError(t, err)
			assert.Equal(t, int64(len(tc.file)), st.Size(), "a refused file is left as it was")
		})
	}
}

// TestIndexTornTail: with an Index, the records after the located ones are
// recovered as without one: a torn tail is cut off, damage further back
// than an unsynced write is reported.
func TestIndexTornTail(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "log")
	data, ends := writeLog(t, path, 10)
	x := &sliceIndex{}
	var visited []uint64
	f, err := indexed(t, path, x, &visited)
	require.NoError(t, err)
	require.NoError(t, f.Close())
	for cut := ends[7]; cut <= ends[9]; cut++ {
		require.NoError(t, os.WriteFile(path, data[:cut], 0o600))
		f, err := indexed(t, path, &sliceIndex{frames: x.frames[:6]}, &visited)
		require.NoError(t, err, "cut at %d", cut)
		want := 8
		for want < 10 && ends[want] <= cut {
			want++
		}
		require.Equal(t, uint64(want), f.Len(), "cut at %d", cut)
		require.Equal(t, cut-ends[want-1], f.Recovery().TruncatedBytes)
		require.NoError(t, f.Close())
	}

	// Damage beyond the reach of a torn write is corruption, with or
	// without an index.
	big := bytes.Repeat([]byte{1}, MaxRecordSize)
	g := openT(t, path, Options{})
	_, err = g.AppendBatch(context.Background(), [][]byte{big, big, big, big, big})
	require.NoError(t, err)
	require.NoError(t, g.Close())
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	b[ends[7]+FrameHeaderSize] ^= 1
	require.NoError(t, os.WriteFile(path, b, 0o600))
	_, err = indexed(t, path, &sliceIndex{frames: x.frames[:6]}, &visited)
	var ce *CorruptError
	require.ErrorAs(t, err, &ce)
	require.Equal(t, ends[7], ce.Offset)
}
