package bundle

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// goldenMembers has PAX and USTAR-prefix names, empty and block-sized
// bodies, a body over three spool chunks and 300 small members; it is not
// in name order.
func goldenMembers() []testMember {
	members := []testMember{
		{"acks/000000000/000000000000.json", `{"ack":0}`},
		{"empty", ""},
		{"block", strings.Repeat("b", 512)},
		{strings.Repeat("d/", 70) + "leaf.json", "ustar prefix"},
		{"ünïcode/名前.json", "pax"},
		{strings.Repeat("p", 120), "pax, too long for ustar"},
		{"big/one", strings.Repeat("0123456789abcdef", (3<<20)/16+7)},
	}
	for i := range 300 {
		members = append(members, testMember{fmt.Sprintf("heartbeats/%03d.json", i), strings.Repeat("h", i)})
	}
	return members
}

// TestWriterGolden checks that the archive bytes are the ones the Writer
// wrote before it spooled its member list (SHA-256 of each archive, recorded
// then), whatever the order of Add and wherever members are spooled.
func TestWriterGolden(t *testing.T) {
	s, _ := newSigner(1)
	for _, tc := range []struct {
		desc    string
		members []testMember
		opts    []WriterOption
		want    string
	}{
		{"empty", nil, nil, "bc22e0d35e5f3a8198b0785353dc69f873537f38d10f123401fbb47d889085ca"},
		{"one", []testMember{{"a", "x"}}, nil, "f5b23960cd6105ba800d7df2aa6ecb40ee43ab39172103fefe51f6193ec48279"},
		{"mixed", goldenMembers(), []WriterOption{WithMetadata("k", map[string]int{"a": 1})}, "0b21b7ab63d0fe5972733a566bda3bc9aa18b8e5b8e6dbd31a18a54ab133352f"},
		{"mixed, no metadata", goldenMembers(), nil, "79cbf26528b0fb812c4faae3de9c9af2e2c0c9b85fefae1182ccd49f53481cac"},
	} {
		sorted := slices.SortedFunc(slices.Values(tc.members), func(a, b testMember) int { return strings.Compare(a.name, b.name) })
		reversed := slices.Clone(sorted)
		slices.Reverse(reversed)
		for _, order := range []struct {
			desc    string
			members []testMember
		}{{"given", tc.members}, {"sorted", sorted}, {"reversed", reversed}} {
			for _, mem := range []int64{DefaultSpoolMemory, 1000, 0} {
				opts := append(slices.Clone(tc.opts), WithSpoolMemory(mem), WithTempDir(t.TempDir()))
				sum := sha256.Sum256(build(t, s, order.members, opts...))
				assert.Equal(t, tc.want, hex.EncodeToString(sum[:]), "%s, %s order, spool memory %d", tc.desc, order.desc, mem)
			}
		}
	}
}

// TestWriterDuplicates rejects a repeated name from Add, in order (the
// name just added) and out of order, and leaves the Writer usable.
func TestWriterDuplicates(t *testing.T) {
	s, pub := newSigner(1)
	for _, tc := range []struct {
		desc  string
		adds  []string // "!" marks an Add that must fail as a duplicate
		inOrd bool     // whether the Writer is still in order at the end
	}{
		{"in order", []string{"a", "b", "!b", "c", "!c", "d"}, true},
		{"out of order", []string{"b", "a", "!b", "!a", "c", "!b"}, false},
		{"in order, then out", []string{"a", "b", "c", "!c", "!a", "0", "!0", "!b"}, false},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			var out bytes.Buffer
			w, err := NewWriter(&out, s, WithCreatedAt(testTime))
			require.NoError(t, err)
			want := map[string]string{}
			for i, name := range tc.adds {
				body := fmt.Sprint("body ", i)
				if dup, ok := strings.CutPrefix(name, "!"); ok {
					assert.ErrorIs(t, w.Add(dup, strings.NewReader(body)), ErrDuplicateMember, "add %d", i)
					continue
				}
				require.NoError(t, w.Add(name, strings.NewReader(body)), "add %d", i)
				want[name] = body
			}
			assert.Equal(t, tc.inOrd, w.inOrder)
			require.NoError(t, w.Close())
			got, _, err := collect(out.Bytes(), pub)
			require.NoError(t, err)
			assert.Equal(t, want, got)
		})
	}
}

// TestWriterFailedAdd fails Adds midway (reader errors after some bytes) in
// order and out of order, in memory and on disk, and checks that the
// archive is the one without the failed members.
func TestWriterFailedAdd(t *testing.T) {
	s, _ := newSigner(1)
	boom := errors.New("boom")
	members := goldenMembers()
	slices.SortFunc(members, func(a, b testMember) int { return strings.Compare(a.name, b.name) })
	for _, mem := range []int64{DefaultSpoolMemory, 4096, 0} {
		for _, reverse := range []bool{false, true} {
			t.Run(fmt.Sprintf("memory=%d/reverse=%v", mem, reverse), func(t *testing.T) {
				order := slices.Clone(members)
				if reverse {
					slices.Reverse(order)
				}
				dir := t.TempDir()
				var out bytes.Buffer
				w, err := NewWriter(&out, s, WithCreatedAt(testTime), WithIssuer("lr-test"), WithSpoolMemory(mem), WithTempDir(dir))
				require.NoError(t, err)
				for i, m := range order {
					if i%50 == 7 {
						// The same name fails first: nothing of it stays.
						partial := io.MultiReader(strings.NewReader(m.body+"garbage"), iotest.ErrReader(boom))
						require.ErrorIs(t, w.Add(m.name, partial), boom)
					}
					require.NoError(t, w.Add(m.name, strings.NewReader(m.body)))
					if i%50 == 8 {
						require.ErrorIs(t, w.Add(m.name+".failed", iotest.ErrReader(boom)), boom)
					}
				}
				require.NoError(t, w.Close())
				assert.Equal(t, build(t, s, members), out.Bytes())
				assert.Empty(t, spoolFiles(t, dir))
			})
		}
	}
}

func spoolFiles(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

type failWriter struct{ after int }

func (f *failWriter) Write(p []byte) (int, error) {
	if f.after < len(p) {
		n := max(f.after, 0)
		f.after = 0
		return n, errors.New("disk full")
	}
	f.after -= len(p)
	return len(p), nil
}

// TestWriterRemovesSpool checks that the spool files (bodies and member
// list, both on disk with WithSpoolMemory(0)) are removed by Close, by a
// failing Close and by Abort, and that Abort closes the Writer.
func TestWriterRemovesSpool(t *testing.T) {
	s, _ := newSigner(1)
	for _, tc := range []struct {
		desc   string
		out    io.Writer
		finish func(*Writer) error
		outOrd bool
	}{
		{"close", io.Discard, (*Writer).Close, false},
		{"close out of order", io.Discard, (*Writer).Close, true},
		{"close fails in the manifest", &failWriter{after: 100}, (*Writer).Close, false},
		{"close fails in the members", &failWriter{after: 300 << 10}, (*Writer).Close, false},
		{"abort", io.Discard, func(w *Writer) error { w.Abort(); return nil }, false},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			dir := t.TempDir()
			w, err := NewWriter(tc.out, s, WithCreatedAt(testTime), WithSpoolMemory(0), WithTempDir(dir))
			require.NoError(t, err)
			for i := range 1000 {
				require.NoError(t, w.Add(fmt.Sprintf("m/%04d", i), strings.NewReader(strings.Repeat("x", 400))))
			}
			assert.Len(t, spoolFiles(t, dir), 2, "bodies and member list on disk")
			if tc.outOrd {
				require.NoError(t, w.Add("a", strings.NewReader("first")))
				assert.Len(t, spoolFiles(t, dir), 1, "member list moved to memory")
			}
			err = tc.finish(w)
			if _, fails := tc.out.(*failWriter); fails {
				assert.ErrorContains(t, err, "disk full")
			} else {
				require.NoError(t, err)
			}
			assert.Empty(t, spoolFiles(t, dir))
			assert.ErrorIs(t, w.Add("n", strings.NewReader("x")), ErrWriterClosed)
			assert.ErrorIs(t, w.Close(), ErrWriterClosed)
			w.Abort()
		})
	}
}

// TestWriterManifest checks what Writer.Manifest returns: counts, root,
// signature and info as Verify reads them, without the member table.
func TestWriterManifest(t *testing.T) {
	s, pub := newSigner(1)
	var out bytes.Buffer
	w, err := NewWriter(&out, s, WithCreatedAt(testTime), WithIssuer("lr-test"))
	require.NoError(t, err)
	assert.Nil(t, w.Manifest())
	for _, m := range testMembers() {
		require.NoError(t, w.Add(m.name, strings.NewReader(m.body)))
	}
	require.NoError(t, w.Close())
	wm := w.Manifest()
	_, vm, err := collect(out.Bytes(), pub)
	require.NoError(t, err)
	assert.False(t, wm.HasMemberTable())
	assert.Equal(t, vm.Len(), wm.Len())
	assert.Equal(t, vm.TotalSize(), wm.TotalSize())
	assert.Equal(t, vm.Root(), wm.Root())
	assert.Equal(t, vm.Signature(), wm.Signature())
	assert.Equal(t, vm.Info(), wm.Info())
}

// TestWriterMemoryFlat adds 5,000 and then 50,000 small members in name
// order with bodies spooled to disk, and checks that the live heap hardly
// grows with the number of members (out of order, it grows by about 130
// bytes per member: 6 MB here).
func TestWriterMemoryFlat(t *testing.T) {
	s, pub := newSigner(1)
	f, err := os.CreateTemp(t.TempDir(), "bundle-*.tar")
	require.NoError(t, err)
	defer f.Close()
	w, err := NewWriter(f, s, WithCreatedAt(testTime), WithSpoolMemory(64<<10), WithTempDir(t.TempDir()))
	require.NoError(t, err)
	live := func() uint64 {
		var ms runtime.MemStats
		runtime.GC()
		runtime.GC() // and the spool chunks sync.Pool kept
		runtime.ReadMemStats(&ms)
		return ms.HeapAlloc
	}
	name := []byte("members/00000000.json")
	add := func(from, to int) {
		for i := from; i < to; i++ {
			for j, k := 15, i; j >= 8; j, k = j-1, k/10 {
				name[j] = byte('0' + k%10)
			}
			require.NoError(t, w.Add(string(name), bytes.NewReader(name[8:16])))
		}
	}
	add(0, 5_000)
	at5k := live()
	add(5_000, 50_000)
	at50k := live()
	growth := int64(at50k) - int64(at5k)
	t.Logf("live heap at 5,000 members %d B, at 50,000 %d B", at5k, at50k)
	assert.Less(t, growth, int64(256<<10), "heap grew by %d B for 45,000 members", growth)
	require.True(t, w.inOrder)
	require.NoError(t, w.Close())
	_, err = f.Seek(0, io.SeekStart)
	require.NoError(t, err)
	n := 0
	m, err := Verify(f, pub, func(name string, r io.Reader) error {
		n++
		return nil
	})
	require.NoError(t, err)
	assert.Equal(t, 50_000, m.Len())
	assert.Equal(t, 50_000, n)
}

// TestWriterAddAllocs checks that adding a member in name order allocates
// nothing, with bodies spooled in memory or on disk.
func TestWriterAddAllocs(t *testing.T) {
	s, _ := newSigner(1)
	for _, mem := range []int64{DefaultSpoolMemory, 0} {
		w, err := NewWriter(io.Discard, s, WithSpoolMemory(mem), WithTempDir(t.TempDir()))
		require.NoError(t, err)
		names := make([]string, 2001)
		for i := range names {
			names[i] = fmt.Sprintf("members/%08d.json", i)
		}
		body := bytes.Repeat([]byte("x"), 300)
		var r bytes.Reader
		i := 0
		allocs := testing.AllocsPerRun(2000, func() {
			r.Reset(body)
			require.NoError(t, w.Add(names[i], &r))
			i++
		})
		assert.Zero(t, allocs, "allocations per Add, spool memory %d", mem)
		require.NoError(t, w.Close())
	}
}

// TestHeaderChecksum checks the checksum appendBlock computes from the
// fields it sets against the sum over the whole block.
func TestHeaderChecksum(t *testing.T) {
	for _, name := range []string{"a", "heartbeats/000000001/000000001234.json", strings.Repeat("d/", 70) + "leaf", "ünïcode/名前", strings.Repeat("p", 120)} {
		for _, size := range []int64{0, 1, 511, 512, 123_456_789, maxTarSize} {
			hdr := appendHeader(nil, name, size)
			for off := 0; off < len(hdr); {
				blk := (*[blockSize]byte)(hdr[off : off+blockSize])
				got, err := parseOctal(blk[148:156])
				require.NoError(t, err)
				assert.Equal(t, checksum(blk), got, "%q size %d block at %d", name, size, off)
				off += blockSize
				if blk[156] == 'x' { // a PAX extended header: skip its records
					n, err := parseOctal(blk[124:136])
					require.NoError(t, err)
					off += int(n + padding(n))
				}
			}
		}
	}
}

// TestWriterListFails makes the member list's move to a file fail (its
// directory is missing) while the members' bodies stay in memory, and checks
// that Add reports it, keeps reporting it, that Close fails with it and that
// no spool files are left.
func TestWriterListFails(t *testing.T) {
	s, _ := newSigner(1)
	dir := t.TempDir()
	w, err := NewWriter(io.Discard, s, WithSpoolMemory(4*listMemory), WithTempDir(filepath.Join(dir, "absent")))
	require.NoError(t, err)
	var addErr error
	for i := 0; i < 100_000 && addErr == nil; i++ {
		addErr = w.Add(fmt.Sprintf("m/%06d", i), strings.NewReader("x"))
	}
	require.ErrorIs(t, addErr, fs.ErrNotExist)
	assert.Contains(t, addErr.Error(), "member list")
	assert.ErrorIs(t, w.Add("n", strings.NewReader("x")), fs.ErrNotExist, "the Writer stays failed")
	assert.ErrorIs(t, w.Close(), fs.ErrNotExist)
	assert.Empty(t, spoolFiles(t, dir))
}
