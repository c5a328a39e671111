package merklelog

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/accordsdk/accord/checkpoint"
)

// TestCertificateTransparencyLeaf stores a real Certificate Transparency
// entry as a record and checks that the log's leaf hash for it is the one
// the Argon 2020 log's signed tree head and inclusion proof commit to. The
// vectors live with the checkpoint package (see its testdata README).
func TestCertificateTransparencyLeaf(t *testing.T) {
	dir := filepath.Join("..", "..", "checkpoint", "testdata", "ct-argon2020")
	var sth struct {
		Size uint64    `json:"tree_size"`
		Hash tlog.Hash `json:"sha256_root_hash"`
	}
	var entries struct {
		Entries []struct {
			Data []byte `json:"leaf_input"`
		}
	}
	var proof struct {
		Index uint64           `json:"leaf_index"`
		Path  tlog.RecordProof `json:"audit_path"`
	}
	for name, into := range map[string]any{"sth.json": &sth, "entries.json": &entries, "proof.json": &proof} {
		data, err := os.ReadFile(filepath.Join(dir, name))
		require.NoError(t, err)
		require.NoError(t, json.Unmarshal(data, into))
	}
	l := openLog(t, t.TempDir())
	idx, err := l.Append(t.Context(), entries.Entries[0].Data)
	require.NoError(t, err)
	// In a one-record tree the root is the leaf hash.
	leaf, err := l.TreeHash(idx + 1)
	require.NoError(t, err)
	ct := checkpoint.Checkpoint{Origin: "ct.googleapis.com/logs/argon2020", Size: sth.Size, Hash: sth.Hash}
	require.NoError(t, checkpoint.VerifyInclusionHash(ct, proof.Index, leaf, proof.Path))
	leaf[0] ^= 1
	require.ErrorIs(t, checkpoint.VerifyInclusionHash(ct, proof.Index, leaf, proof.Path), checkpoint.ErrInclusion)
}
