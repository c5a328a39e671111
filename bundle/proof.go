package bundle

import (
	"fmt"

	"github.com/accordsdk/accord/envelope"
	"golang.org/x/mod/sumdb/tlog"
)

// MemberProof proves that one member, with its size and digest, is leaf
// Index of the RFC 6962 tree of TreeSize leaves whose head is a bundle's
// merkle_root. It is checked with [VerifyMemberProof], or with standard code:
//
//	leaf := tlog.RecordHash([]byte(`{"path":"<path>","size":<size>,"digest":"<digest>"}`))
//	err := tlog.CheckRecord(proof.Hashes, proof.TreeSize, root, proof.Index, leaf)
type MemberProof struct {
	Path     string          `json:"path"`
	Size     int64           `json:"size"`
	Digest   envelope.Digest `json:"digest"`
	Index    int64           `json:"index"`
	TreeSize int64           `json:"tree_size"`
	Hashes   []tlog.Hash     `json:"hashes"`
}

// Proof returns the inclusion proof of the named member against
// [Manifest.Root]. The first call hashes the whole tree once (about 64 bytes
// per member are kept for later calls). It needs the member table (see
// [Manifest.HasMemberTable]); without it the error wraps [ErrNoMemberTable].
func (m *Manifest) Proof(name string) (*MemberProof, error) {
	if m.table == nil {
		return nil, fmt.Errorf("%w: proving %q", ErrNoMemberTable, name)
	}
	mem, i, ok := m.Lookup(name)
	if !ok {
		return nil, fmt.Errorf("%w: %q", ErrMissingMember, name)
	}
	t := m.table
	t.proofOnce.Do(t.storeHashes)
	n := int64(m.Len())
	hashes, err := tlog.ProveRecord(n, int64(i), tlog.HashReaderFunc(t.readHashes))
	if err != nil {
		return nil, fmt.Errorf("bundle: proving %q: %w", name, err)
	}
	return &MemberProof{Path: mem.Name, Size: mem.Size, Digest: mem.Digest, Index: int64(i), TreeSize: n, Hashes: hashes}, nil
}

func (t *memberTable) storeHashes() {
	var leaf []byte
	for i := range t.sizes {
		var h tlog.Hash
		leaf, h = leafHash(leaf, t.name(i), t.sizes[i], &t.sums[i])
		hs, err := tlog.StoredHashesForRecordHash(int64(i), h, tlog.HashReaderFunc(t.readHashes))
		if err != nil {
			// readHashes only fails for indexes not yet stored, which
			// StoredHashesForRecordHash never asks for.
			panic(err)
		}
		t.stored = append(t.stored, hs...)
	}
}

func (t *memberTable) readHashes(indexes []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(indexes))
	for i, x := range indexes {
		if x < 0 || x >= int64(len(t.stored)) {
			return nil, fmt.Errorf("stored hash %d of %d", x, len(t.stored))
		}
		out[i] = t.stored[x]
	}
	return out, nil
}

// VerifyMemberProof checks that p proves its member against root, the
// merkle_root of a bundle whose signature the caller has verified (for
// example with [Verify] or [OpenSignature]). The error wraps [ErrBadProof],
// or a name error from [CheckName].
func VerifyMemberProof(root tlog.Hash, p *MemberProof) error {
	if err := CheckName(p.Path); err != nil {
		return err
	}
	if p.Size < 0 || p.Index < 0 || p.Index >= p.TreeSize {
		return fmt.Errorf("%w: leaf %d of %d, size %d", ErrBadProof, p.Index, p.TreeSize, p.Size)
	}
	if p.Digest.Algorithm() != "blake3" {
		return fmt.Errorf("%w: member %q: digest %s, want a blake3 digest", ErrBadProof, p.Path, p.Digest)
	}
	sum := p.Digest.Sum()
	_, leaf := leafHash(nil, p.Path, p.Size, &sum)
	if err := tlog.CheckRecord(p.Hashes, p.TreeSize, root, p.Index, leaf); err != nil {
		return fmt.Errorf("%w: member %q: %w", ErrBadProof, p.Path, err)
	}
	return nil
}
