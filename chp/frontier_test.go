package chp

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/mod/sumdb/tlog"
)

// hashStore keeps tlog's stored hashes in memory so tlog.TreeHash can
// compute the reference root.
type hashStore []tlog.Hash

func (s hashStore) ReadHashes(idx []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(idx))
	for i, x := range idx {
		out[i] = s[x]
	}
	return out, nil
}

func TestFrontierMatchesTlog(t *testing.T) {
	var store hashStore
	var f frontier
	assert.Equal(t, tlog.Hash(emptyTreeHash), f.root())
	for n := int64(0); n < 70; n++ {
		rec := fmt.Appendf(nil, "record %d", n)
		hashes, err := tlog.StoredHashes(n, rec, store)
		require.NoError(t, err)
		store = append(store, hashes...)
		f.appendLeaf(tlog.RecordHash(rec))
		want, err := tlog.TreeHash(n+1, store)
		require.NoError(t, err)
		require.Equal(t, want, f.root(), "size %d", n+1)

		g, err := decodeFrontier(f.size, f.encode())
		require.NoError(t, err)
		require.Equal(t, f.root(), g.root())
	}
	_, err := decodeFrontier(3, []string{"AAAA"})
	assert.ErrorIs(t, err, ErrBundle)
}
