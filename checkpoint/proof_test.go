package checkpoint

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/mod/sumdb/tlog"
)

// ctVectors is the real Certificate Transparency data in
// testdata/ct-argon2020 (see its README).
type ctVectors struct {
	STH struct {
		Size uint64    `json:"tree_size"`
		Hash tlog.Hash `json:"sha256_root_hash"`
	}
	Entries struct {
		Entries []struct {
			Data []byte `json:"leaf_input"`
		}
	}
	Proof struct {
		Index uint64           `json:"leaf_index"`
		Path  tlog.RecordProof `json:"audit_path"`
	}
	Consistency struct {
		Proof tlog.TreeProof `json:"consistency"`
	}
}

const (
	ctOldSize = 3654490
	ctOldRoot = "AuIZ5V6sDUj1vn3Y1K85oOaQ7y+FJJKtyRTl1edIKBQ="
)

func loadCT(t *testing.T) ctVectors {
	var v ctVectors
	for name, into := range map[string]any{"sth.json": &v.STH, "entries.json": &v.Entries, "proof.json": &v.Proof, "consistency.json": &v.Consistency} {
		data, err := os.ReadFile(filepath.Join("testdata", "ct-argon2020", name))
		require.NoError(t, err)
		require.NoError(t, json.Unmarshal(data, into), name)
	}
	require.Len(t, v.Entries.Entries, 1)
	return v
}

func flip(h []tlog.Hash, i int) []tlog.Hash {
	out := append([]tlog.Hash(nil), h...)
	out[i][0] ^= 1
	return out
}

func TestCertificateTransparencyInclusion(t *testing.T) {
	ct := loadCT(t)
	c := Checkpoint{Origin: "ct.googleapis.com/logs/argon2020", Size: ct.STH.Size, Hash: ct.STH.Hash}
	leaf := ct.Entries.Entries[0].Data
	require.NoError(t, VerifyInclusion(c, ct.Proof.Index, leaf, ct.Proof.Path))

	for _, tc := range []struct {
		desc  string
		c     Checkpoint
		index uint64
		leaf  []byte
		proof tlog.RecordProof
	}{
		{"other leaf", c, ct.Proof.Index, append([]byte{1}, leaf...), ct.Proof.Path},
		{"other index", c, ct.Proof.Index + 1, leaf, ct.Proof.Path},
		{"altered first hash", c, ct.Proof.Index, leaf, flip(ct.Proof.Path, 0)},
		{"altered last hash", c, ct.Proof.Index, leaf, flip(ct.Proof.Path, len(ct.Proof.Path)-1)},
		{"short proof", c, ct.Proof.Index, leaf, ct.Proof.Path[:len(ct.Proof.Path)-1]},
		{"long proof", c, ct.Proof.Index, leaf, append(ct.Proof.Path[:len(ct.Proof.Path):len(ct.Proof.Path)], ct.Proof.Path[0])},
		{"other root", Checkpoint{Origin: c.Origin, Size: c.Size, Hash: flip([]tlog.Hash{c.Hash}, 0)[0]}, ct.Proof.Index, leaf, ct.Proof.Path},
		{"smaller size", Checkpoint{Origin: c.Origin, Size: c.Size / 2, Hash: c.Hash}, ct.Proof.Index, leaf, ct.Proof.Path},
		{"index past size", Checkpoint{Origin: c.Origin, Size: 10, Hash: c.Hash}, 10, leaf, ct.Proof.Path},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			err := VerifyInclusion(tc.c, tc.index, tc.leaf, tc.proof)
			require.ErrorIs(t, err, ErrInclusion)
			var ie *InclusionError
			require.ErrorAs(t, err, &ie)
			require.Equal(t, tc.index, ie.Index)
			require.Equal(t, RecordHash(tc.leaf), ie.LeafHash)
		})
	}
}

func TestCertificateTransparencyConsistency(t *testing.T) {
	ct := loadCT(t)
	const o = "ct.googleapis.com/logs/argon2020"
	oldRoot, err := tlog.ParseHash(ctOldRoot)
	require.NoError(t, err)
	old := Checkpoint{Origin: o, Size: ctOldSize, Hash: oldRoot}
	cur := Checkpoint{Origin: o, Size: ct.STH.Size, Hash: ct.STH.Hash}
	p := ct.Consistency.Proof
	require.NoError(t, VerifyConsistency(old, cur, p))

	empty, err := tlog.TreeHash(0, nil)
	require.NoError(t, err)
	require.NoError(t, VerifyConsistency(Checkpoint{Origin: o, Hash: empty}, cur, nil))
	require.NoError(t, VerifyConsistency(cur, cur, nil))

	other := func(c Checkpoint, size uint64, h tlog.Hash) Checkpoint {
		c.Size, c.Hash = size, h
		return c
	}
	for _, tc := range []struct {
		desc     string
		old, new Checkpoint
		proof    tlog.TreeProof
	}{
		{"altered proof", old, cur, flip(p, 3)},
		{"short proof", old, cur, p[:len(p)-1]},
		{"other old root", other(old, old.Size, ct.STH.Hash), cur, p},
		{"other old size", other(old, old.Size+1, old.Hash), cur, p},
		{"reversed", cur, old, p},
		{"same size, different roots (split view)", old, other(cur, old.Size, ct.STH.Hash), nil},
		{"same size with a proof", cur, cur, p},
		{"empty tree with a wrong root", other(old, 0, oldRoot), cur, nil},
		{"empty tree with a proof", other(old, 0, empty), cur, p},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			err := VerifyConsistency(tc.old, tc.new, tc.proof)
			require.ErrorIs(t, err, ErrConsistency)
			var ce *ConsistencyError
			require.ErrorAs(t, err, &ce)
			require.Equal(t, tc.old, ce.Old)
			require.Equal(t, tc.new, ce.New)
		})
	}
	err = VerifyConsistency(old, other(Checkpoint{Origin: "elsewhere.example/log"}, cur.Size, cur.Hash), p)
	require.ErrorIs(t, err, ErrOrigin)
}
