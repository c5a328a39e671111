package spool

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func frames(n int) [][]byte {
	out := make([][]byte, n)
	for i := range out {
		out[i] = bytes.Repeat([]byte{byte(i)}, i%300) // includes empty frames
	}
	return out
}

func readAll(t *testing.T, s *Spool) [][]byte {
	t.Helper()
	r, err := s.Reader()
	require.NoError(t, err)
	var got [][]byte
	for {
		p, err := r.Next()
		if err == io.EOF {
			return got
		}
		require.NoError(t, err)
		got = append(got, bytes.Clone(p))
	}
}

// TestRoundTrip writes frames across the move from memory to the file, at
// several limits, and reads them back twice.
func TestRoundTrip(t *testing.T) {
	want := frames(2000)
	for _, memory := range []int{0, 1, 1000, 1 << 20} {
		dir := t.TempDir()
		s := New(dir, memory, 1000)
		for _, p := range want {
			require.NoError(t, s.Append(p))
		}
		require.Equal(t, len(want), s.Frames())
		assert.Equal(t, memory < 1<<20, s.OnDisk(), "memory %d", memory)
		for range 2 {
			got := readAll(t, s)
			require.Len(t, got, len(want), "memory %d", memory)
			for i := range want {
				require.True(t, bytes.Equal(want[i], got[i]), "memory %d frame %d", memory, i)
			}
		}
		require.NoError(t, s.Close())
		require.NoError(t, s.Close())
		entries, err := os.ReadDir(dir)
		require.NoError(t, err)
		assert.Empty(t, entries, "Close removes the file")
		// The spool is empty and usable again.
		assert.Empty(t, readAll(t, s))
		require.NoError(t, s.Append([]byte("again")))
		assert.Equal(t, [][]byte{[]byte("again")}, readAll(t, s))
		require.NoError(t, s.Close())
	}
}

// TestFileFormat pins the frame layout in the file: a uvarint length, then
// the bytes, one frame after another.
func TestFileFormat(t *testing.T) {
	dir := t.TempDir()
	s := New(dir, 0, 1000)
	require.NoError(t, s.Append([]byte("ab")))
	require.NoError(t, s.Append(nil))
	require.NoError(t, s.Append(bytes.Repeat([]byte{'x'}, 200)))
	_, err := s.Reader() // flushes
	require.NoError(t, err)
	names, err := filepath.Glob(filepath.Join(dir, "*"))
	require.NoError(t, err)
	require.Len(t, names, 1)
	b, err := os.ReadFile(names[0])
	require.NoError(t, err)
	want := append([]byte{2, 'a', 'b', 0, 0xc8, 0x01}, bytes.Repeat([]byte{'x'}, 200)...)
	assert.Equal(t, want, b)
	require.NoError(t, s.Close())
}

func TestRefuses(t *testing.T) {
	s := New(t.TempDir(), 0, 10)
	assert.ErrorIs(t, s.Append(make([]byte, 11)), ErrFrame)
	require.NoError(t, s.Append(make([]byte, 10)))
	require.NoError(t, s.Append(make([]byte, 5)))
	_, err := s.Reader()
	require.NoError(t, err)

	// A file changed underneath: a length beyond the bound, then a frame
	// cut short.
	for _, bad := range [][]byte{{11}, {5, 1, 2}, {0x80}, {0x81, 0x00}} {
		require.NoError(t, s.f.Truncate(0))
		_, err := s.f.WriteAt(bad, 0)
		require.NoError(t, err)
		r, err := s.Reader()
		require.NoError(t, err)
		_, err = r.Next()
		assert.ErrorIs(t, err, ErrFrame, "%x", bad)
		assert.Equal(t, 1, bytes.Count([]byte(fmt.Sprint(err)), []byte("spool:")))
	}
	require.NoError(t, s.Close())

	m := New("", 100, 10)
	require.NoError(t, m.Append([]byte("x")))
	m.mem[0] = 50
	r, err := m.Reader()
	require.NoError(t, err)
	_, err = r.Next()
	assert.ErrorIs(t, err, ErrFrame)
}

func TestSpillFailureKeepsError(t *testing.T) {
	s := New(filepath.Join(t.TempDir(), "missing"), 4, 100)
	require.NoError(t, s.Append([]byte("ab")))
	err := s.Append([]byte("cdef"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "spool: ")
}

func TestPrepareDir(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, "spool")
	removed, err := PrepareDir(dir)
	require.NoError(t, err)
	assert.Empty(t, removed)
	info, err := os.Stat(dir)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o700), info.Mode().Perm())

	// Leftovers of a process that died: a spool file and a nested directory.
	s := New(dir, 0, 10)
	require.NoError(t, s.Append([]byte("x")))
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "sub", "deeper"), 0o700))
	removed, err = PrepareDir(dir)
	require.NoError(t, err)
	assert.Len(t, removed, 2)
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Empty(t, entries)
	// Files beside the spool directory are not touched.
	_, err = os.Stat(parent)
	require.NoError(t, err)
}

func TestAppendAllocs(t *testing.T) {
	s := New("", 1<<20, 100)
	p := make([]byte, 40)
	for range 1000 {
		require.NoError(t, s.Append(p))
	}
	require.NoError(t, s.Close())
	allocs := testing.AllocsPerRun(1000, func() {
		if err := s.Append(p); err != nil {
			t.Fatal(err)
		}
	})
	assert.Zero(t, allocs)
}

// TestMemoryGrowsByDoubling fills a spool's 1 MiB of memory with 500-byte
// frames: the buffer doubles from 4 KiB up to the limit, so it is copied
// eight times (about 2 MiB allocated in all), not the dozens of times a
// quarter's growth takes (5 MiB), and it ends at the limit, not past it.
func TestMemoryGrowsByDoubling(t *testing.T) {
	p := make([]byte, 500)
	s := New("", 1<<20, 500)
	var caps []int
	for range 2000 {
		require.NoError(t, s.Append(p))
		if len(caps) == 0 || caps[len(caps)-1] != cap(s.mem) {
			caps = append(caps, cap(s.mem))
		}
	}
	assert.False(t, s.OnDisk())
	assert.Equal(t, []int{4 << 10, 8 << 10, 16 << 10, 32 << 10, 64 << 10, 128 << 10, 256 << 10, 512 << 10, 1 << 20}, caps)
}

func Example() {
	s := New(os.TempDir(), 64, 1<<10) // 64 bytes in memory, then a file
	defer s.Close()
	for i := range 5 {
		if err := s.Append(fmt.Appendf(nil, "frame %d of some length", i)); err != nil {
			panic(err)
		}
	}
	r, err := s.Reader()
	if err != nil {
		panic(err)
	}
	for {
		p, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			panic(err)
		}
		fmt.Printf("%s\n", p)
	}
	fmt.Println(s.OnDisk())
	// Output:
	// frame 0 of some length
	// frame 1 of some length
	// frame 2 of some length
	// frame 3 of some length
	// frame 4 of some length
	// true
}

// FuzzReader reads arbitrary bytes as a spool: only ErrFrame comes back, and
// the frames read re-encode to the bytes consumed.
func FuzzReader(f *testing.F) {
	f.Add([]byte{2, 'a', 'b', 0})
	f.Add([]byte{0x80})
	f.Add([]byte{5, 1})
	f.Fuzz(func(t *testing.T, b []byte) {
		r := &Reader{mem: b, maxFrame: 64}
		var re []byte
		for {
			p, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				if !errors.Is(err, ErrFrame) {
					t.Fatalf("undeclared error %v", err)
				}
				return
			}
			re = append(binary.AppendUvarint(re, uint64(len(p))), p...)
		}
		if !bytes.Equal(re, b) {
			t.Fatalf("frames re-encode to %x, read %x", re, b)
		}
	})
}
