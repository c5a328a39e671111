package integrity

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
)

// Full-mode chunk encoding.
const (
	// DefaultChunkBytes is the default largest chunk: small enough for one
	// transaction's calldata or one event at moderate gas.
	DefaultChunkBytes = 16 << 10
	// MinChunkBytes is the smallest chunk limit [Chunks] accepts in
	// principle: a header and one entry with a one-byte path.
	MinChunkBytes  = chunkHeaderLen + 2 + 1 + 32
	chunkHeaderLen = 4 + 4 + 4 + 4
	maxChunks      = 1 << 20
)

var chunkMagic = [4]byte{'T', 'K', 'M', '1'}

// Chunks encodes a manifest for full mode, where the per-file
// hashes themselves are anchored on chain. The entries, in manifest order,
// are split greedily into chunks of at most maxBytes bytes (0 means
// [DefaultChunkBytes]):
//
//	chunk = "TKM1" || u32 index || u32 count || u32 entries || entry...
//	entry = u16 len(path) || path || sha256(file)   (big-endian integers)
//
// index counts from 0 and count is the number of chunks, so a verifier
// knows it has them all. Each chunk is anchored by [ChunkHash]; the
// decoded manifest's root is the same Merkle root as in root_uri mode, so
// both modes verify against the controller's activeRoot.
func Chunks(m *Manifest, maxBytes int) ([][]byte, error) {
	if maxBytes == 0 {
		maxBytes = DefaultChunkBytes
	}
	if _, err := m.Root(); err != nil {
		return nil, err
	}
	var groups [][]Entry
	var cur []Entry
	size := chunkHeaderLen
	for _, e := range m.Entries {
		n := 2 + len(e.Path) + 32
		if len(e.Path) > 0xffff || chunkHeaderLen+n > maxBytes {
			return nil, errorf("entry %q needs %d bytes, chunk limit %d", e.Path, chunkHeaderLen+n, maxBytes)
		}
		if size+n > maxBytes {
			groups = append(groups, cur)
			cur, size = nil, chunkHeaderLen
		}
		cur = append(cur, e)
		size += n
	}
	groups = append(groups, cur)
	chunks := make([][]byte, len(groups))
	for i, g := range groups {
		b := make([]byte, 0, maxBytes)
		b = append(b, chunkMagic[:]...)
		b = binary.BigEndian.AppendUint32(b, uint32(i))
		b = binary.BigEndian.AppendUint32(b, uint32(len(groups)))
		b = binary.BigEndian.AppendUint32(b, uint32(len(g)))
		for _, e := range g {
			b = binary.BigEndian.AppendUint16(b, uint16(len(e.Path)))
			b = append(b, e.Path...)
			b = append(b, e.SHA256[:]...)
		}
		chunks[i] = b
	}
	return chunks, nil
}

// ChunkHash is the hash a full-mode chunk is anchored by:
// SHA-256(0x02 || chunk), domain-separated from the Merkle tree's leaves
// (0x00) and nodes (0x01).
func ChunkHash(chunk []byte) [32]byte {
	h := sha256.New()
	h.Write([]byte{chunkPrefix})
	h.Write(chunk)
	var sum [32]byte
	h.Sum(sum[:0])
	return sum
}

// DecodeChunks decodes full-mode chunks (untrusted bytes, for
// example read back from chain) into a manifest. The chunks must be
// complete and in order, every path normalised, and paths strictly
// increasing across chunks. Check the manifest's root against the anchored
// root before trusting it.
func DecodeChunks(chunks [][]byte) (*Manifest, error) {
	if len(chunks) == 0 || len(chunks) > maxChunks {
		return nil, fmt.Errorf("%w: %d chunks, want 1..%d", ErrBadManifest, len(chunks), maxChunks)
	}
	m := &Manifest{}
	for i, c := range chunks {
		if len(c) < chunkHeaderLen || !bytes.Equal(c[:4], chunkMagic[:]) {
			return nil, fmt.Errorf("%w: chunk %d has no TKM1 header", ErrBadManifest, i)
		}
		idx := binary.BigEndian.Uint32(c[4:])
		count := binary.BigEndian.Uint32(c[8:])
		n := binary.BigEndian.Uint32(c[12:])
		if idx != uint32(i) || count != uint32(len(chunks)) {
			return nil, fmt.Errorf("%w: chunk %d says it is %d of %d, want %d of %d", ErrBadManifest, i, idx, count, i, len(chunks))
		}
		rest := c[chunkHeaderLen:]
		if n == 0 || uint64(n)*34 > uint64(len(rest)) {
			return nil, fmt.Errorf("%w: chunk %d claims %d entries in %d bytes", ErrBadManifest, i, n, len(rest))
		}
		for k := uint32(0); k < n; k++ {
			if len(rest) < 2 {
				return nil, fmt.Errorf("%w: chunk %d entry %d truncated", ErrBadManifest, i, k)
			}
			l := int(binary.BigEndian.Uint16(rest))
			if len(rest) < 2+l+32 {
				return nil, fmt.Errorf("%w: chunk %d entry %d truncated", ErrBadManifest, i, k)
			}
			p := string(rest[2 : 2+l])
			np, err := NormalizePath(p)
			if err != nil {
				return nil, errorf("%w: chunk %d entry %d: %w", ErrBadManifest, i, k, err)
			}
			if np != p {
				return nil, fmt.Errorf("%w: chunk %d entry %d: path %q is not normalised", ErrBadManifest, i, k, p)
			}
			var e Entry
			e.Path = p
			copy(e.SHA256[:], rest[2+l:2+l+32])
			m.Entries = append(m.Entries, e)
			rest = rest[2+l+32:]
		}
		if len(rest) != 0 {
			return nil, fmt.Errorf("%w: chunk %d has %d trailing bytes", ErrBadManifest, i, len(rest))
		}
	}
	if _, err := m.Root(); err != nil {
		return nil, err
	}
	return m, nil
}
