// Package merkletree builds RFC 6962 (SHA-256) Merkle tree heads
// incrementally, holding only the tree's frontier. It is the one
// implementation the module uses wherever a root is grown leaf by leaf: the
// bundle manifest, the log's index, a Local Registry's export, a Global
// Registry's import and the governance audit.
//
// # The frontier
//
// A tree of n leaves is the concatenation of perfect subtrees whose sizes
// are the binary digits of n, largest first (RFC 6962, section 2.1, splits
// at the largest power of two below n, so the tree of n leaves always
// decomposes this way). The frontier is the list of their roots, left to
// right: one hash per bit set in n. A tree of 13 leaves (8+4+1) has the
// frontier
//
//	[root(leaves 0-7), root(leaves 8-11), hash(leaf 12)]
//
// Appending a leaf merges the trailing subtrees of equal size, exactly as a
// binary counter carries; the root is the right-to-left fold
//
//	root = NODE(f[0], NODE(f[1], ... NODE(f[k-2], f[k-1])))
//
// where NODE(l, r) = SHA-256(0x01 || l || r). The root of the empty tree is
// SHA-256 of the empty string. Leaf hashes are SHA-256(0x00 || record), as
// [tlog.RecordHash] computes them; this package takes them already hashed.
//
// # Text form
//
// Where a frontier travels (a bundle's export metadata, a registry's
// state), it is a JSON array of its hashes in the order above, each in
// standard base64 with padding (RFC 4648, section 4; 44 characters for a
// 32-byte hash), beside the tree size it belongs to. [ParseFrontier]
// refuses an array whose length is not the number of bits set in the size,
// and any element that is not exactly 32 bytes of canonical padded base64.
//
// # Trust
//
// A frontier is not self-authenticating: anyone can write hashes. A caller
// that receives one must compare the root it yields with a root it trusts
// (a signed checkpoint) before building on it; the frontier then commits to
// every leaf of the tree as strongly as that root does.
//
// The tests check every frontier, root and stored hash against two other
// implementations: golang.org/x/mod/sumdb/tlog and
// github.com/transparency-dev/merkle's compact ranges. The latter is not
// used here because a compact.Range keeps each hash as its own []byte, so
// every append allocates; the bundle writer's Add and the log's append are
// allocation-free per record and stay so.
package merkletree

import (
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"math/bits"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/accordsdk/accord/internal/strictb64"
)

// ErrFrontier is returned when a frontier does not have the shape its size
// requires.
var ErrFrontier = errors.New("merkletree: malformed frontier")

// maxSize is the largest tree size: tlog counts records in an int64.
const maxSize = 1<<63 - 1

// Frontier is the compact form of an RFC 6962 tree starting at leaf 0. The
// zero value is the empty tree. A Frontier is not safe for concurrent use.
// Appending needs no heap allocation once the frontier has held as many
// hashes as it will.
type Frontier struct {
	size   uint64
	hashes []tlog.Hash // perfect subtree roots, left to right
}

// Size returns the number of leaves in the tree.
func (f *Frontier) Size() uint64 { return f.size }

// Append adds the leaf hash of the next record.
func (f *Frontier) Append(leaf tlog.Hash) {
	h := leaf
	for s := f.size; s&1 == 1; s >>= 1 {
		n := len(f.hashes)
		h = tlog.NodeHash(f.hashes[n-1], h)
		f.hashes = f.hashes[:n-1]
	}
	f.hashes = append(f.hashes, h)
	f.size++
}

// AppendStored adds the leaf hash of the next record and appends to dst the
// hashes the leaf adds to the tree in the order of [tlog.StoredHashes]: the
// leaf hash, then the root of each perfect subtree it completes, smallest
// first.
func (f *Frontier) AppendStored(dst []byte, leaf tlog.Hash) []byte {
	h := leaf
	dst = append(dst, h[:]...)
	for s := f.size; s&1 == 1; s >>= 1 {
		n := len(f.hashes)
		h = tlog.NodeHash(f.hashes[n-1], h)
		f.hashes = f.hashes[:n-1]
		dst = append(dst, h[:]...)
	}
	f.hashes = append(f.hashes, h)
	f.size++
	return dst
}

// Root returns the RFC 6962 tree head of the leaves appended so far.
func (f *Frontier) Root() tlog.Hash {
	if len(f.hashes) == 0 {
		return sha256.Sum256(nil)
	}
	h := f.hashes[len(f.hashes)-1]
	for i := len(f.hashes) - 2; i >= 0; i-- {
		h = tlog.NodeHash(f.hashes[i], h)
	}
	return h
}

// Hashes returns the roots of the tree's perfect subtrees, left to right
// (largest first).
func (f *Frontier) Hashes() []tlog.Hash {
	return append([]tlog.Hash(nil), f.hashes...)
}

// Encode returns the frontier's hashes in its text form: standard padded
// base64, left to right.
func (f *Frontier) Encode() []string {
	hs := f.Hashes()
	out := make([]string, len(hs))
	for i, h := range hs {
		out[i] = base64.StdEncoding.EncodeToString(h[:])
	}
	return out
}

// FromHashes returns the frontier of a tree of size leaves whose perfect
// subtree roots, left to right, are hashes.
func FromHashes(size uint64, hashes []tlog.Hash) (Frontier, error) {
	if size > maxSize {
		return Frontier{}, fmt.Errorf("%w: tree size %d is beyond 2^63-1", ErrFrontier, size)
	}
	if want := bits.OnesCount64(size); len(hashes) != want {
		return Frontier{}, fmt.Errorf("%w: tree of size %d has %d subtree hashes, want %d", ErrFrontier, size, len(hashes), want)
	}
	return Frontier{size: size, hashes: append([]tlog.Hash(nil), hashes...)}, nil
}

// ParseFrontier decodes the text form of the frontier of a tree of size
// leaves.
func ParseFrontier(size uint64, enc []string) (Frontier, error) {
	if want := bits.OnesCount64(size); len(enc) != want {
		return Frontier{}, fmt.Errorf("%w: tree of size %d has %d subtree hashes, want %d", ErrFrontier, size, len(enc), want)
	}
	hashes := make([]tlog.Hash, len(enc))
	for i, s := range enc {
		b, err := strictb64.Std(s)
		if err != nil || len(b) != tlog.HashSize {
			return Frontier{}, fmt.Errorf("%w: hash %d is not %d bytes of padded standard base64", ErrFrontier, i, tlog.HashSize)
		}
		hashes[i] = tlog.Hash(b)
	}
	return FromHashes(size, hashes)
}

// FromInclusionProof returns the frontier of a tree of size n > 0, given
// the leaf hash of its last leaf (index n-1) and that leaf's RFC 6962 audit
// path in the tree of size n (as [tlog.ProveRecord] returns it). The path
// holds, after the hashes inside the last perfect subtree, the roots of the
// perfect subtrees to its left, right to left. The caller must check the
// frontier's root against the tree head it trusts.
func FromInclusionProof(n uint64, leaf tlog.Hash, proof []tlog.Hash) (Frontier, error) {
	if n == 0 {
		return Frontier{}, fmt.Errorf("%w: no last leaf in an empty tree", ErrFrontier)
	}
	inner := bits.TrailingZeros64(n) // levels inside the last perfect subtree
	if want := inner + bits.OnesCount64(n) - 1; len(proof) != want {
		return Frontier{}, fmt.Errorf("%w: audit path of %d hashes for the last leaf of %d, want %d", ErrFrontier, len(proof), n, want)
	}
	h := leaf
	for _, p := range proof[:inner] {
		h = tlog.NodeHash(p, h)
	}
	hashes := make([]tlog.Hash, 0, bits.OnesCount64(n))
	for i := len(proof) - 1; i >= inner; i-- {
		hashes = append(hashes, proof[i])
	}
	return FromHashes(n, append(hashes, h))
}
