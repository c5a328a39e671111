package merkletree

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/transparency-dev/merkle/compact"
	"github.com/transparency-dev/merkle/rfc6962"
	"golang.org/x/mod/sumdb/tlog"
)

// hashStore keeps tlog's stored hashes in memory: tlog computes the
// reference roots, proofs and stored hashes independently of this package.
type hashStore []tlog.Hash

func (s hashStore) ReadHashes(idx []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(idx))
	for i, x := range idx {
		out[i] = s[x]
	}
	return out, nil
}

func TestMatchesTlog(t *testing.T) {
	var store hashStore
	var f Frontier
	assert.Equal(t, tlog.Hash(sha256.Sum256(nil)), f.Root())
	assert.Empty(t, f.Encode())
	var stored []byte
	ref := (&compact.RangeFactory{Hash: rfc6962.DefaultHasher.HashChildren}).NewEmptyRange(0)
	for n := int64(0); n < 300; n++ {
		rec := fmt.Appendf(nil, "record %d", n)
		leaf := tlog.RecordHash(rec)
		hashes, err := tlog.StoredHashes(n, rec, store)
		require.NoError(t, err)
		store = append(store, hashes...)

		// AppendStored reports exactly tlog's stored hashes, in its order.
		stored = f.AppendStored(stored[:0], leaf)
		var want []byte
		for _, h := range hashes {
			want = append(want, h[:]...)
		}
		require.Equal(t, want, stored, "stored hashes of record %d", n)

		size := n + 1
		root, err := tlog.TreeHash(size, store)
		require.NoError(t, err)
		require.Equal(t, uint64(size), f.Size())
		require.Equal(t, root, f.Root(), "size %d", size)

		// Each frontier hash is the stored hash of a perfect subtree.
		var wantFrontier []tlog.Hash
		for l := 63; l >= 0; l-- {
			if size>>l&1 == 1 {
				hs, err := store.ReadHashes([]int64{tlog.StoredHashIndex(l, size>>l-1)})
				require.NoError(t, err)
				wantFrontier = append(wantFrontier, hs[0])
			}
		}
		require.Equal(t, wantFrontier, f.Hashes(), "frontier of size %d", size)

		// transparency-dev/merkle's compact range agrees on both.
		require.NoError(t, ref.Append(leaf[:], nil))
		refRoot, err := ref.GetRootHash(nil)
		require.NoError(t, err)
		require.Equal(t, refRoot, root[:])
		require.Len(t, ref.Hashes(), len(wantFrontier))
		for i, h := range ref.Hashes() {
			require.Equal(t, h, wantFrontier[i][:], "compact range hash %d at size %d", i, size)
		}

		g, err := ParseFrontier(uint64(size), f.Encode())
		require.NoError(t, err)
		require.Equal(t, root, g.Root())
		h, err := FromHashes(uint64(size), f.Hashes())
		require.NoError(t, err)
		require.Equal(t, root, h.Root())

		proof, err := tlog.ProveRecord(size, n, store)
		require.NoError(t, err)
		p, err := FromInclusionProof(uint64(size), leaf, proof)
		require.NoError(t, err)
		require.Equal(t, f.Hashes(), p.Hashes(), "frontier from the proof at %d", size)
	}
}

// TestGrowParsed checks that a parsed frontier keeps growing to the same
// roots as one built from the start, and that it does not alias the
// caller's hashes.
func TestGrowParsed(t *testing.T) {
	var full Frontier
	for i := range 21 {
		full.Append(tlog.RecordHash([]byte{byte(i)}))
	}
	hs := full.Hashes()
	part, err := FromHashes(full.Size(), hs)
	require.NoError(t, err)
	for i := range hs {
		hs[i] = tlog.Hash{}
	}
	for i := 21; i < 100; i++ {
		leaf := tlog.RecordHash([]byte{byte(i)})
		full.Append(leaf)
		part.Append(leaf)
		require.Equal(t, full.Root(), part.Root())
	}
}

func TestAppendAllocs(t *testing.T) {
	var f Frontier
	var buf []byte
	for range 1 << 10 {
		buf = f.AppendStored(buf[:0], tlog.Hash{1})
	}
	allocs := testing.AllocsPerRun(1000, func() {
		f.Append(tlog.Hash{2})
		buf = f.AppendStored(buf[:0], tlog.Hash{3})
		_ = f.Root()
	})
	assert.Zero(t, allocs)
}

func TestParseFrontierRefuses(t *testing.T) {
	h := base64.StdEncoding.EncodeToString(make([]byte, 32))
	for _, tc := range []struct {
		name string
		size uint64
		enc  []string
	}{
		{"too few", 3, []string{h}},
		{"too many", 4, []string{h, h}},
		{"hashes for empty", 0, []string{h}},
		{"size beyond int64", 1 << 63, []string{h}},
		{"short hash", 1, []string{base64.StdEncoding.EncodeToString(make([]byte, 31))}},
		{"long hash", 1, []string{base64.StdEncoding.EncodeToString(make([]byte, 33))}},
		{"unpadded", 1, []string{strings.TrimRight(h, "=")}},
		{"url alphabet", 1, []string{base64.URLEncoding.EncodeToString(bytes.Repeat([]byte{0xff}, 32))}},
		{"non-canonical padding bits", 1, []string{h[:42] + "B="}},
		{"space", 1, []string{" " + h}},
		{"line break", 1, []string{h[:20] + "\r\n" + h[20:]}},
	} {
		_, err := ParseFrontier(tc.size, tc.enc)
		assert.ErrorIs(t, err, ErrFrontier, tc.name)
		assert.Equal(t, 1, strings.Count(fmt.Sprint(err), "merkletree:"), tc.name)
	}
	_, err := FromInclusionProof(0, tlog.Hash{}, nil)
	assert.ErrorIs(t, err, ErrFrontier)
	_, err = FromInclusionProof(6, tlog.Hash{}, make([]tlog.Hash, 3))
	assert.ErrorIs(t, err, ErrFrontier)
	_, err = FromHashes(5, make([]tlog.Hash, 3))
	assert.ErrorIs(t, err, ErrFrontier)
}

// TestPinnedRoots pins roots computed by hand from the definition, so that
// a change of hashing on both sides of TestMatchesTlog is caught.
func TestPinnedRoots(t *testing.T) {
	leaf := func(b string) tlog.Hash { return sha256.Sum256(append([]byte{0}, b...)) }
	node := func(l, r tlog.Hash) tlog.Hash { return sha256.Sum256(append(append([]byte{1}, l[:]...), r[:]...)) }
	a, b, c := leaf("a"), leaf("b"), leaf("c")
	var f Frontier
	f.Append(a)
	assert.Equal(t, a, f.Root())
	f.Append(b)
	assert.Equal(t, node(a, b), f.Root())
	f.Append(c)
	assert.Equal(t, node(node(a, b), c), f.Root())
	assert.Equal(t, []tlog.Hash{node(a, b), c}, f.Hashes())
}

func FuzzParseFrontier(f *testing.F) {
	h := base64.StdEncoding.EncodeToString(make([]byte, 32))
	f.Add(uint64(1), h)
	f.Add(uint64(3), h+","+h)
	f.Add(uint64(2), "")
	f.Fuzz(func(t *testing.T, size uint64, list string) {
		var enc []string
		if list != "" {
			enc = strings.Split(list, ",")
		}
		fr, err := ParseFrontier(size, enc)
		if err != nil {
			if !errors.Is(err, ErrFrontier) {
				t.Fatalf("undeclared error %v", err)
			}
			return
		}
		if got := fr.Encode(); strings.Join(got, ",") != list || fr.Size() != size {
			t.Fatalf("accepted %d %q, re-encodes to %d %q", size, list, fr.Size(), got)
		}
		fr.Append(tlog.Hash{})
		_ = fr.Root()
	})
}
