// Package chp implements the Call-Home Protocol (CHP v1) with its Sandbox
// Extension for air-gapped networks: instances call home to a Local
// Registry inside the enclave, the registry signs ACKs and keeps a durable
// Merkle log, exports signed provenance bundles that cross the air gap by
// hand, and a Global Registry imports them and answers with a signed
// coherence receipt that the enclave verifies offline.
//
//	Instance ──HTTP──▶ LocalRegistry ──provenance_bundle.tar──▶ GlobalRegistry
//	         ◀─signed ACK─┘        ◀──────coherence_receipt.json──────┘
//
// # Wire format
//
// Heartbeats and ACKs are exactly the packets of the CHP v1 JSON Schema
// ([SchemaJSON], draft 2020-12), validated with formats asserted. Every
// received heartbeat is read once, by the module's one strict JSON reader
// (member names unescaped and matched exactly, so "\u0070ayload" is the
// member payload; duplicate names refused anywhere; I-JSON strings and
// numbers; no trailing data; nesting at most 32 deep, counted from the
// body), and validated against the schema's heartbeatPacket; its
// canonical form and digest come from the same reading. A sealed
// heartbeat's body is read once by the envelope verifier, and the
// canonical payload it yields once by that reader, before the seal is
// checked; a body either of them does not take is refused with the codes
// below in the order a whole-body reading gives (JSON errors anywhere in
// the body first, then the envelope's, then the schema's). The Global Registry reads the records of a bundle
// with the same reader, so both registries see the same members; a sandboxed heartbeat carries meta.sandbox: true and
// meta.registry_fingerprint "sha256:<hex>" (the registry's key
// fingerprint; a heartbeat naming another registry is refused).
//
// A heartbeat is posted either plain (an existing chp-v1 client; accepted
// when the registry allows unsigned heartbeats, see [WithAllowUnsigned])
// or sealed: an envelope of type [HeartbeatType] whose payload is the
// heartbeat, signed by the instance's Ed25519 key.
//
// Every ACK validates against the schema's acknowledgementPacket (which
// allows no other members): ack_id is a UUIDv7, instance_ref is the
// heartbeat's instance_id in canonical lower case, and registry_signature
// is
//
//	"ed25519:" + base64url(Ed25519(registry key, signed bytes))   (unpadded, RFC 4648 §5)
//
// where the signed bytes are the RFC 8785 (JCS) canonical form of the ACK
// object without registry_signature and with one member added that is
// never sent:
//
//	"heartbeat_digest": "sha256:" + hex(SHA-256(RFC 8785 form of the heartbeat))
//
// The heartbeat is the chp-v1 heartbeat object the ACK answers (for a
// sealed heartbeat, the envelope's payload). The instance, which knows its
// heartbeat, recomputes the digest, so an ACK verifies for the heartbeat
// it answers and for no other: an ACK captured on the path cannot
// acknowledge, or refuse, a different heartbeat. For example (the first
// vector of testdata/vectors/ack.json, registry key
// ed25519:z6MkjchhfUsD6mmvni8mCdXHw216Xrm9bQe2mBH1P5RDjVJG), the signed
// bytes
//
//	{"ack_id":"01a20000-0000-7000-8000-000000000001","heartbeat_digest":
//	 "sha256:f0ec946ab7de64db629c7f7a4ab040dd86426283ca53c6ebe89afc4809cde401",
//	 "instance_ref":"3ec2f1e0-2d31-4594-8d7b-8b9d8b2f2a11","packet":"ack",
//	 "received":"2025-11-04T08:45:01Z","status":"verified"}
//
// (one line, no spaces) give the ACK sent
//
//	{"ack_id":"01a20000-0000-7000-8000-000000000001","instance_ref":"3ec2f1e0-2d31-4594-8d7b-8b9d8b2f2a11",
//	 "packet":"ack","received":"2025-11-04T08:45:01Z","registry_signature":
//	 "ed25519:PAFwHtrax_xJJYui55LeF0SM043qUtuaYmyJtJMoVcaeVVNe7PZ4prj4HA7n9qXM66LzhgpVlz4hlVtLdJzrBw",
//	 "status":"verified"}
//
// ([SignAck], [VerifyAck], [HeartbeatDigest]). The ACK is sent in
// canonical form itself. An [Instance] also refuses an ACK whose received
// time is older than [Config.AckMaxAge] (default [DefaultAckMaxAge]).
//
// The Registry Admission Certificate ([AdmissionCert]) has CHP v1's
// fields and a detached signature of the same form by the GR root key.
// A coherence receipt ([Receipt]) is an envelope of type [ReceiptType]
// sealed by the GR root key.
//
// # Local Registry
//
// [LocalRegistry] is an [net/http.Handler]:
//
//	POST /registry/heartbeat      validate, log durably, answer the signed ACK
//	GET  /registry/info           name, public_key, fingerprint, admission_cert, schema, checkpoint, ... ([Info])
//	GET  /registry/checkpoint     the log's signed checkpoint (C2SP signed note)
//	GET  /registry/proof/{ack_id} that ACK's record beside its C2SP tlog-proof ([RecordProof])
//	GET  /registry/consistency?old=N&new=M  RFC 6962 consistency proof ([ConsistencyProof])
//	GET  /hud/status.json         state, colour, fingerprint, counts ([HUDStatus])
//
// Each accepted heartbeat becomes one record of an RFC 6962 Merkle log
// (see [Record]: the heartbeat as posted and the ACK as sent), durable
// before the ACK is written. A heartbeat whose canonical form was logged
// before is answered with its original ACK and not logged again, so
// instances may resend. Refused input gets a JSON body
// {"error": "...", "code": "..."}, is logged, and is never appended. Once
// the heartbeat could be read, the body also carries, under "ack", a
// signed "rejected" ACK bound to that heartbeat, but only if the registry
// authenticated the body (a sealed heartbeat whose seal verified) or would
// have taken it unauthenticated anyway (a plain heartbeat where plain
// heartbeats are allowed and its instance is not pinned); other refusals
// are unsigned, so that no caller can obtain a signed refusal naming an
// instance it does not control.
//
// # Error codes
//
// Every 4xx and 5xx answer of a registry's handlers has the body
// {"error": "<message>", "code": "<code>"}. The codes, with the status each
// comes with (a test keeps this table and the code in step):
//
//	POST /registry/heartbeat
//	415 unsupported_media_type  Content-Type is not application/json (also on the admin endpoints)
//	400 read_failed             the body could not be read
//	400 empty_body              no body
//	413 too_large               body over 64 KiB
//	400 invalid_json            not one JSON object (syntax, trailing data, nesting, not I-JSON)
//	400 duplicate_key           an object repeats a member name (compared after unescaping)
//	422 schema_violation        fails chp-v1.json (extra or missing members, types, UUID, hash, status, date-time)
//	422 timestamp_future        timestamp ahead of the registry clock by more than the skew (5 min)
//	422 timestamp_stale         timestamp older than the maximum age (7 days; queued heartbeats arrive late)
//	422 wrong_registry          meta.registry_fingerprint names another registry
//	422 meta_refused            a meta member off the allowlist, a meta object over the size limit, or a malformed meta.late_heartbeats (the message names the member)
//	401 signature_required      plain heartbeat where policy, or a pinned instance key, requires a seal
//	401 bad_signature           the envelope's signature does not verify
//	401 outside_window          the envelope's timestamp is outside ±60 s of the registry clock
//	401 bad_key                 the envelope's sender_pubkey is not a canonical key string, or not valid at its timestamp
//	403 key_mismatch            sealed by a key other than the one pinned for that instance_id
//	409 replay                  an envelope (key, nonce) accepted before, also across restarts
//	409 in_progress             the same heartbeat is being logged by a concurrent request (retry)
//	400 wrong_type              an envelope of a type other than chp/heartbeat
//	400 malformed_envelope      an object with payload or signature that is not a valid envelope
//	400 unsupported_key         sealed with an algorithm other than ed25519
//	503 log_unavailable         the record could not be stored; nothing was acknowledged (retry)
//
//	GET /registry/proof/{ack_id}, /registry/consistency, /registry/info, /registry/checkpoint, any path
//	400 bad_ack_id              the path's ack_id is not a UUID
//	400 bad_range               old or new is not a decimal, old > new, or new beyond the log's size
//	404 not_found               no record with that ack_id, or no such endpoint
//	405 method_not_allowed      a known path with another method
//	503 log_unavailable         no checkpoint or proof could be made (retry)
//	500 internal                an answer could not be encoded (any endpoint; a bug)
//
//	Global Registry ledger ([GlobalRegistry.LedgerHandler]; GET and HEAD only)
//	400 bad_lr                  lr is not a registry fingerprint
//	400 bad_range               index, old or new is not a decimal, old > new, or new beyond the ledger's size
//	404 not_found               no ledger record of that registry and index, no such receipt, tile or endpoint
//	405 method_not_allowed      any method but GET and HEAD
//	503 unavailable             the receipts could not be read
//	503 log_unavailable         no checkpoint or proof could be made (retry)
//
//	admin endpoints ([LocalRegistry.AdminHandler])
//	400 bad_range               from or to is not a decimal number
//	400 export_failed           the range cannot be exported (see the message)
//	500 export_failed           the bundle could not be spooled or read back
//	400 admission_refused       the certificate does not parse or verify
//	400 receipt_refused         the receipt does not verify or is not about this registry
//	404 not_pinned              POST /admin/unpin: the instance has no pinned key
//	400 unpin_refused           POST /admin/unpin: the body, instance_id or reason is not acceptable
//	400 revocation_refused      POST /admin/revocation: the revocation does not parse, verify with the root key, or name this registry
//	400 root_rotation_refused   POST /admin/root-rotation: a record does not parse, verify or chain from a trusted root
//	500 quarantine_unreadable   the quarantine files could not be read
//
// # Trust model
//
// Instances trust a Local Registry only if its key is the one configured
// (CHP_REGISTRY_PUBKEY) and it presents an admission certificate that
// verifies against the Global Registry root key, which instances receive
// out of band (or a root that key handed over to by rotation records; see
// Key lifecycle). The registry pins each instance's key at its first sealed
// heartbeat (trust on first use per instance_id, persisted in the log
// itself) and refuses other keys, and plain heartbeats, for that instance
// afterwards. An instance_id is pinned, indexed and compared in its
// canonical form, lower case (RFC 9562): the same UUID written in upper
// case is the same instance, in the Local and the Global Registry alike.
// The registry keeps in memory only the keys of heartbeats it accepted: a
// refused heartbeat, even one whose seal verified, leaves no key behind.
//
// The JSON endpoints (the heartbeat and the admin endpoints) accept only
// Content-Type application/json and answer 415 otherwise: a web page can
// send text/plain or form bodies to any origin without a CORS preflight,
// but not application/json, so a page in a browser on the registry's
// machine cannot write to its log or pin instance keys. Plain heartbeats are authenticated by nothing; their ACKs
// say "queued" rather than "verified".
//
// An [Instance] keeps every heartbeat in a local append-only log before
// sending it and follows the protocol's failure modes: unreachable → quiet
// (bounded retries with exponential back-off and jitter; the queue is sent
// in order later), refused shape → review, key or certificate mismatch →
// repairing. A refusal moves the queue past a heartbeat only when the
// registry signed it for that heartbeat.
//
// # Metadata policy
//
// Only heartbeat metadata may leave the enclave, and a registry exports
// what it logs verbatim, so a [LocalRegistry] checks meta when a heartbeat
// arrives: every member must be on its allowlist and the meta object's
// RFC 8785 form at most its size limit; otherwise the heartbeat is refused
// (422 meta_refused, the message naming the member, for example
// "meta.user_email", or "meta" for the size) and nothing is logged. The
// default allowlist is chp-v1's client, hostname and os
// ([DefaultMetaMembers]) plus the members this package defines (sandbox,
// registry_fingerprint, late_heartbeats), which are always allowed; the
// default limit is [DefaultMetaMaxBytes] (1024) bytes. [WithMetaAllowlist]
// and [WithMetaMaxBytes] change them (chp-registry -meta-allow,
// -meta-max-bytes).
//
// # Compatibility mode
//
// By default a Local Registry refuses plain chp-v1 heartbeats (401
// signature_required, unsigned, nothing logged): every logged heartbeat is
// sealed by its instance's key. For existing chp-v1 clients that cannot
// seal, one switch, [WithAllowUnsigned] (chp-registry -allow-unsigned,
// CHP_ALLOW_UNSIGNED=true), makes the registry take plain heartbeats, with
// these consequences:
//
//   - their ACKs say "queued", never "verified": the registry vouches that
//     it logged the bytes it received, not who sent them; anyone who can
//     reach the endpoint can log a heartbeat under any instance_id that has
//     never sealed one;
//   - an instance_id that has sealed a heartbeat once is pinned to its key,
//     and plain heartbeats for it are refused even in this mode;
//   - a refusal of a plain heartbeat is signed (a "rejected" ACK bound to it)
//     only for an unpinned instance, so that compatibility clients can move
//     past a heartbeat the registry will never take;
//   - the records keep their "queued" ACK through export and import: the
//     Global Registry's ledger and receipts count them, and a reader of the
//     ledger tells them from sealed ones by that status.
//
// [Info] reports the mode as allow_unsigned.
//
// # Quarantine
//
// A Local Registry keeps the heartbeats it refuses (with a read body, or
// too large to read) in a bounded quarantine the operator lists
// ([LocalRegistry.Quarantine], GET /admin/quarantine, chp-registry
// -quarantine): the latest [DefaultQuarantine] (see [WithQuarantine]),
// each a [QuarantineEntry] line of the JSON-lines files
// quarantine/previous.jsonl and quarantine/current.jsonl in its directory.
// Quarantined bodies are never logged, exported or acknowledged.
//
// # Outage recovery
//
// A registry takes heartbeats up to a maximum age ([WithMaxAge], default
// [DefaultMaxAge], chp-registry -max-age) and states it in GET
// /registry/info as max_age_seconds. After a long outage an [Instance]'s
// queue can hold heartbeats older than that. The policy, applied in one
// [Instance.Flush]: queued heartbeats older than the limit (the smaller of
// [Config.MaxAge] and the registry's) are set aside, not sent: appended
// durably to the instance's set-aside file and skipped in the queue; so is
// a heartbeat the registry refuses as timestamp_stale in a refusal it
// signed. Then the instance queues and sends one note heartbeat, a
// heartbeat like the others whose meta.late_heartbeats is a [LateNote]:
//
//	"late_heartbeats": {"count": 10000, "first_index": 0,
//	  "oldest": "2026-11-08T00:01:00Z", "newest": "2026-11-15T03:43:53Z",
//	  "digest": "sha256:<hex>"}
//
// count (an integer, at least 1) heartbeats were set aside as lines
// first_index.. first_index+count-1 (0-based) of the set-aside file;
// oldest and newest are their earliest and latest timestamps; digest is
// "sha256:" and the lower-case hex SHA-256 of those lines, each with its
// newline. The note members are exactly these; a registry refuses a
// malformed note (meta_refused). The registry logs the note heartbeat,
// so the batch is on the record and, after export, in the Global
// Registry's ledger. The set-aside file ([Instance.ExportSetAside],
// chp-instance -export-set-aside) has one line per heartbeat:
//
//	{"queue_index":<index in the instance's queue>,"heartbeat":<the heartbeat as queued>}
//
// (a [SetAside]); [CheckLateNote] checks an exported file against a note.
// No heartbeat is silently lost: each is in the registry's log or in the
// set-aside file under a logged note. A crash while setting aside writes
// no line twice (lines name their queue index) and may send a note again,
// never lose one.
//
// # Instance status file
//
// With [Config.StatusFile] set (chp-instance -status-file), an instance
// replaces that file atomically after every flush with an
// [InstanceStatus], for a HUD: one line, a JSON object and a newline, with
// exactly these members in this order (testdata/vectors/instance_status.json
// holds examples):
//
//	{"instance_id":"<lower-case uuid>","state":"coherent","color":"#38BDF8",
//	 "registry_fingerprint":"sha256:<hex>","fingerprint_short":"<12 hex>",
//	 "pending":0,"set_aside":0,"last_ack_id":"<uuid>","updated":"2025-11-04T08:45:01Z"}
//
// state is one of the five statuses and color its HUD colour
// ([Status.Color]): coherent #38BDF8, review #EAB308, repairing #F97316,
// quiet #9CA3AF, failed #EF4444. registry_fingerprint is "sha256:" and
// the lower-case hex SHA-256 of the raw registry key the instance trusts
// now (the configured key, or the last it learned from the registry's key
// rotations), fingerprint_short its first 12 hex digits; pending counts
// the heartbeats queued and not acknowledged, set_aside the lines of the
// set-aside file (both integers, at least 0); last_ack_id is the ack_id of
// the last ACK the instance verified, absent before the first; updated is
// the instance's clock when the file was written, RFC 3339 UTC in whole
// seconds. A reader should ignore members it does not know.
//
// # Air gap
//
// [LocalRegistry.Export] writes provenance_bundle.tar with the bundle
// package: bundle.json (with an [ExportInfo]: the registry's key, RAC,
// signed checkpoint at the range's end, and the compact Merkle tree at its
// start), manifest.json, signatures/manifest.sig, then
// acks/NNNNNNNNN/NNNNNNNNNNNN.json and heartbeats/NNNNNNNNN/NNNNNNNNNNNN.json
// per log record. Exports are incremental; exporting a range again writes
// the same bytes.
//
// [GlobalRegistry.Import] checks that the RAC is one it issued for the
// signing key, valid when the bundle was made and at the Global Registry's
// own clock (a bundle made in time may arrive up to [DefaultImportGrace]
// after the RAC expired, see [WithImportGrace]; created_at alone is the
// exporter's word), the bundle signature and every member, and that the records
// rebuild the signed checkpoint's root from the starting tree and agree
// with the tree imported before from that registry (a fork is refused, so
// is a gap). Records already imported count as duplicates. New records are
// appended to the global ledger (a Merkle log signed with the root key),
// and the signed receipt states the counts, the bundle's Merkle root, the
// registry's root and the ledger checkpoint. The ledger append is durable
// before the Global Registry's state file is written; if the process dies
// in between, the next open finds the appended records in the ledger and
// writes them into the state before anything else, so importing the same
// bundle again appends nothing twice. Back in the enclave,
// [LocalRegistry.PinReceipt] verifies it with the root key alone, checks
// that it states the registry's own root, and keeps it for audit. The
// Global Registry never connects to the enclave.
//
// # The Global Registry as a public ledger
//
// [GlobalRegistry.LedgerHandler] is the Global Registry's read-only public
// interface (registry-import -serve): anyone holding the GR root key can
// check what it imported without trusting the server.
//
//	GET /ledger/checkpoint                  the ledger's signed checkpoint (text/plain; charset=utf-8)
//	GET /ledger/tile/<L>/<N>[.p/<W>]        c2sp.org/tlog-tiles hash tiles of the ledger
//	GET /ledger/tile/entries/<N>[.p/<W>]    entry bundles: the ledger records
//	GET /ledger/proof?lr=<fp>&index=<n>     [LedgerProof]: record n of Local Registry fp, with its tlog-proof
//	GET /ledger/consistency?old=N&new=M     [ConsistencyProof] between two ledger sizes (new: default the size)
//	GET /ledger/registries                  JSON array of [AdmittedRegistry]: fingerprint, public_key, racs, imported, root, revocations
//	GET /ledger/receipts                    JSON array of the [Receipt] payloads issued, oldest first
//	GET /ledger/receipts/{receipt_id}       that receipt as issued (coherence_receipt.json)
//	GET /ledger/revocations                 JSON array of {"index":<ledger index>,"revocation":<[Revocation]>}, ledger order
//
// The tiles are those of package internal/tiles: tile height 8, served up
// to the last checkpoint the ledger signed (each import signs one; GET
// /ledger/checkpoint signs one when the ledger grew). A ledger record of
// more than 65535 bytes cannot be carried in an entry bundle (501
// entry_too_large); /ledger/proof serves every record. A [LedgerProof] is
// the JSON object
//
//	{"lr_fingerprint":"sha256:<hex>","lr_index":<n>,"record":"<base64 ledger record>",
//	 "proof":"c2sp.org/tlog-proof@v1\nindex <ledger index>\n<base64 hashes>...\n\n<signed ledger checkpoint>"}
//
// and verifies ([LedgerProof.Verify]) with the root key alone: the
// checkpoint's signature under the ledger's origin, the inclusion proof
// from the record (leaf hash of record) to the checkpoint's root, and the
// record's header naming lr_fingerprint and lr_index. The record inside
// (the Local Registry's [Record]) carries the ACK that Local Registry
// signed, checked with [VerifyAck] and the public_key the registries list
// gives. The registries list is the Global Registry's word, not proven by
// the ledger; its certificates verify with the root key.
//
// # Wire reference
//
// What a second implementation needs beyond the sections above. Vectors
// for the ACK, the admission certificate and the coherence receipt, with
// their signed bytes, are in testdata/vectors (see its README).
//
// The chp-v1 schema is the file chp-v1.json in this package's directory
// ([SchemaJSON] returns its bytes; its $id, [SchemaID], is that file's
// address in the module's repository); its full text closes this
// documentation (see "The chp-v1 schema" below). Its validation keywords are those of
// the CHP v1 schema as first published; its $id, title and examples were
// renamed for accord, which changes no verdict (a test compares the two on
// a corpus of packets). In short: a heartbeatPacket is an object
// with exactly the members packet (optional, "heartbeat"), instance_id (a
// UUID: 8-4-4-4-12 hex digits, either case), home_uri (a URI), version (a
// string), license_hash and homebase_token (optional) ("sha256:" and 64 hex
// digits, either case), ethics_signature (a non-empty string), status (one
// of coherent, review, repairing, failed, quiet), timestamp (an RFC 3339
// date-time) and meta (optional, an object whose client, hostname and os
// members, if present, are strings, and which may hold any other member);
// all but packet, homebase_token and meta are required. An
// acknowledgementPacket has exactly packet (optional, "ack"), ack_id and
// instance_ref (UUIDs), received (an RFC 3339 date-time),
// registry_signature (a non-empty string), status (verified, queued or
// rejected) and notes (optional, a string); all but packet and notes are
// required.
//
// Binary values use two base64 alphabets. Unpadded base64url (RFC 4648
// §5) is used for registry_signature and the signature of an admission
// certificate (after "ed25519:") and for the nonce and signature of every
// envelope (sealed heartbeats, coherence receipts, bundle signatures).
// Padded standard base64 (RFC 4648 §4) is used for every hash and byte
// string of JSON documents: [ExportInfo] frontier, [Receipt] bundle_root
// and lr_root, the record of [RecordProof], the proof hashes of
// [ConsistencyProof], and the root hash and proof lines of checkpoints and
// tlog-proofs.
//
// Checkpoints are C2SP signed notes (c2sp.org/tlog-checkpoint) with an
// Ed25519 note signature by the log's key, whose key name is the origin. A
// Local Registry's origin is "accord.chp/lr/" and the first 16 hex digits
// of its key fingerprint (the lower-case hex SHA-256 of the raw 32-byte
// public key); the Global Registry ledger's origin is "accord.chp/gr/" and
// the first 16 hex digits of the root key's fingerprint. Both are derived
// from the first key alone and stay when the key is rotated (see Key
// lifecycle), so a verifier holding the first key knows the origin to
// expect; one holding a later key reads it from the checkpoint's first
// line, which the key's signature covers. GET /registry/checkpoint answers the signed note as text/plain;
// charset=utf-8.
//
// A Local Registry's log leaf is a [Record]'s binary form (a 4-byte
// big-endian heartbeat length, the heartbeat as posted, the ACK as sent);
// leaf and node hashes are RFC 6962's. A Global Registry ledger leaf is
//
//	"accord.chp/ledger/v1\n" + LR fingerprint ("sha256:<hex>") + "\n" +
//	decimal LR log index + "\n" + the LR leaf, byte for byte
//
// so each ledger record names the Local Registry record it copies. The
// Global Registry's own records (revocations and root rotations, see "Key
// lifecycle") are ledger leaves too: the record's RFC 8785 form, a JSON
// object read by its "type", told apart from a copied record by its first
// byte ('{' where a copy starts with 'a').
//
// An accepted heartbeat's answer carries X-Chp-Log-Index (the decimal index
// of its record in the registry's log) and, when the heartbeat had been
// logged before and the original ACK is returned, X-Chp-Duplicate: true.
// GET /registry/proof/{ack_id} answers a [RecordProof] as JSON: the
// record's log form beside a c2sp.org/tlog-proof@v1 text (index, inclusion
// proof, signed checkpoint), which any tlog-proof verifier checks with the
// registry's key and the origin above; a proof that does not lead from the
// record to the checkpoint's root fails with [checkpoint.ErrInclusion].
// GET /registry/consistency?old=N&new=M (new defaults to the log's size)
// answers a [ConsistencyProof], with the signed checkpoint at new when new
// is the log's size. The Global Registry offers the same for its ledger
// ([GlobalRegistry.LedgerProof], [GlobalRegistry.LedgerConsistency]).
//
// In a provenance bundle, log record i becomes the members
// acks/DDDDDDDDD/IIIIIIIIIIII.json and heartbeats/DDDDDDDDD/IIIIIIIIIIII.json,
// where D is i/1000 (integer division) in decimal zero-padded to 9 digits
// and I is i zero-padded to 12 digits, so that name order is log order.
// bundle.json's metadata "chp" member is an [ExportInfo]; its frontier
// lists the roots of the perfect subtrees of the log's first From records,
// left to right (largest first: one per 1-bit of From, from the most
// significant), and the root of the tree of the first From records is
// these hashes folded from the right with RFC 6962 node hashing (the empty
// list is the empty tree, From = 0).
//
// In a coherence receipt ([Receipt]), bundle_digest is "sha256:" and the
// lower-case hex SHA-256 of the bundle file's bytes as imported;
// bundle_root is the bundle manifest's Merkle root; lr_root the Local
// Registry's tree root at To; imported_at the Global Registry's clock at
// import, RFC 3339 UTC truncated to whole seconds, also the envelope's
// timestamp; ledger the ledger's signed checkpoint after the import.
// accepted + duplicate + rejected = to - from.
//
// # Key lifecycle
//
// A Local Registry's log holds, besides heartbeat records, registry
// records: JSON objects in their RFC 8785 form, told apart from a heartbeat
// [Record] by their first byte ('{', where a heartbeat record starts with
// the high byte 0x00 of its length), and read by their "type" member. They
// are leaves of the same RFC 6962 tree, covered by the same checkpoints,
// and travel in a provenance bundle as control/DDDDDDDDD/IIIIIIIIIIII.json
// (named like the other members; a record i has either an ack and a
// heartbeat member or a control member), into the Global Registry's
// ledger like any other record.
//
// Key rotation ([LocalRegistry.RotateKey]): the record at index N is
//
//	{"new_key":"ed25519:z...","new_signature":"ed25519:<base64url>",
//	 "old_key":"ed25519:z...","old_signature":"ed25519:<base64url>",
//	 "origin":"accord.chp/lr/<16 hex>","root":"<padded base64 of the tree root at N>",
//	 "rotated_at":"2025-11-04T08:45:01Z","size":N,"type":"chp/lr-key-rotation"}
//
// old_signature and new_signature are Ed25519 signatures by old_key and
// new_key over the same bytes: the RFC 8785 form of the object without
// both signature members (for example, from testdata/vectors/key_rotation.json,
// {"new_key":"ed25519:z6Mkkxq...","old_key":"ed25519:z6Mkrm...","origin":"accord.chp/lr/4c1f71bf2f8dd5c5",
// "root":"WlpaWlpa...Wlo=","rotated_at":"2025-11-04T08:45:01Z","size":41,"type":"chp/lr-key-rotation"}).
// Times in registry records are RFC 3339 UTC in whole seconds, exactly
// that form. Checkpoints of tree sizes up to N are signed by old_key, those
// of sizes above N by new_key, always under the log's first origin (the
// origin stays; a Local Registry keeps it in the file log-origin of its
// directory). ACKs of records above N are signed by new_key. So a verifier
// that holds any key of the registry follows the log: it reads the
// records, applies each rotation signed by the key it holds and the next
// ([KeyChain]), and verifies every later checkpoint with the key of its
// size; consistency proofs run across the change as across any other
// record. GET /registry/info lists the rotation records under
// key_rotations, and so does a bundle's [ExportInfo]: an [Instance]
// configured with an earlier key learns the current one there the first
// time an ACK does not verify, and a Global Registry imports a bundle
// signed by the current key of a registry it admitted under an earlier
// one. An admission certificate admits the log: the key it names and the
// keys that key handed over to. A rotation never returns to a key used
// before. After a rotation the registry opens only with the new key
// ([ErrKeyRotated] otherwise).
//
// Root rotation ([GlobalRegistry.RotateRoot]): the Global Registry's root
// key changes only by a record of its ledger, at index N, signed by the
// old root and by the new:
//
//	{"new_key":"ed25519:z...","new_signature":"ed25519:<base64url>",
//	 "old_key":"ed25519:z...","old_signature":"ed25519:<base64url>",
//	 "origin":"accord.chp/gr/<16 hex>","root":"<padded base64 of the ledger's root at N>",
//	 "rotated_at":"2025-11-04T08:45:01Z","size":N,"type":"chp/root-rotation"}
//
// the members of a key rotation, with both signatures over the RFC 8785
// form of the object without them (for example, from
// testdata/vectors/root_rotation.json,
// {"new_key":"ed25519:z6Mkv2WR...","old_key":"ed25519:z6MkeaCB...","origin":"accord.chp/gr/a393c25cebddce6c",
// "root":"a2tr...a2s=","rotated_at":"2025-11-04T08:45:01Z","size":7,"type":"chp/root-rotation"}).
// Ledger checkpoints of sizes up to N are signed by old_key and those above
// by new_key, under the ledger's first origin; admission certificates,
// revocations and receipts issued up to rotated_at are signed by old_key,
// those issued from rotated_at on by new_key (in its second, either). A
// verifier trusts a
// set of roots ([RootSet]): the root it was given out of band and each root
// that a rotation record, signed by the set's newest root and by the next,
// handed over to. It checks a certificate with the root of its issued_at,
// a revocation with the root of its revoked_at, and a receipt with the root that signs the ledger checkpoint inside (the key of
// its size), which must also have been the root at its imported_at; so a
// root rotated away cannot sign anything dated after its rotation, and a
// record leading back to a root of the set, or from a root the set moved on
// from, is refused. A Local Registry keeps its set in root-keys.json in its
// directory ({"root_key": the root it was first given, "root_rotations":
// the records it learned, oldest first}) and learns records from the
// operator ([LocalRegistry.AddRootRotations], POST /admin/root-rotation,
// [WithRootRotations]); a configured root key ([WithRootKey]) must be one
// of the set's. Receipts and certificates of every root of the set verify,
// each for its time, so a registry with pinned receipts of an old root
// opens after learning the rotation. GET /registry/info lists the records
// under root_rotations, and an [Instance] given an earlier root follows
// them to check the registry's certificate. The Global Registry lists its
// records at GET /ledger/root-rotations ([GlobalRegistry.RootRotations])
// and opens only with its newest root ([ErrKeyRotated] otherwise). A
// rotation is not a revocation: a root rotated away because it leaked can
// still sign certificates dated before its rotation, which verifiers accept
// as the old root's; the Global Registry revokes the registries'
// certificates issued before (a revocation covers every certificate of the
// registry issued before its revoked_at) and issues new ones.
//
// Un-pin ([LocalRegistry.Unpin], POST /admin/unpin with
// {"instance_id":"<uuid>","reason":"<1 to 1024 bytes>"}): the record is
//
//	{"instance_id":"<lower-case uuid>","key":"ed25519:z... (the key that was pinned)",
//	 "reason":"...","type":"chp/unpin","unpinned_at":"2025-11-04T08:45:01Z"}
//
// It is durable before the pin is dropped; the instance's next sealed
// heartbeat pins its key afresh. It carries no signature of its own: the
// registry's checkpoints, and the Global Registry's ledger once exported,
// are its audit trail.
//
// Revocation of an admission certificate ([GlobalRegistry.Revoke],
// registry-import -revoke RAC_ID -reason TEXT): the Global Registry signs
//
//	{"issued_by":"GR","lr_fingerprint":"sha256:<hex>","rac_id":"<uuid>",
//	 "reason":"<1 to 1024 bytes>","revoked_at":"2025-11-04T08:45:01Z",
//	 "signature":"ed25519:<base64url>","type":"chp/rac-revocation"}
//
// where signature is the root key's Ed25519 signature over the RFC 8785
// form of the object without signature, and rac_id and lr_fingerprint
// are those of the certificate revoked. For example (the first vector of
// testdata/vectors/revocation.json, revoking the certificate of rac.json,
// root key ed25519:z6MkeaCBF6LB9rddbnhdBwywJhbJiX2LVXiQjUgaQzBFo4i7), the
// signed bytes
//
//	{"issued_by":"GR","lr_fingerprint":"sha256:4c1f71bf2f8dd5c54ddb6d0401c9159e576e87453d12e88e7fd718bfdfb3e713",
//	 "rac_id":"5b0f2c1e-7d3a-4c2b-9e1f-0a1b2c3d4e5f","reason":"registry decommissioned, ticket 815",
//	 "revoked_at":"2025-12-04T08:45:01Z","type":"chp/rac-revocation"}
//
// (one line, no spaces after the separators) give the signature
// "ed25519:GYuCplVnp9JqU-BHM1v8iPOqJnl_nDU05l_yTcpozxb0BRc1LrYXCwYlzHbixvF-aI7A98podJRRUP0cuTDYDw",
// added as the member signature between revoked_at and type. It revokes that certificate and every other
// certificate of the same registry issued before revoked_at
// ([Revocation.Covers]), so that replaying an older certificate does not
// undo it; a certificate issued at or after revoked_at admits the
// registry again ([GlobalRegistry.Admit] with its current key, which
// joins the registry the Global Registry knows once the key's rotation
// was imported). The Global Registry appends the revocation, in its RFC
// 8785 form, to its ledger (GET /ledger/revocations lists them with their
// ledger indexes) and from then on refuses the bundles that carry a
// certificate it covers, with a [RevokedError] naming it; in the bundles
// it still imports, a record counts only if its ACK was made while a
// certificate of the registry was valid and not revoked.
//
// The revocation is carried into the enclave like a certificate and
// installed in the Local Registry ([LocalRegistry.InstallRevocation], POST
// /admin/revocation, chp-registry -revocation FILE), which checks it with
// the root key and appends it, in the same form, to its log: it travels
// to the Global Registry's ledger as a control member of the next
// export. A Local Registry holding a revocation that covers its
// certificate no longer claims admission: GET /registry/info carries
// admission_cert null and the revocation under rac_revocation; GET
// /hud/status.json says repairing and carries it under revocation; every
// heartbeat answer carries the header X-CHP-Admission: revoked; export
// is refused; installing a covered certificate (again) is refused, also
// after a restart (the revocations are rebuilt from the log). It still
// takes, logs and acknowledges heartbeats: nothing the instances say is
// lost. An [Instance] that sees the header reads the registry's info
// again before its next heartbeat; there a revocation that verifies with
// its root key and names a key of the registry makes it repairing
// ([ErrRevoked]), its heartbeats queued until the registry is admitted
// again. A revocation that does not verify is ignored. (A Local Registry
// can withhold a revocation from its instances; the Global Registry
// refuses its bundles all the same.)
//
// # Configuration
//
// [ConfigFromEnv] reads CHP_HOME_URI, CHP_REGISTRY_PUBKEY (a key string or
// a PEM file), CHP_SANDBOX and CHP_GR_ROOT_PUBKEY. In sandbox mode (the
// default) an instance needs the GR root key: it trusts no registry
// without an admission certificate.
//
// The example commands take every setting as a flag whose environment
// variable is its fallback (a flag given wins; -h lists both):
//
//	chp-instance    -home CHP_HOME_URI (the LR's heartbeat URL, required)
//	                -registry-key CHP_REGISTRY_PUBKEY (the LR's public key: ed25519:z..., hex, or a key or PEM file)
//	                -root CHP_GR_ROOT_PUBKEY   -sandbox CHP_SANDBOX (default true)
//	                -state CHP_INSTANCE_STATE  -max-age CHP_MAX_AGE (default 168h)
//	                -status-file CHP_STATUS_FILE (the HUD status file)
//	chp-registry    -data CHP_REGISTRY_DATA  -addr CHP_REGISTRY_ADDR  -root CHP_GR_ROOT_PUBKEY
//	                -allow-unsigned CHP_ALLOW_UNSIGNED (compatibility mode)  -max-age CHP_MAX_AGE
//	                -meta-allow CHP_META_ALLOW  -meta-max-bytes CHP_META_MAX_BYTES
//	                -quarantine-size CHP_QUARANTINE_SIZE  -name CHP_REGISTRY_NAME
//	                -tls-cert CHP_TLS_CERT  -tls-key CHP_TLS_KEY
//	registry-export -data CHP_REGISTRY_DATA  -every CHP_EXPORT_EVERY
//	registry-import -data CHP_GLOBAL_DATA  -issuer CHP_GLOBAL_ISSUER  -serve CHP_GLOBAL_ADDR
//
// # Commands
//
// examples/chp-registry serves a Local Registry (loopback by default, its
// key and log in -data), examples/chp-instance calls home,
// examples/registry-export writes provenance_bundle.tar, and
// examples/registry-import admits Local Registries and imports bundles
// into a Global Registry, writing coherence_receipt.json:
//
//	chp-registry -data lr -allow-unsigned &                 # writes lr/lr.pub
//	registry-import -data gr -admit lr/lr.pub -rac-out admission.json
//	chp-registry -data lr -root gr/gr-root.pub -rac admission.json
//	CHP_HOME_URI=http://127.0.0.1:8443/registry/heartbeat CHP_REGISTRY_PUBKEY=lr/lr.pub \
//	  CHP_GR_ROOT_PUBKEY=gr/gr-root.pub chp-instance -count 3 -interval 1s
//	registry-export -data lr --out provenance_bundle.tar
//	registry-import -data gr --from provenance_bundle.tar   # writes coherence_receipt.json
//	chp-registry -data lr -pin-receipt coherence_receipt.json
//	chp-registry -data lr -rotate-key                     # new lr/lr.key and lr.pub, rotation logged
//	chp-registry -data lr -unpin UUID -reason "re-imaged"  # audited un-pin
//	registry-import -data gr -rotate-root                  # new gr/gr-root.key, root_rotations.json for the LRs
//	chp-registry -data lr -root-rotation root_rotations.json  # the LR follows the GR's new root
//	registry-import -data gr -revoke RAC_ID -reason "decommissioned" -revocation-out revocation.json
//	chp-registry -data lr -revocation revocation.json      # the LR stops claiming admission
//
// The records of a Local Registry's log are rebuilt into memory indexes
// (ACK identifiers, heartbeat digests, pinned keys, accepted nonces) when
// it opens, which takes time and memory linear in the log (about 150 bytes
// a record). Export and import stream: their memory does not grow with the
// bundle. Both spool to temporary files in the directory spool/ inside the
// registry's directory (the bundle writer and verifier are handed it too),
// which are removed when they return; the registry empties spool/ whenever
// it opens, so what a crash left there goes then.
//
// # The chp-v1 schema
//
// The full text of chp-v1.json, the schema [SchemaJSON] returns (a test
// keeps this copy identical to the file):
//
//	{
//	  "$schema": "https://json-schema.org/draft/2020-12/schema",
//	  "$id": "https://raw.githubusercontent.com/accordsdk/accord/main/chp/chp-v1.json",
//	  "title": "Call-Home Protocol (CHP) v1",
//	  "description": "Schema for CHP heartbeat and acknowledgement packets.",
//	  "type": "object",
//	  "oneOf": [
//	    { "$ref": "#/$defs/heartbeatPacket" },
//	    { "$ref": "#/$defs/acknowledgementPacket" }
//	  ],
//	  "$defs": {
//	    "uuid": {
//	      "type": "string",
//	      "description": "UUID (v4/v7 allowed).",
//	      "pattern": "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
//	    },
//	    "sha256Hash": {
//	      "type": "string",
//	      "description": "sha256 hash with prefix.",
//	      "pattern": "^sha256:[A-Fa-f0-9]{64}$"
//	    },
//	    "statusEnum": {
//	      "type": "string",
//	      "enum": ["coherent", "review", "repairing", "failed", "quiet"]
//	    },
//	    "heartbeatPacket": {
//	      "type": "object",
//	      "required": ["instance_id", "home_uri", "version", "license_hash", "ethics_signature", "status", "timestamp"],
//	      "properties": {
//	        "packet": { "const": "heartbeat" },
//	        "instance_id": { "$ref": "#/$defs/uuid" },
//	        "home_uri": { "type": "string", "format": "uri" },
//	        "version": { "type": "string" },
//	        "license_hash": { "$ref": "#/$defs/sha256Hash" },
//	        "ethics_signature": { "type": "string", "minLength": 1 },
//	        "homebase_token": { "$ref": "#/$defs/sha256Hash" },
//	        "status": { "$ref": "#/$defs/statusEnum" },
//	        "timestamp": { "type": "string", "format": "date-time" },
//	        "meta": {
//	          "type": "object",
//	          "additionalProperties": true,
//	          "properties": {
//	            "client": { "type": "string" },
//	            "hostname": { "type": "string" },
//	            "os": { "type": "string" }
//	          }
//	        }
//	      },
//	      "additionalProperties": false,
//	      "examples": [
//	        {
//	          "packet": "heartbeat",
//	          "instance_id": "3ec2f1e0-2d31-4594-8d7b-8b9d8b2f2a11",
//	          "home_uri": "https://accord.local/registry/heartbeat",
//	          "version": "2025.11.03",
//	          "license_hash": "sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
//	          "ethics_signature": "accord:unspecified",
//	          "homebase_token": "sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
//	          "status": "coherent",
//	          "timestamp": "2025-11-04T08:45:00Z",
//	          "meta": { "client": "chp-cli/1.0", "hostname": "node-01", "os": "linux" }
//	        }
//	      ]
//	    },
//	    "acknowledgementPacket": {
//	      "type": "object",
//	      "required": ["ack_id", "instance_ref", "received", "registry_signature", "status"],
//	      "properties": {
//	        "packet": { "const": "ack" },
//	        "ack_id": { "$ref": "#/$defs/uuid" },
//	        "instance_ref": { "$ref": "#/$defs/uuid" },
//	        "received": { "type": "string", "format": "date-time" },
//	        "registry_signature": { "type": "string", "minLength": 1 },
//	        "status": { "type": "string", "enum": ["verified", "queued", "rejected"] },
//	        "notes": { "type": "string" }
//	      },
//	      "additionalProperties": false,
//	      "examples": [
//	        {
//	          "packet": "ack",
//	          "ack_id": "a2b7d4c6-2c6f-4d0f-9d90-1a2b3c4d5e6f",
//	          "instance_ref": "3ec2f1e0-2d31-4594-8d7b-8b9d8b2f2a11",
//	          "received": "2025-11-04T08:45:01Z",
//	          "registry_signature": "-----BEGIN PGP SIGNATURE-----\n...\n-----END PGP SIGNATURE-----",
//	          "status": "verified"
//	        }
//	      ]
//	    }
//	  }
//	}
package chp
