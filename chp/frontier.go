package chp

import (
	"encoding/base64"
	"fmt"

	"golang.org/x/mod/sumdb/tlog"
)

// frontier is the compact form of an RFC 6962 tree: the roots of its
// perfect subtrees from left to right (sizes are the binary digits of the
// tree size, largest first). Appending leaves and computing the root need
// only the frontier, so a Global Registry can check that the records of an
// incremental bundle extend the tree it saw last without holding that
// tree's records.
type frontier struct {
	size   uint64
	hashes []tlog.Hash
}

// appendLeaf adds the leaf hash of the next record.
func (f *frontier) appendLeaf(h tlog.Hash) {
	f.hashes = append(f.hashes, h)
	for s := f.size; s&1 == 1; s >>= 1 {
		n := len(f.hashes)
		f.hashes[n-2] = tlog.NodeHash(f.hashes[n-2], f.hashes[n-1])
		f.hashes = f.hashes[:n-1]
	}
	f.size++
}

// root returns the RFC 6962 tree hash of the first f.size leaves.
func (f *frontier) root() tlog.Hash {
	if len(f.hashes) == 0 {
		return tlog.Hash(emptyTreeHash)
	}
	h := f.hashes[len(f.hashes)-1]
	for i := len(f.hashes) - 2; i >= 0; i-- {
		h = tlog.NodeHash(f.hashes[i], h)
	}
	return h
}

// emptyTreeHash is SHA-256 of the empty string, the RFC 6962 root of an
// empty tree.
var emptyTreeHash = [32]byte{
	0xe3, 0xb0, 0xc4, 0x42, 0x98, 0xfc, 0x1c, 0x14, 0x9a, 0xfb, 0xf4, 0xc8, 0x99, 0x6f, 0xb9, 0x24,
	0x27, 0xae, 0x41, 0xe4, 0x64, 0x9b, 0x93, 0x4c, 0xa4, 0x95, 0x99, 0x1b, 0x78, 0x52, 0xb8, 0x55,
}

// encode returns the frontier hashes in base64 (standard, padded), the form
// used in bundle metadata and registry state.
func (f *frontier) encode() []string {
	out := make([]string, len(f.hashes))
	for i, h := range f.hashes {
		out[i] = base64.StdEncoding.EncodeToString(h[:])
	}
	return out
}

// decodeFrontier parses the encoded frontier of a tree of size leaves.
func decodeFrontier(size uint64, enc []string) (frontier, error) {
	want := 0
	for s := size; s != 0; s &= s - 1 {
		want++
	}
	if len(enc) != want {
		return frontier{}, fmt.Errorf("%w: frontier of size %d has %d hashes, want %d", ErrBundle, size, len(enc), want)
	}
	f := frontier{size: size, hashes: make([]tlog.Hash, len(enc))}
	for i, s := range enc {
		b, err := base64.StdEncoding.DecodeString(s)
		if err != nil || len(b) != tlog.HashSize {
			return frontier{}, fmt.Errorf("%w: frontier hash %d is not %d bytes of base64", ErrBundle, i, tlog.HashSize)
		}
		copy(f.hashes[i][:], b)
	}
	return f, nil
}

func b64std(b []byte) string { return base64.StdEncoding.EncodeToString(b) }
