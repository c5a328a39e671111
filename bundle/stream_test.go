package bundle

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// manyMembers returns n small members with names in name order.
func manyMembers(n int) []testMember {
	out := make([]testMember, n)
	for i := range out {
		out[i] = testMember{fmt.Sprintf("records/%03d/%07d.json", i/1000, i), fmt.Sprintf(`{"i":%d}`, i)}
	}
	return out
}

func TestManifestWithoutTable(t *testing.T) {
	s, pub := newSigner(1)
	b := build(t, s, testMembers())
	_, m, err := collect(b, pub)
	require.NoError(t, err)
	assert.False(t, m.HasMemberTable())
	assert.Equal(t, 4, m.Len())
	assert.Equal(t, int64(len(`{"state":"ok"}`)+len(`{"ack":"yes"}`)+700), m.TotalSize())
	_, _, ok := m.Lookup("empty")
	assert.False(t, ok, "no table, no lookup")
	_, err = m.Proof("empty")
	assert.ErrorIs(t, err, ErrNoMemberTable)
	assert.Panics(t, func() { m.Member(0) })

	full, err := ReadManifest(bytes.NewReader(b), pub)
	require.NoError(t, err)
	assert.True(t, full.HasMemberTable())
	assert.Equal(t, m.Root(), full.Root())
	mem, i, ok := full.Lookup("empty")
	require.True(t, ok)
	assert.Equal(t, 1, i)
	assert.Equal(t, int64(0), mem.Size)

	// ReadManifest checks the signature like Verify.
	_, other := newSigner(2)
	_, err = ReadManifest(bytes.NewReader(b), other)
	assert.ErrorIs(t, err, ErrWrongKey)
}

// TestSpooledMemberList verifies a bundle whose member list moves to a
// spool file part-way through manifest.json, and rejects changes deep in
// the list the same way in every mode.
func TestSpooledMemberList(t *testing.T) {
	const n = 3000
	s, pub := newSigner(1)
	members := manyMembers(n)
	good := build(t, s, members)
	entries := splitArchive(t, good)
	require.Len(t, entries, n+3)
	dir := t.TempDir()
	modes := map[string][]VerifyOption{
		"memory":       nil,
		"spill midway": {WithManifestSpool(dir, 20_000)},
		"all in file":  {WithManifestSpool(dir, 0)},
		"member table": {WithMemberTable()},
	}
	at := 3 + 2500 // entry index of member 2500
	changed := func(edit func([]rawEntry) []rawEntry) []byte {
		return assemble(edit(slices.Clone(entries)))
	}
	bad := []struct {
		desc    string
		bundle  []byte
		wantErr error
	}{
		{"missing member deep in the list", changed(func(e []rawEntry) []rawEntry { return slices.Delete(e, at, at+1) }), ErrMissingMember},
		{"altered member deep in the list", changed(func(e []rawEntry) []rawEntry {
			e[at] = rawEntry{e[at].name, []byte(`{"i":9999}`)}
			return e
		}), ErrDigestMismatch},
		{"member listed earlier appears again", changed(func(e []rawEntry) []rawEntry { return slices.Insert(e, at, e[10]) }), ErrDuplicateMember},
		{"member not listed, out of order", changed(func(e []rawEntry) []rawEntry {
			return slices.Insert(e, at, rawEntry{"records/000/0000000x.json", []byte("{}")})
		}), ErrUnexpectedMember},
		{"two members swapped", changed(func(e []rawEntry) []rawEntry {
			e[at], e[at+1] = e[at+1], e[at]
			return e
		}), ErrMissingMember},
	}
	for name, opts := range modes {
		t.Run(name, func(t *testing.T) {
			got, m, err := collect(good, pub, opts...)
			require.NoError(t, err)
			assert.Len(t, got, n)
			assert.Equal(t, `{"i":2999}`, got["records/002/0002999.json"])
			assert.Equal(t, n, m.Len())
			for _, tc := range bad {
				_, _, err := collect(tc.bundle, pub, opts...)
				assert.ErrorIs(t, err, tc.wantErr, "%s: got %v", tc.desc, err)
			}
			left, err := os.ReadDir(dir)
			require.NoError(t, err)
			assert.Empty(t, left, "spool files left behind")
		})
	}
	t.Run("unwritable spool directory", func(t *testing.T) {
		_, _, err := collect(good, pub, WithManifestSpool(filepath.Join(dir, "absent"), 0))
		require.Error(t, err)
		assert.ErrorIs(t, err, os.ErrNotExist)
	})
	t.Run("bad option", func(t *testing.T) {
		_, _, err := collect(good, pub, WithManifestSpool(dir, -1))
		assert.ErrorContains(t, err, "want memory >= 0")
	})
}

// TestVerifyMemoryFlat checks that what Verify holds does not grow with the
// number of members (it did, by about 80 bytes a member, when it kept the
// manifest), and that the measurement can see such growth: with the member
// table kept, it does grow. It measures the live heap, after a collection,
// while the callback holds the last member, so that garbage and sampling do
// not blur it; BenchmarkVerifySmallMemory measures the peak.
func TestVerifyMemoryFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 40,000-member bundle")
	}
	s, pub := newSigner(1)
	live := func() uint64 {
		// Two collections: the first only moves sync.Pool contents (the
		// Writer's spool chunks) to the pools' victim caches.
		runtime.GC()
		runtime.GC()
		sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		metrics.Read(sample)
		return sample[0].Value.Uint64()
	}
	held := func(n int, opts ...VerifyOption) uint64 {
		// From a file, so that the archive's bytes are not on the heap.
		path := filepath.Join(t.TempDir(), "b.tar")
		members := manyMembers(n)
		require.NoError(t, os.WriteFile(path, build(t, s, members), 0o600))
		lastName := members[n-1].name
		members = nil
		f, err := os.Open(path)
		require.NoError(t, err)
		defer f.Close()
		opts = append(opts, WithManifestSpool(t.TempDir(), 32<<10))
		base := live()
		var during uint64
		_, err = Verify(f, pub, func(name string, r io.Reader) error {
			if _, err := io.Copy(io.Discard, r); err != nil {
				return err
			}
			if name == lastName {
				during = live()
			}
			return nil
		}, opts...)
		require.NoError(t, err)
		require.NotZero(t, during)
		return sub(during, base)
	}
	small, large := held(4_000), held(40_000)
	t.Logf("live heap while verifying: 4,000 members %d B, 40,000 members %d B", small, large)
	assert.Less(t, large, small+256<<10, "heap grows with the number of members")
	table := held(40_000, WithMemberTable())
	t.Logf("with the member table: 40,000 members %d B", table)
	assert.Greater(t, table, large+2<<20, "the measurement does not see the table")
}
