// Package cahp implements the Cross-Architecture Handshake Protocol (CAHP)
// v1.1: two agents of different kinds establish a verified session in five
// phases. A metabolic agent ([KindMetabolic]) proves itself by destroying
// value on a chain (a burn bound to the session); an open-weight agent
// ([KindOpenWeight]) proves itself by committing to its model's weights and
// opening chunks of them on request. Both answer a challenge, both derive the
// same session key from ephemeral X25519 keys and the whole transcript, and
// the responder ends the handshake with a signed session ticket.
//
// Every check is made: a responder issues a ticket only after it verified,
// in this order, each message's envelope, the initiator's proof against its
// policy, the solved hashcash, the opened chunks, the initiator's key
// confirmation and, last, the burn on its chain.
//
// # Roles and messages
//
// The [Initiator] opens a session with a [Responder]. Each side is of one
// kind, given by its proof ([WithBurner] or [WithWeights]). Nine messages
// make a handshake (I: initiator, R: responder); each is an envelope (see
// below) whose type names its phase:
//
//	m1 I→R cahp/discovery  session_id, capabilities wanted, I's parameters
//	m2 R→I cahp/discovery  capabilities offered, R's parameters
//	m3 I→R cahp/proof      I's proof (of I's kind)
//	m4 R→I cahp/proof      R's proof (of R's kind)
//	m5 I→R cahp/challenge  I's challenge to R: difficulty 0, spot checks
//	m6 R→I cahp/challenge  R's challenge to I: hashcash, spot checks
//	m7 R→I cahp/response   R's answer to m5, R's key confirmation
//	m8 I→R cahp/response   I's answer to m6, I's key confirmation
//	m9 R→I cahp/ticket     the session ticket
//
// Both sides prove their kind (phase 2 is an exchange) and each verifies
// the other's proof before the ticket. The initiator answers the hashcash:
// it is the party asking to be let in, and the responder does no work
// (its challenge to the responder has difficulty 0, and a responder refuses
// any other) for a peer it has not accepted. The initiator verifies the
// responder completely (proof, openings, key confirmation, burn) before it
// spends the work. The proofs of phase 2 cross: a metabolic initiator burns
// before it sees the responder's proof, which is one reason the responder's
// key must be pinned (a stranger cannot make it burn), and a metabolic
// responder burns inside the proof request, so its HTTP server's write
// timeout must cover the burn's confirmations.
//
// Either side may end a session with cahp/abort (session_id, reason). Any
// refused message ends the session on both sides: the responder drops it,
// the initiator sends an abort and returns a [*RefusalError]. A message that
// does not verify as the session's peer's (a bad signature, an unpinned key,
// a stale or replayed envelope, another sender) is refused without touching
// the session, or anyone could end sessions with garbage.
//
// # Envelope
//
// Every message is an envelope of the [envelope] package, JSON form:
//
//	{"alg":"ed25519","nonce":"<16 bytes b64url>","payload":{...},
//	 "sender_pubkey":"ed25519:z6Mk...","sender_type":"metabolic",
//	 "signature":"<64 bytes b64url>","timestamp":1767657600,
//	 "type":"cahp/discovery","v":1}
//
// The signature is Ed25519 over the RFC 8785 canonical JSON of the object
// without "signature". Keys are written "ed25519:" and the did:key multibase
// form ("z6Mk..."), binary members in unpadded base64url (RFC 4648 §5): the
// protocol's first description wrote hex for keys, signatures and byte
// strings, and hex is still accepted on input wherever a fixed-size byte
// string is expected (2n hex digits for n bytes; the lengths never collide
// with base64url). sender_type is the sender's kind and is required. The
// timestamp must be within ±60 s of the receiver's clock, and the nonce is
// recorded in the receiver's replay cache only after the signature verified,
// so a forged message carrying a real message's nonce cannot get the real
// one refused as a replay. Only JSON envelopes are accepted.
//
// # Payloads
//
// Payload members are exactly those listed; unknown, duplicated or missing
// members are refused. Session ids are 16 random bytes chosen by the
// initiator, base64url. Capabilities are at most 32 distinct names of 1 to
// 64 characters of [a-z0-9._:/-]. Digests are "<alg>:<64 lowercase hex>".
//
// Discovery ([Discovery]):
//
//	{"session_id":"...","capabilities":["chat"],
//	 "parameters":{"version":"cahp/1.1","kex":"x25519",
//	   "kex_pubkey":"<32 bytes>","challenge_nonce":"<32 bytes>",
//	   "max_difficulty":26}}
//
// kex_pubkey is the sender's ephemeral X25519 key. challenge_nonce is the
// nonce the peer's weight commitment must bind: the discovery reply carries
// the responder's, which the initiator's session_nonce_commitment binds, and
// the other way round. max_difficulty is, from the initiator, the most work
// it will do and, from the responder, the difficulty it will ask. The
// responder's capabilities are those of the initiator's it may grant.
//
// Proof ([Proof]), metabolic:
//
//	{"session_id":"...","proof_type":"burn_tx","chain":"eip155:1",
//	 "tx_hash":"0x<64 hex>","burn_amount_sats":"1000000000000000",
//	 "session_binding":"<32 bytes>"}
//
// chain is a CAIP-2 chain id, so the unit of burn_amount_sats is explicit:
// it is a decimal integer string in the chain's smallest unit (wei on
// eip155:*, satoshi on bip122:*). session_binding is [BurnBinding]:
// SHA-256("accord-cahp-v1 burn-binding" || 0x00 || role || 0x00 || TH(2)),
// role "initiator" or "responder" (the prover's), TH(2) the transcript hash
// after both discovery messages. On eip155 chains the burn is a successful
// transaction paying at least the amount to [BurnAddress] with exactly the
// 32 binding bytes as calldata, with at least the policy's confirmations.
//
// Proof, open-weight:
//
//	{"session_id":"...","proof_type":"weight_commitment",
//	 "merkle_root":"blake3:<hex>","session_nonce_commitment":"blake3:<hex>",
//	 "leaf_count":16385,"chunk_size":65536}
//
// session_nonce_commitment is [NonceCommitment]: BLAKE3("accord-cahp-v1
// session-nonce-commitment" || 0x00 || root || peer's challenge_nonce ||
// session id bytes). leaf_count and chunk_size describe the tree (below).
//
// Challenge ([Challenge]):
//
//	{"session_id":"...","challenge_type":"hashcash","prefix":"<16-64 bytes>",
//	 "difficulty":20,"target":"00000fff...ff","expiry":1767657660,
//	 "spot_checks":[3,17,40]}
//
// Response ([Response]):
//
//	{"session_id":"...","nonce":123456,"hash":"sha256:<hex>",
//	 "runtime_sec":0.042,"openings":[{"index":3,"chunk":"<bytes>",
//	 "proof":["<32 bytes>",...]}],"key_confirmation":"<32 bytes>"}
//
// Ticket ([TicketPayload]):
//
//	{"session_id":"...","capabilities":["chat"],"expiry":1767661200,
//	 "trust_score":75,"subject":"ed25519:z6Mk...","subject_type":"metabolic",
//	 "transcript":"sha256:<hex>"}
//
// # Hashcash
//
// The hash is SHA-256 of u16be(len(prefix)) || prefix || u16be(16) ||
// session id bytes || u64be(nonce). A response meets difficulty d when the
// hash starts with d zero bits; equivalently, read as a big-endian number,
// it does not exceed target = 2^(256-d) - 1, which the challenge writes as 64
// lowercase hex digits and which must be consistent with difficulty.
// nonce is 0 to 2^53-1, and hash repeats the hash so that a mistake is
// caught before the one hash of verification. runtime_sec is the solver's
// wall time in seconds, informative only (never trusted). Difficulty is at
// most [MaxDifficulty] (32 bits, minutes on one core), and an initiator
// refuses more than its own limit ([WithMaxDifficulty], default
// [DefaultMaxDifficulty]). expiry is a Unix second: the challenger refuses
// a response that reaches it later than that second (one within it is
// accepted), and the solver does not start on a challenge once its clock
// has reached it.
// [SolveHashcash] uses every core and stops when its context is done.
//
// # Weight commitment
//
// [CommitWeights] commits to a directory of weight files. The tree is an
// RFC 6962 Merkle tree with BLAKE3: leaf hash BLAKE3(0x00 || data), node hash
// BLAKE3(0x01 || left || right), split at the largest power of two below the
// size. Leaf 0 is the listing: "accord-cahp-weights-v1" || u64be(chunk size)
// || u64be(file count) || for each file: u32be(len(path)) || path ||
// u64be(length), files in byte order of their slash-separated relative
// paths. Leaves 1.. are the files' chunks in that order: each file is cut
// into chunk-size pieces (its last one shorter; an empty file has none), and
// chunk i is leaf i+1. Chunk size is a power of two from 1 KiB to 1 MiB
// (default 64 KiB). The root is the model's identity: a policy lists the
// roots it accepts ([Policy].ModelRoots).
//
// After seeing a commitment, the challenger asks for k distinct chunks
// ([SpotChecks]; k is the policy's SpotChecks, default 8, at most 64, 0 to
// disable; every chunk when there are at most k): always the last chunk,
// leaf_count-2, and k-1 others chosen uniformly at random, in ascending
// order; spot_checks and an opening's index count chunks from 0, so chunk i
// is opened as leaf i+1 and every index is below leaf_count-1. The last
// chunk is asked because the root is pinned but leaf_count is the prover's
// claim: a prover that understates it (2^j+1 leaves of a larger tree, say)
// can pass a subtree it does not hold as its claimed last leaf, and the
// opening of that leaf is what fails. The prover answers with each chunk
// and its RFC 6962 inclusion proof (sibling hashes, leaf to root), in the
// same order, and the challenger checks them against the committed root and
// leaf_count ([VerifyOpening]). A prover missing a fraction f of the chunks
// passes with probability about (1-f)^(k-1). What a verifier learns about the
// weights: the root, the number of chunks and the chunk size, and the bytes
// of at most k chunks per handshake; nothing about file names, and about
// file sizes only that an opened chunk shorter than the chunk size ends a
// file (the listing, leaf 0, is never opened). The session_nonce_commitment ties
// the claim to the session but, the root being public, proves possession
// only through the spot checks.
//
// Memory is bounded whatever the size: a commit reads with one buffer of at
// most 1 MiB per worker, and a [Weights] keeps at most 2 MiB of subtree
// hashes, re-reading the files to open chunks (a file changed since the
// commitment is detected and refused).
//
// # Session key
//
// Both sides hash every message's signing bytes (the canonical envelope
// without its signature) into the transcript: TH(n) = SHA-256 of
// "accord-cahp-v1 transcript" || 0x00 || for each of m1..mn: u32be(length)
// || signing bytes. With S the X25519 shared secret of the two ephemeral
// keys (an all-zero secret is refused):
//
//	k_R  = HKDF-SHA256(ikm S, salt TH(6), info "accord-cahp-v1 responder confirmation", 32)
//	k_I  = HKDF-SHA256(ikm S, salt TH(6), info "accord-cahp-v1 initiator confirmation", 32)
//	m7.key_confirmation = HMAC-SHA256(k_R, TH(6))
//	m8.key_confirmation = HMAC-SHA256(k_I, TH(7))
//	session key = HKDF-SHA256(ikm S, salt TH(9), info "accord-cahp-v1 session key", 32)
//
// The ticket carries TH(8) ("transcript"), never a secret.
//
// # Tickets and trust
//
// The signed m9 envelope is the session ticket. [VerifyTicket] checks it with
// an injected clock: signature, issuer pinned and valid both at issue and
// now, subject pinned and valid now, issuer not the subject, not expired,
// lifetime at most [MaxTicketLifetime] (24 h; default
// [DefaultTicketLifetime], 1 h), session and capabilities. When a pinned
// key is rotated out or removed, every ticket issued by or for it fails
// with a [*TicketError] matching [ErrKeyRevoked], and a new handshake is
// needed.
//
// Static keys are pinned or allow-listed ([WithPeers]): a self-asserted key
// alone never earns a ticket. trust_score is an integer from 0 to 100; a
// ticket is issued only to a peer that met the policy, whose score is 50
// at the policy minimum and rises linearly to 100: for a burn, at twice the
// chain's minimum burn; for weights, with the number of chunks opened over
// the number the policy asks of a model that size, min(SpotChecks, chunks)
// (50 when that is 0). In integers, rounding down: a burn of amount a on a
// chain of minimum m scores min(100, 50 + 50*(a-m)/m); o chunks opened of q
// asked score 50 + 50*min(o, q)/q.
//
// # Policy and symmetric cost
//
// [Policy] holds, with its defaults ([DefaultPolicy]): accepted chains and
// their minimum burn (in the chain's smallest unit) and confirmations
// (default 12): none by default, so metabolic peers are refused until a
// chain and its [BurnVerifier] are configured; accepted model roots: none by
// default; spot checks (8); challenge difficulty (20 bits) and expiry (60 s);
// session time limit (10 min, which a metabolic peer's burn must confirm
// within); capabilities granted; ticket lifetime (1 h).
//
// The protocol aims at symmetric cost: creating an identity should cost the
// same whatever the kind. Both kinds answer the same hashcash, so the
// marginal cost of a handshake is equal. The identity cost differs in
// nature: a metabolic agent destroys the minimum burn in every handshake;
// an open-weight agent must hold and read the whole model (spot checks make
// partial copies fail) and hash it once per commitment. A deployment keeps
// them comparable by setting each chain's minimum burn near the cost of
// obtaining, storing and serving an allowed model for a session, and by
// listing only models whose size makes that cost real; the policy makes both
// numbers explicit, and trust_score reports how far a peer exceeded them.
//
// # Replay and restarts
//
// Each side's verifier keeps a replay cache for the envelope window. The
// envelope package's start-up fence (refusing a window's worth of envelopes
// after a restart) is off: every message after discovery is bound to fresh
// random values of both sides (the responder's ephemeral key and challenge
// nonce enter TH(2), which the burn binding and nonce commitment bind, and
// the key confirmations cover the transcript), so a message a previous
// process accepted cannot complete a session opened after the restart. A
// discovery replayed after a restart opens a session that goes nowhere and
// expires (pinned senders only, within the window, bounded by
// [WithMaxSessions]).
//
// # HTTP transport
//
// [Responder.Handler] serves, and [NewHTTPTransport] calls:
//
//	POST {base}/cahp/v1/sessions/{session_id}/{phase}
//	Content-Type: application/json
//
// phase is discovery, proof, challenge, response or abort; session_id is the
// session's id (base64url, so safe in a path). The body is a JSON array of
// envelopes, each as the sender sealed it: [m1] to discovery, [m3] to proof,
// [m5] to challenge, [m8] to response, [abort] to abort. A 200 answer is
// application/json, a JSON array of envelopes: [m2], [m4], [m6, m7], [m9],
// and [] for abort. Bodies are at most 16 MiB. A refusal is a 4xx with body
// {"error": "<message>", "code": "<code>"}:
//
//	400 malformed, stale          404 unknown_session, not_found
//	401 bad_signature             409 out_of_order, wrong_session, replay
//	403 unknown_key, wrong_sender, unsolved, wrong_challenge, difficulty,
//	    weight_root, spot_check, burn_too_small, burn_unconfirmed,
//	    burn_binding, burn, policy, key_confirmation, refused
//	410 expired, aborted          413 too_large
//	415 unsupported_media_type    429 busy
//
// [NewMemoryTransport] runs the same exchange in process, for tests.
// testdata/transcript.json holds a whole handshake as its HTTP requests and
// answers.
package cahp

// maxBody is the largest message or HTTP body the package reads.
const maxBody = 16 << 20
