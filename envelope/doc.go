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
//
// Keys are pinned; trust on first use is an explicit opt-in
// ([WithTrustOnFirstUse]). A rotated-out key verifies only what it signed
// before its retirement ([KeyRing.Retire]).
//
// A verifier restarted with an empty replay cache cannot know which nonces
// its predecessor accepted, so by default it refuses envelopes timestamped up
// to one window after its start (the start-up fence): a pause of one window
// after each start, in exchange for no replay across restarts. A cache shared
// through [WithReplayCache] that outlives the verifier makes the fence
// unnecessary ([WithoutStartupFence]). Stored documents verified long after
// sealing use [WithoutFreshness].
//
// # Keys and digests
//
// Public keys are strings: "ed25519:" or "mldsa65:" followed by the did:key
// multibase form ([FormatEd25519PublicKey], [ParseEd25519PublicKey]); hex is
// accepted on input. [Fingerprint] gives "sha256:<hex>" of a raw key and
// [Digest] holds "blake3:" and "sha256:" content digests.
package envelope
