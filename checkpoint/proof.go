package checkpoint

import (
	"errors"
	"fmt"

	"golang.org/x/mod/sumdb/tlog"
)

var (
	// ErrInclusion is matched by every [InclusionError].
	ErrInclusion = errors.New("checkpoint: inclusion proof does not verify")
	// ErrConsistency is matched by every [ConsistencyError].
	ErrConsistency = errors.New("checkpoint: checkpoints are not consistent")
)

// InclusionError reports an inclusion proof that does not prove the leaf is
// in the checkpoint's tree. It carries what was checked.
type InclusionError struct {
	Checkpoint Checkpoint
	Index      uint64
	LeafHash   tlog.Hash
	Proof      tlog.RecordProof
	Reason     string
}

func (e *InclusionError) Error() string {
	return fmt.Sprintf("checkpoint: leaf %d (hash %v) not proven in %s at size %d: %s",
		e.Index, e.LeafHash, e.Checkpoint.Origin, e.Checkpoint.Size, e.Reason)
}

// Unwrap returns [ErrInclusion].
func (e *InclusionError) Unwrap() error { return ErrInclusion }

// ConsistencyError reports two checkpoints that are not proven to be views
// of one append-only log. Old and New are the evidence: when both are signed
// by the log and have the same size but different roots, or the proof fails,
// they may show a split view.
type ConsistencyError struct {
	Old, New Checkpoint
	Proof    tlog.TreeProof
	Reason   string
}

func (e *ConsistencyError) Error() string {
	return fmt.Sprintf("checkpoint: %s size %d root %v is not consistent with size %d root %v: %s",
		e.New.Origin, e.Old.Size, e.Old.Hash, e.New.Size, e.New.Hash, e.Reason)
}

// Unwrap returns [ErrConsistency].
func (e *ConsistencyError) Unwrap() error { return ErrConsistency }

// RecordHash returns the RFC 6962 leaf hash of a record:
// SHA-256(0x00 || record).
func RecordHash(record []byte) tlog.Hash { return tlog.RecordHash(record) }

// VerifyInclusion checks that proof shows record at index in the tree of c.
// c should come from [Verify], so that its root is signed.
func VerifyInclusion(c Checkpoint, index uint64, record []byte, proof tlog.RecordProof) error {
	return VerifyInclusionHash(c, index, tlog.RecordHash(record), proof)
}

// VerifyInclusionHash is [VerifyInclusion] for a leaf given by its hash.
func VerifyInclusionHash(c Checkpoint, index uint64, leafHash tlog.Hash, proof tlog.RecordProof) error {
	fail := func(reason string) error {
		return &InclusionError{Checkpoint: c, Index: index, LeafHash: leafHash, Proof: proof, Reason: reason}
	}
	if index >= c.Size {
		return fail(fmt.Sprintf("index %d is not below the tree size %d", index, c.Size))
	}
	if err := tlog.CheckRecord(proof, int64(c.Size), c.Hash, int64(index), leafHash); err != nil {
		return fail(err.Error())
	}
	return nil
}

// VerifyConsistency checks that proof shows the tree of old is a prefix of
// the tree of new. Both should come from [Verify]. Checkpoints of the same
// size are consistent only if their roots are equal (and the proof is
// empty); any tree is consistent with the empty tree.
func VerifyConsistency(old, new Checkpoint, proof tlog.TreeProof) error {
	fail := func(reason string) error {
		return &ConsistencyError{Old: old, New: new, Proof: proof, Reason: reason}
	}
	if old.Origin != new.Origin {
		return fmt.Errorf("%w: origins %q and %q", ErrOrigin, old.Origin, new.Origin)
	}
	switch {
	case old.Size > new.Size:
		return fail(fmt.Sprintf("old size %d is larger than new size %d", old.Size, new.Size))
	case old.Size == 0:
		empty, _ := tlog.TreeHash(0, nil)
		if old.Hash != empty {
			return fail(fmt.Sprintf("empty tree with root %v, want %v", old.Hash, empty))
		}
		if len(proof) != 0 {
			return fail(fmt.Sprintf("proof of %d hashes from the empty tree, want none", len(proof)))
		}
		return nil
	case old.Size == new.Size:
		if old.Hash != new.Hash {
			return fail("same size, different roots")
		}
		if len(proof) != 0 {
			return fail(fmt.Sprintf("proof of %d hashes between equal trees, want none", len(proof)))
		}
		return nil
	}
	if err := tlog.CheckTree(proof, int64(new.Size), new.Hash, int64(old.Size), old.Hash); err != nil {
		return fail(err.Error())
	}
	return nil
}

// ToRecordProof converts an inclusion proof carried as byte strings (as
// JSON carries them) into a [tlog.RecordProof], checking that each hash is
// [tlog.HashSize] bytes and that there are at most 63 of them.
func ToRecordProof(hashes [][]byte) (tlog.RecordProof, error) {
	p, err := toHashes(hashes)
	return tlog.RecordProof(p), err
}

// ToTreeProof converts a consistency proof carried as byte strings into a
// [tlog.TreeProof], with the checks of [ToRecordProof].
func ToTreeProof(hashes [][]byte) (tlog.TreeProof, error) {
	p, err := toHashes(hashes)
	return tlog.TreeProof(p), err
}

func toHashes(hashes [][]byte) ([]tlog.Hash, error) {
	if len(hashes) > maxProofHashes {
		return nil, fmt.Errorf("%w: proof of %d hashes, at most %d", ErrMalformed, len(hashes), maxProofHashes)
	}
	out := make([]tlog.Hash, len(hashes))
	for i, h := range hashes {
		if len(h) != tlog.HashSize {
			return nil, fmt.Errorf("%w: proof hash %d of %d bytes, want %d", ErrMalformed, i, len(h), tlog.HashSize)
		}
		copy(out[i][:], h)
	}
	return out, nil
}
