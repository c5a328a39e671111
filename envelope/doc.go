// Package envelope signs and verifies the messages of every accord protocol.
//
// # Wire format
//
// An envelope is one JSON object (or the same map in CBOR):
//
//	{
//	  "alg": "ed25519",
//	  "nonce": "<16 random bytes, base64url>",
//	  "payload": { ... },
//	  "sender_pubkey": "ed25519:z6Mk...",
//	  "sender_type": "metabolic",
//	  "signature": "<base64url>",
//	  "timestamp": 1767657600,
//	  "type": "cahp/discovery",
//	  "v": 1
//	}
//
// The signature covers the RFC 8785 canonical JSON of the object without
// "signature" ([SigningBytes] returns those bytes). [Seal] writes the whole
// envelope in canonical form. Binary members are unpadded base64url (RFC 4648
// §5) decoded strictly, so one envelope has one encoding. sender_type is
// optional (absent, never empty). Decoding rejects duplicate keys, numbers
// that are not I-JSON, unknown "v", unknown "alg", members other than those
// above, and trailing data.
//
// The CBOR form ([SealCBOR]) is the same map in RFC 8949 Core Deterministic
// Encoding with "nonce" and "signature" as byte strings; the signature covers
// the deterministic encoding of the map without "signature". [Verifier.Open]
// reads both forms.
//
// Member by member, for a second implementation:
//
//   - v: the integer 1 (CBOR: unsigned integer).
//   - alg: one of the four algorithm names below, exactly as written.
//   - type and sender_type: 1 to 128 (type) or 64 (sender_type) characters
//     of [A-Za-z0-9._:/+-].
//   - nonce: 16 bytes; JSON: 22 characters of unpadded base64url; CBOR: a
//     byte string.
//   - timestamp: Unix seconds, an integer from 0 to 2^53-1 (CBOR: unsigned
//     integer). A fraction or exponent is refused.
//   - sender_pubkey: the signer's key string (see "Keys and digests"); for
//     hmac-sha256, "hmac:" followed by a key id of 1 to 64 characters of
//     [A-Za-z0-9._-] that names a shared secret; for the hybrid, the Ed25519
//     and the ML-DSA-65 key strings joined by "+".
//   - payload: any JSON value, in RFC 8785 form; in CBOR any data item in
//     Core Deterministic Encoding without tags, with no simple values other
//     than false, true and null, floats in their shortest form and no NaN or
//     infinity.
//   - signature: JSON unpadded base64url, CBOR a byte string; 64 bytes
//     (Ed25519, RFC 8032 pure), 32 (HMAC-SHA256 under the shared secret), 3309
//     (ML-DSA-65, FIPS 204, empty context string; hedged or deterministic
//     signatures both verify), or 3373 for the hybrid (the Ed25519 signature
//     then the ML-DSA-65 signature, each over the same signing bytes).
//
// A JSON envelope need not arrive in canonical form: the verifier
// canonicalizes what it reads (member order, whitespace, number spelling such
// as 7.0 for 7, string escapes) and checks the signature over that, so any
// spelling of a signed envelope verifies and means the same thing; the
// duplicate and base64 rules above are what keep it to one meaning. A CBOR
// envelope must arrive in deterministic form.
//
// In CBOR the keys sort by their encoded bytes, so the map reads v, alg, type,
// nonce, payload, signature, timestamp, sender_type, sender_pubkey; heads take
// their shortest form and lengths are definite. testdata/vectors/envelopes.json
// has one JSON and one CBOR envelope per algorithm, with keys, signing bytes
// and signatures, and envelopes that must be refused with the error each must
// produce.
//
// Algorithms: [AlgEd25519]; [AlgHMACSHA256] for shared-secret group traffic
// (sender_pubkey "hmac:<key id>"); [AlgMLDSA65] (FIPS 204); and [AlgHybrid],
// whose signature is an Ed25519 signature followed by an ML-DSA-65 signature,
// both of which must verify. Signers implement [Signer]; [NewCryptoSigner]
// adapts any [crypto.Signer] (HSM, KMS).
//
// # Trust model
//
// A [Verifier] is told which types it accepts ([WithTypes]; the type is the
// domain separation between protocols) and which keys it trusts ([WithKeys],
// [WithKeyRing]). It checks, in order: shape, type, key known and valid at the
// envelope's timestamp, timestamp within its window of its clock, signature,
// and only then records the nonce in its [ReplayCache], so that a forged
// message can never make the real one look like a replay.
// [Verifier.OpenWith] runs a check of the caller's between the type and the
// key (a receiver reads the payload once there, and refuses what it would
// refuse anyway before paying for a signature check); a refusal by the check
// verifies, learns and records nothing.
//
// Keys are pinned; trust on first use is an explicit opt-in
// ([WithTrustOnFirstUse]). A rotated-out key verifies only what it signed
// before its retirement ([KeyRing.Retire]).
//
// sender_pubkey must be the canonical key string (the form [Signer.PublicKey]
// and [FormatEd25519PublicKey] write); the key ring looks it up as written, so
// another spelling of a known key is an unknown key. Stored documents
// verified long after sealing (manifests, receipts, certificates) use
// [WithoutFreshness]: no window and no replay cache.
//
// # Replay cache and restarts
//
// The [ReplayCache] remembers the (sender, nonce) pairs of accepted envelopes
// while their timestamps are inside the window; older ones fail the window
// check anyway. It is sharded (64 locks), files entries in time buckets by
// envelope timestamp so that expiry drops whole buckets, and is bounded: at
// capacity it refuses new envelopes with [ErrCacheFull] rather than forget a
// nonce (fail closed). It keeps 128-bit keyed hashes in open-addressing
// tables, about 35 bytes of heap per live nonce.
//
// The cache lives in memory. A verifier restarted with an empty cache cannot
// know which nonces its predecessor accepted, and the predecessor may have
// accepted envelopes timestamped up to one window ahead of its clock. So by
// default a new verifier refuses every envelope timestamped at or before its
// start plus its window (the start-up fence, failing with
// [ErrOutsideWindow]). The trade-off: no replay across restarts, at the cost
// of a pause of one window (60 s by default) after each start, during which
// senders must retry. Alternatives, each the caller's responsibility:
// [WithStartupFence] with a durably recorded high-water mark shortens the
// pause; a [ReplayCache] that outlives the verifier, shared through
// [WithReplayCache], makes the fence unnecessary ([WithoutStartupFence]); and
// a verifier that has no predecessor (tests, one-shot tools) may turn the
// fence off. The cache is not persisted to disk: writing each nonce durably
// before accepting it would cost an fsync per message, and a snapshot taken
// at shutdown would not cover a crash, which is when the fence is needed.
//
// [Verifier.OpenBatch] opens many envelopes on every core; its results are
// those of calling [Verifier.Open] on each.
//
// # Keys and digests
//
// Public keys are strings: "ed25519:" or "mldsa65:" followed by the did:key
// multibase form ([FormatEd25519PublicKey], [ParseEd25519PublicKey]): "z"
// then the base58btc (Bitcoin alphabet) encoding of the multicodec prefix
// and the raw key, 0xed 0x01 and 32 bytes for Ed25519, 0x91 0x24 (the varint
// of 0x1211) and the 1952-byte FIPS 204 encoding for ML-DSA-65; hex is
// accepted on input. An Ed25519 key must be the canonical encoding of a
// curve point of large order ([CheckEd25519PublicKey]): a small-order key,
// under which a signature with R the identity and S = 0 verifies for every
// message, or a non-canonical second spelling of a key is refused with
// [ErrWeakKey] by key string parsing, [KeyRing.Add] and [WithKeys], and is
// never learned on first use. [Fingerprint] gives "sha256:<hex>" of a raw key and
// [Digest] holds "blake3:" and "sha256:" content digests.
//
// # Canonical JSON
//
// [CanonicalJSON] and the JSON codec use accord's own RFC 8785 implementation
// (internal/jcs), a strict single-pass parser that canonicalizes as it
// validates, so [Verifier.Open] reads each envelope once. It passes the RFC
// 8785 reference vectors, as github.com/gowebpki/jcs does, but is more than ten
// times faster on a 256-byte payload (BENCHMARKS.md), and it refuses an
// integer such as 9007199254740993 that canonicalization would silently
// change, where gowebpki/jcs rounds it.
package envelope
