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
//
// Header fields, by byte offset in the 512-byte block: name 0-99 and prefix
// 345-499 (NUL-padded); mode 100-107 "0000644\x00"; uid 108-115 and gid
// 116-123 "0000000\x00"; size 124-135, eleven zero-padded octal digits and a
// NUL (so at most 8 GiB - 1 per member); mtime 136-147 "00000000000\x00";
// checksum 148-155, six zero-padded octal digits of the sum of the block's
// bytes with the checksum field counted as spaces, then NUL and a space;
// typeflag 156 '0' (or 'x' for a PAX header); linkname, uname and gname
// empty (NUL); magic 257-262 "ustar\x00" and version 263-264 "00"; devmajor
// 329-336 and devminor 337-344 "0000000\x00"; every other byte NUL. A PAX
// header has the same fields with name "././@PaxHeader", typeflag 'x' and
// the size of its one record, "<len> path=<name>\n", where <len> is the
// decimal length of the whole record including itself; its body is padded
// like a member's, and the member's own header follows with an empty prefix
// and, as name, the first 100 bytes of the path cut back to a UTF-8
// character boundary (readers take the path from the PAX record).
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
// Every line ends with "\n", the file with "]}\n"; member lines are
// separated by ",\n" (the last has no comma), size is a decimal integer
// without leading zeros, the digest's hex is lower case, and with no
// members the second line is "]}". merkle_root here and in bundle.json is
// the 32-byte tree head in padded standard base64 (RFC 4648 §4, 44
// characters).
//
// Each member line (without its comma) is the member's leaf in an RFC 6962
// Merkle tree; merkle_root is that tree's head (tree hashing from
// golang.org/x/mod/sumdb/tlog; SHA-256 of the empty string for no members),
// so a member's inclusion can be checked with tlog.CheckRecord. Member names
// pass [CheckName]: relative slash-separated UTF-8 paths of at most 1,024
// bytes without ".", ".." or empty elements, elements over 255 bytes,
// backslashes, double quotes or control characters (C0, U+0000 to U+001F;
// DEL, U+007F; and C1, U+0080 to U+009F), so a line needs no JSON
// escaping and every member can be extracted by standard tools.
//
// bundle.json is indented JSON: v, issuer, created_at (RFC 3339 UTC),
// signer (the key string), signer_fingerprint ("sha256:<hex>" of the raw
// Ed25519 key, the call-home form), member_count, total_size, merkle_root and
// metadata, an object of documents added with [WithMetadata]. Its exact
// bytes are those of Go's encoding/json MarshalIndent with an empty prefix
// and two-space indent, then "\n": members in the order just listed, one per
// line; issuer, created_at, signer_fingerprint and metadata left out when
// empty; v is 1; created_at with as many fractional digits as it has (none
// for whole seconds); metadata's keys sorted byte-wise and each document
// re-indented to its depth; strings escaped as encoding/json does (<, >
// and & as \u003c, \u003e, \u0026). A reader must not re-encode it: the
// signature covers the bytes as they are (bundle_digest), and the reader
// refuses a bundle.json that is not in this form.
//
// The signature's payload is {"bundle_digest", "manifest_digest",
// "merkle_root", "member_count"}: blake3 digests of the two header files
// ("blake3:" and 64 lower-case hex digits) and the tree head.
// manifest.sig is always a JSON envelope: the same payload in a CBOR
// envelope, even signed by the right key, is refused ([ErrBadSignature]).
// Its timestamp is created_at; its nonce is the first 16
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
