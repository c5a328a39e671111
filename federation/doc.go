// Package federation lets two independent meshes (organisations each
// running accord logs) trust each other's logs: they discover each other,
// negotiate a trust agreement both sign, then witness each other's logs
// with c2sp.org/tlog-witness cosignatures and, at trust level 3 and above,
// cross-anchor each other's roots.
//
// A [Mesh] is one participant: its scrolls (accord Merkle logs, one per
// scroll name), its witness, its known peers, proposals, agreements and
// receipts, kept in a state directory. [Mesh.Handler] serves the federation
// API over HTTP; the Mesh's methods are what its operator does (discover,
// propose, accept, revoke, run a witness cycle, cross-anchor).
//
// # Identities and keys
//
// A mesh is named by a DID "did:vm:mesh:<id>" (for example
// "did:vm:mesh:vaultmesh-dublin"). Its short name ([MeshName]) is the part
// of <id> after the last "-" ("dublin"); it names the mesh in
// "<name>_federation_key" and "<name>_roots_included" members, so two
// parties must have different short names.
//
// Each mesh has one Ed25519 federation key, written "ed25519:z6Mk..." (the
// did:key multibase form). It signs the mesh's records, its request
// envelopes, its scroll checkpoints and its witness cosignatures. These
// never collide: records are signed with a domain line
// ("accord-federation/v1 ..."), envelopes with their own canonical form,
// checkpoints are C2SP signed notes whose first line is an origin (key
// names cannot contain spaces), and cosignatures start with
// "cosignature/v1".
//
// The checkpoint origin of scroll S of mesh M is "M/S" ([OriginOf]); its
// checkpoints are signed with M's key (signature type 0x01). M's witness is
// named "M/witness" ([WitnessNameOf]) and cosigns with the same key
// (type 0x04).
//
// A peer's key is never learned from its URL: the operator gives it
// ([Mesh.AddPeer], [Mesh.Discover] with the key, or a bootstrap file in
// the example CLI), as SPIFFE federation bootstraps trust bundles. The
// discovery record fetched from the peer must be signed by that key.
//
// # Records and the bytes each signature covers
//
// Records are JSON objects with the member names shown; a member marked "?"
// is optional and absent when empty (an empty string or list, no anchor
// proof, an index of 0), every other member is always written (empty
// attestations and discrepancies as []); times are RFC 3339 in UTC to the second ("2025-12-06T10:00:00Z"; offsets accepted on
// input). Decoders refuse duplicate, unknown or case-folded member names,
// non-I-JSON numbers and trailing data. Signatures are Ed25519, written as
// multibase base64url: "u" followed by the unpadded base64url of the 64
// bytes. "JCS(x)" is the RFC 8785 canonical form.
//
//   - [DiscoveryRecord] (GET /federation/discovery): mesh_id,
//     display_name, endpoints {federation, verification?}, public_key,
//     scrolls_available, trust_policy {accepts_proposals, min_trust_level,
//     requires_mutual}, attestations, issued_at, expires_at, signature.
//     The signature covers "accord-federation/v1 discovery\n" ||
//     JCS(record without "signature"), by public_key. A record is valid
//     from issued_at until expires_at.
//   - [Proposal]: proposal_id, proposer, target, proposed_at, expires_at,
//     proposed_trust_level (1-4), proposed_terms {scrolls_to_share,
//     verification_frequency, retention_period_days, data_jurisdiction?,
//     audit_rights, dispute_resolution?}, proposer_attestations?
//     {identity_proof?, compliance_credentials?} (carried, not verified),
//     counters? (the proposal a counter-proposal answers), signature. The
//     signature covers "accord-federation/v1 proposal\n" || JCS(proposal
//     without "signature"), by the proposer's key.
//   - [Agreement]: agreement_id, proposal_id, parties [proposer, target],
//     established_at, trust_level, terms {scrolls_shared,
//     verification_frequency, retention_period_days, data_jurisdiction?,
//     audit_rights, dispute_resolution?}, key_exchange
//     {"<name>_federation_key": key for each party}, signatures {party:
//     {signed_at, signature}}, agreement_hash. agreement_hash is "blake3:"
//     and the hex BLAKE3-256 of JCS(agreement without "signatures" and
//     "agreement_hash"). Party P's signature covers
//     "accord-federation/v1 agreement\n" || agreement_hash || "\n" || P ||
//     "\n" || signed_at || "\n", by P's key in key_exchange. Both parties
//     store JCS(agreement), the same bytes.
//   - [WitnessReceipt] (type "fed_witness_event"): witness_id,
//     agreement_id, witnessed_mesh, witnessing_mesh, timestamp, scroll,
//     witnessed_size, witnessed_root, witnessed_anchor? (an anchor proof),
//     verification_method, verification_result, samples_checked,
//     discrepancies [{kind, index?, detail}], cosignature?,
//     witness_signature. The signature covers
//     "accord-federation/v1 fed_witness_event\n" || JCS(receipt without
//     "witness_signature"), by the witnessing mesh's key. cosignature is the
//     witness's c2sp.org/tlog-cosignature line ("— M/witness <base64>\n")
//     on the witnessed checkpoint, present exactly when the result is
//     "verified": appended to the checkpoint the witnessed mesh signed
//     (origin "M/S", see below) it verifies as a c2sp.org/tlog-cosignature
//     by "W/witness" with W's federation key, where W is the witnessing
//     mesh.
//   - [CrossAnchor] (type "fed_cross_anchor"): anchoring_mesh,
//     anchored_mesh, agreement_id, timestamp, "<name>_roots_included"
//     {scroll: {size, root}} where <name> is the anchored mesh's short
//     name, combined_root, anchor_proof, signature. combined_root is
//     "blake3:" and the hex BLAKE3-256 of JCS({"anchoring_mesh",
//     "anchored_mesh", "<name>_roots_included"}); it is anchored under the
//     label "fed_cross_anchor/<anchoring mesh>/<anchored mesh>". The
//     signature covers "accord-federation/v1 fed_cross_anchor\n" ||
//     JCS(record without "signature"), by the anchoring mesh's key.
//
// testdata/vectors.json holds one of each, with the exact signed bytes, and
// for the witness receipt the scroll's records and the signed checkpoint
// its cosignature cosigns.
//
// # Digests
//
// Log roots are RFC 6962 SHA-256 Merkle tree hashes, written
// "sha256:<64 hex>" (witnessed_root, roots_included) and base64 inside
// checkpoints. agreement_hash and combined_root are "blake3:<64 hex>".
// Anchor proofs ([checkpoint.AnchorProof]) name their backend: "ethereum"
// (trustkernel's EVM anchorer) or "log" (an anchor log); a scroll
// checkpoint's root is anchored under the label
// "fed_scroll/<origin>/<size>" ([ScrollLabel]).
//
// # Trust levels
//
//	level  name       allows
//	0      isolated   nothing
//	1      observe    read-only witness of public scrolls; read public receipts
//	2      verify     read and witness the shared scrolls; receipt sampling; /verify
//	3      attest     cross-anchoring (submit fed_cross_anchor records)
//	4      integrate  shared scrolls and joint governance ([SharedScrolls], [JointGovernance])
//
// Every call checks the caller's level in the agreement in force with it
// ([Level.Allows]). A scroll is public when the mesh configures it so
// ([Config].PublicScrolls); it is then readable by every party at level 1
// and up. Any other scroll is readable only by a party at level 2 and up
// whose agreement lists it in terms.scrolls_shared. A scroll that is not
// readable by a caller is never served to it, its tiles included.
//
// Terms are enforced: a peer witnesses only scrolls_shared;
// verification_frequency ("continuous" 5 minutes, "hourly", "daily",
// "weekly") schedules the cycle ([Mesh.Due]) and [Mesh.Health] flags a
// scroll not witnessed within 1.5 periods (or whose last cycle failed) as
// overdue; retention_period_days bounds how long receipts are kept.
//
// A mesh's trust_policy is enforced on incoming proposals:
// accepts_proposals false refuses all, a level below min_trust_level is
// refused, and requires_mutual true refuses a proposal sharing a scroll
// that is not available at both meshes (sharing must be reciprocal;
// false accepts a scroll available at either).
//
// # HTTP API
//
// Paths are relative to the mesh's federation URL. Requests that change
// state carry a signed envelope (package envelope, JSON form) as the body,
// whose type is the one shown and whose sender is a known peer's key; reads
// carry a signed read envelope (type "accord/federation/read", payload
// {"method", "path"} with the query) base64url-encoded in the
// Accord-Envelope header ([Mesh.ReadTransport] signs any client's
// requests). Envelopes must be fresh (within a minute of the server's
// clock) and are never accepted twice (replay cache).
//
//	endpoint                                   min level   caller authenticated by
//	GET    /federation/discovery               none        nobody (the record is signed)
//	POST   /federation/proposals               policy      envelope accord/federation/proposal, known peer, signed proposal
//	GET    /federation/proposals/{id}          proposer or target   read envelope
//	PUT    /federation/proposals/{id}          target      envelope accord/federation/proposal-response
//	GET    /federation/agreements              party       read envelope (lists the caller's agreements)
//	GET    /federation/agreements/{id}         party       read envelope
//	DELETE /federation/agreements/{id}         party       envelope accord/federation/revocation
//	POST   /federation/notify                  1           envelope accord/federation/notify (scroll shared)
//	POST   /federation/witness                 1 (3 for cross anchors)  envelope accord/federation/witness
//	GET    /federation/roots                   1           read envelope (roots of the scrolls the caller may read)
//	GET    /federation/receipts/{scroll}       1 public, 2 shared   read envelope
//	POST   /federation/verify                  2           envelope accord/federation/verify
//	GET    /federation/scrolls/{scroll}/checkpoint, /tile/...   1 public, 2 shared   read envelope (c2sp.org/tlog-tiles)
//	POST   /federation/tlog-witness/add-checkpoint   1     the checkpoint's signature by a party's scroll key (c2sp.org/tlog-witness)
//
// Errors are JSON {"error": "...", "code": "..."} with a 4xx status:
// malformed 400, envelope_refused 401, bad_signature / unknown_mesh /
// not_party / level_too_low / policy / revoked 403, not_found 404,
// state / replay 409, expired 410, hash_mismatch / fork 422.
//
// # Negotiation
//
//  1. Each operator adds the other mesh with its key ([Mesh.Discover]).
//  2. The proposer POSTs a signed [Proposal] ([Mesh.Propose]).
//  3. The target's operator accepts ([Mesh.AcceptProposal]), rejects
//     ([Mesh.RejectProposal]) or counters ([Mesh.CounterProposal], a new
//     proposal the other side may accept). A proposal past expires_at can
//     no longer be accepted.
//  4. On accept the target builds the agreement from the proposal, signs
//     it, and PUTs it to the proposer, which checks it is exactly what it
//     proposed (same agreement_hash), countersigns and returns it: both
//     store the same bytes.
//  5. Either party revokes with notice days ([Mesh.RevokeAgreement]);
//     when the notice ends the agreement allows nothing. A revocation
//     that ends it sooner replaces one already given (by either party).
//
// # Witness cycle
//
// The witnessed mesh signs a checkpoint of a shared scroll, anchors its
// root through its [checkpoint.Anchorer], and POSTs /federation/notify
// ([Mesh.NotifyPeer]). The witness then fetches the scroll's published
// checkpoint through the tiles API (a published checkpoint of the same
// size with another root, or one that does not extend the notified one, is
// a fork), verifies the anchor, checks randomly chosen records (its own
// choice, [WithSamples]) by inclusion proofs computed from the tiles, and
// submits the checkpoint to its own c2sp.org/tlog-witness witness, with a
// consistency proof from the size it last cosigned. It returns a signed
// [WitnessReceipt] and POSTs it to /federation/witness. The
// verification_result is one of "verified" (with the cosignature),
// "fork_detected", "anchor_invalid", "sample_failed", "unreachable" or
// "superseded" (the witness already cosigned a larger checkpoint). A
// fork is kept as evidence ([Mesh.Forks], [Witness.Evidence]: both signed
// checkpoints) and never cosigned. The witnessed mesh checks the
// cosignature on its own checkpoint before storing the receipt.
//
// At level 3 a mesh cross-anchors ([Mesh.CrossAnchor]): it combines the
// peer's scroll roots its witness cosigned into combined_root, anchors it,
// and sends the signed [CrossAnchor]; the peer checks that each scroll
// named is one the anchoring mesh may read and that the roots are ones its
// scrolls had, and verifies the anchor.
//
// # The witness (c2sp.org/tlog-witness)
//
// [Witness] serves POST /add-checkpoint: the body is "old <size>\n", up to
// 63 base64 consistency proof lines, an empty line, and the signed
// checkpoint. It answers 200 with its cosignature line, 409 with
// Content-Type text/x.tlog.size and the size it holds when old is not that
// size, 404 for an unknown origin, 403 when no valid signature by the
// log's key is present, 400 for old above the checkpoint's size, and 422
// for a proof that does not verify or two roots at one size. It stores the
// new checkpoint durably before answering. [WitnessClient] submits to any
// such witness (accord's or another implementation's).
//
// # Trust model
//
// A mesh trusts a peer's key because its operator said so, and an
// agreement because both keys in key_exchange signed its hash. Everything a
// peer sends afterwards is checked against that key, the agreement's level
// and terms, and the agreement's state at the mesh's clock. A witness
// receipt is a statement by the witnessing mesh; what makes it useful to
// third parties is the cosignature inside it, which any tlog-cosignature
// verifier checks, and the anchor, which outlives both meshes. A mesh that
// shows two views of a scroll to one witness is caught by that witness (a
// fork); showing different views to different witnesses is caught by
// requiring cosignatures from several. Anchoring proves a root existed by
// the anchor's time, not that it is the only root.
package federation
