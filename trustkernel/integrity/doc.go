// Package integrity builds and checks install manifests: the list of every
// file of an install with the SHA-256 of its contents, the Merkle root a
// chain anchors for it, and the report of how a directory differs from it.
//
// It does no chain I/O and imports no Ethereum library: the root comes from
// wherever the caller trusts it (package trustkernel reads it from an
// InstanceController through a quorum of RPC endpoints; package
// trustkernel/runtime checks an install whenever that root changes).
//
// # Trust model
//
// The anchored root is trusted; the install directory, the manifest file
// next to it and the manifest published at a URI are not. A manifest is
// only believed once its root equals the anchored root ([Verify],
// [CheckAnchor]), and a directory only once it matches that manifest file
// for file: nothing missing, nothing extra, nothing changed. [Build] walks
// the directory through an [os.Root] opened on every directory level, so no
// symlink, "..", or rename during the walk can make it read a file outside
// the directory; symlinks, devices, pipes and sockets are refused with an
// [*UnsupportedFileError] rather than followed or skipped. A mismatch is a
// [*DiffError] listing every missing, extra and changed path (errors.Is
// [ErrMismatch]), or [ErrRootMismatch] with both roots.
//
// What this does not defend against: a file changed after [Verify] returned
// (callers check again when the root changes, and may check periodically),
// and a root anchored by authorities whose keys were stolen.
//
// # Paths
//
// A manifest path is normalised before it is hashed ([NormalizePath]):
// `\` becomes `/`, repeated `/` collapse to one, "." segments and a leading
// "/" are removed. A path with a ".." segment, a NUL byte or invalid UTF-8,
// or with nothing left, is refused ([ErrBadPath]), and so are two paths that
// normalise to the same one. Paths are compared and sorted bytewise (no
// Unicode normalisation, no case folding).
//
// # Root
//
// The root of a set of files ([Root], [Manifest.Root]) is
//
//	order   = normalised paths sorted bytewise
//	leaf    = SHA-256(0x00 || path || 0x00 || sha256(file))
//	node    = SHA-256(0x01 || left || right)
//	odd     = the last node of a level with an odd count is paired with itself
//	root    = the single node left (one file: its leaf)
//
// where path is the UTF-8 bytes of the normalised path. Files a.txt with
// sha256 0x22..22 and b.txt with 0x11..11 give root
// 0xf92742ec920dcc955d96633e56df2ea657a3f5521fe309045e900eee39ef14b0.
// An empty manifest has no root ([ErrEmptyManifest]). The vectors in
// testdata/manifest-vectors.json give more (normalisation, bytewise order,
// odd levels, refusals).
//
// # JSON form (root_uri mode)
//
// In root_uri mode the chain holds the root and the [URIHash] of the URI
// where the manifest is published: the Keccak-256 of the URI's UTF-8 bytes
// (the original Keccak with its 0x01 padding, the EVM's KECCAK256, not FIPS
// 202 SHA3-256). The published manifest is the JSON
//
//	{"files":[{"path":"a.txt","sha256":"<64 lower-case hex digits>"}, ...]}
//
// with the files in root order ([Manifest.MarshalJSON]). [Parse] reads it
// strictly: unknown or duplicated members, paths that are not already
// normalised, unsorted or duplicated paths, hashes that are not 64
// lower-case hex digits and trailing data are refused ([ErrBadManifest]).
// [CheckAnchor] checks a fetched manifest against both anchored values.
//
// # Chunks (full mode)
//
// In full mode the per-file hashes themselves are anchored, as chunks
// ([Chunks]) of at most a byte limit ([DefaultChunkBytes]):
//
//	chunk = "TKM1" || u32 index || u32 count || u32 entries || entry...
//	entry = u16 len(path) || path || sha256(file)      (big-endian)
//	chunk hash = SHA-256(0x02 || chunk)                ([ChunkHash])
//
// Entries are in root order and split greedily; index counts from 0 and
// count is the number of chunks, so a reader knows it has them all.
// [DecodeChunks] requires every chunk, in order, with at least one entry
// each and no trailing bytes, and every path normalised and strictly
// increasing across chunks; the manifest it returns has the same root as in
// root_uri mode, to be checked against the anchored root.
package integrity
