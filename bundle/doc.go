// Package bundle writes and verifies provenance bundles: signed,
// deterministic tar archives that carry records (heartbeats, ACKs, log
// entries) across an air gap, checked in one streaming pass on the far side.
//
// A [Writer] takes members as name and reader, of unknown size and in any
// order (in name order, its memory stays flat), and on [Writer.Close] writes
// the archive. [Verify] reads an archive once, with memory that does not
// grow with the bundle, and hands each member to a callback as it streams
// past. [ReadManifest], [Manifest.Proof] and [VerifyMemberProof] prove later
// that one member was in one bundle.
//
//	w, _ := bundle.NewWriter(out, signer, bundle.WithIssuer("lr-1"), bundle.WithCreatedAt(now))
//	w.Add("heartbeats/inst-1/0001.json", r)
//	w.Close()
//
//	m, err := bundle.Verify(in, "ed25519:z6Mk...", func(name string, r io.Reader) error {
//		return stage(name, r) // commit only after Verify returns nil
//	})
//
// # Wire format
//
// The archive is a POSIX tar in one canonical form. Every entry is a regular
// file (typeflag '0') with mode 0644, uid and gid 0, empty owner names, mtime 0
// and a "ustar\x0000" magic; names up to 256 ASCII bytes use the USTAR name and
// prefix fields (split at the last slash that fits), other names a PAX
// extended header "././@PaxHeader" holding one "path" record. Bodies are
// padded with zeros to 512 bytes, and the archive ends with two zero blocks.
// Entries, in this order:
//
//	bundle.json              metadata (see [Info])
//	manifest.json            every member's path, size and blake3 digest, in name order
//	signatures/manifest.sig  an envelope of type [SignatureType] (see [SignedManifest])
//	<members>                in byte-wise name order
//
// manifest.json is one member per line, so that its bytes are fixed:
//
//	{"v":1,"merkle_root":"<base64>","members":[
//	{"path":"acks/0001.json","size":212,"digest":"blake3:<64 hex>"},
//	{"path":"heartbeats/0001.json","size":305,"digest":"blake3:<64 hex>"}
//	]}
//
// Each member line (without its comma) is the member's leaf in an RFC 6962
// Merkle tree; merkle_root is that tree's head (tree hashing from
// golang.org/x/mod/sumdb/tlog; SHA-256 of the empty string for no members),
// so a member's inclusion can be checked with tlog.CheckRecord. Member names
// pass [CheckName]: relative slash-separated UTF-8 paths of at most 1,024
// bytes without ".", ".." or empty elements, elements over 255 bytes,
// backslashes, double quotes or control characters, so a line needs no JSON
// escaping and every member can be extracted by standard tools.
//
// bundle.json is indented JSON: v, issuer, created_at (RFC 3339 UTC),
// signer (the key string), signer_fingerprint ("sha256:<hex>" of the raw
// Ed25519 key, the call-home form), member_count, total_size, merkle_root and
// metadata, an object of documents added with [WithMetadata].
//
// The signature's payload is {"bundle_digest", "manifest_digest",
// "merkle_root", "member_count"}: blake3 digests of the two header files and
// the tree head. Its timestamp is created_at; its nonce is the first 16
// bytes of the BLAKE3 hash of "accord bundle manifest nonce\n" followed by
// bundle_digest, manifest_digest, merkle_root, member_count, the signer's key
// string and the timestamp in Unix seconds, each written as in the payload
// and ended by "\n". So two builds of the same members with the same options
// are byte-identical. testdata/vectors/small.tar is such a bundle, with its
// inputs and each intermediate value in small.json.
//
// # Trust model
//
// The verifier pins the signer's public key; nothing in the archive chooses
// the key. [Verify] trusts nothing before the signature verifies under that
// key and signs the digests of the exact bundle.json and manifest.json bytes
// read; then manifest.json, bundle.json and the signed payload must agree
// (member count, total size, Merkle root, signer). Each member is then checked
// as it streams past: its header must be canonical, its name the next one in
// the manifest, its size the signed size before its body is read, and its
// blake3 digest the signed digest when its body ends. After the last member
// only the end marker and zero padding (up to the next 10,240-byte record) may
// follow.
//
// Rejections each have their own error: [ErrNoSignature], [ErrWrongKey],
// [ErrBadSignature], [ErrDigestMismatch] and [ErrSizeMismatch] (altered),
// [ErrUnexpectedMember] (added), [ErrMissingMember], [ErrDuplicateMember],
// [ErrPathEscape], [ErrAbsolutePath], [ErrInvalidName], [ErrNotRegular]
// (links, devices, directories, FIFOs), [ErrMemberTooLarge],
// [ErrTooManyMembers], [ErrTruncated], [ErrTrailingData],
// [ErrMetadataMismatch] (manifest and bundle.json disagree) and
// [ErrMalformed] (anything not in the canonical form).
//
// The callback sees each member before the bundle as a whole is verified.
// Its reader returns io.EOF only once the member's digest has matched (a
// wrong digest comes back as an error from Read), so a member read to io.EOF
// is authentic; but members after it may still be missing or altered.
// Stage what the callback reads and commit only when Verify returns nil.
//
// # Memory
//
// Verify's memory does not grow with the number or size of members. The
// member list must travel from manifest.json, near the start of the archive,
// to the members after the signature; Verify carries it in compact records
// (about 45 bytes plus the name per member), in memory up to
// [DefaultManifestMemory] and then in a temporary file ([WithManifestSpool]),
// removed before it returns. Nothing read back from that file is trusted
// alone: as members stream past, Verify rebuilds the Merkle root from their
// names, sizes and the digests of their bytes, and compares it with the
// signed root before it returns nil. Members are never written to disk. The
// returned Manifest has no member table unless [WithMemberTable] is given;
// [ReadManifest] reads only the header members and keeps the table, for
// [Manifest.Proof].
//
// The Writer spools member bodies in memory up to [WithSpoolMemory] and then
// in one temporary file; given members in name order it spools their names,
// sizes and digests too (beside at most 1 MiB in memory), holding only the
// last name and the Merkle tree's frontier, so that its memory does not grow
// with the number of members. Out of order, it holds every member's entry,
// about 100 bytes plus the name. Its files are removed on Close or
// [Writer.Abort].
package bundle
