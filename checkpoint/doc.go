// Package checkpoint verifies, and cosigns as a witness, the signed
// checkpoints of accord's append-only logs, and verifies the inclusion and
// consistency proofs that go with them.
//
// Every record stream in accord (registry heartbeats and ACKs, the global
// ledger, governance scrolls, federation witness state) is an RFC 6962
// Merkle log that publishes checkpoints in the C2SP formats, so existing
// transparency-log verifiers and witnesses can check accord logs and this
// package can check theirs.
//
// The module keeps its log machinery under internal/. This small public
// package is the deliberate exception: users must be able to
// verify checkpoints and proofs, and cosign checkpoints, without importing
// internal packages. The log itself (appending, proving, signing) stays
// internal and is reached through the public packages that keep logs.
//
// # Checkpoint format (c2sp.org/tlog-checkpoint)
//
// A checkpoint is a C2SP signed note whose text is the log's origin, the
// tree size in decimal, and the RFC 6962 root hash in padded standard
// base64 (RFC 4648 §4, 44 characters), each on its own line, optionally
// followed by extension lines:
//
//	example.com/audit
//	3
//	Rcd/UbegITtD8knRPfCaWUSpY+XUkRAjboRYeamkV5Q=
//
//	— example.com/audit 1nw/6jz+y5GYxhfCvzIJuiuReGvCBUU6bRKhQs6a95rJxSch/cJoKYi+hahawpoZc+hJqekzknUPR9sVX8kW+aNXAgQ=
//
// [Parse] and [Checkpoint.Marshal] convert the text; [Sign] signs it with
// golang.org/x/mod/sumdb/note signers such as [Signer] (Ed25519, signature
// type 0x01, key ID SHA-256(name || 0x0A || 0x01 || key)[:4]).
//
// # Cosignatures (c2sp.org/tlog-cosignature)
//
// A witness adds a signature line by its own key to a checkpoint it has
// checked: [Cosigner.Cosign]. The signature is the v1 timestamped Ed25519
// form (type 0x04): 8 bytes of big-endian POSIX time, then an Ed25519
// signature over
//
//	cosignature/v1
//	time <POSIX seconds>
//	<the checkpoint's note text>
//
// [VerifyCosigned] checks the log's signature and a threshold of witnesses.
//
// # Proofs (c2sp.org/tlog-proof)
//
// A [Proof] carries everything needed to check offline that a record is in
// a log: its index, its inclusion proof and the (co)signed checkpoint.
// [ParseProof] reads one and [Proof.Verify] checks it against the log's key
// and a threshold of witnesses. Its text is
//
//	c2sp.org/tlog-proof@v1
//	extra <padded standard base64, optional>
//	index <decimal>
//	<one padded standard base64 hash per line: the inclusion proof, leaf to root>
//
//	<the checkpoint note, verbatim, signature lines included>
//
// every line ending in "\n". The record itself travels beside the proof
// (the registries serve it in the same answer); the leaf hash is RFC 6962's,
// SHA-256(0x00 || record). [ToRecordProof] and [ToTreeProof] turn proof
// hashes carried as byte strings into the golang.org/x/mod/sumdb/tlog forms,
// for callers that check with tlog directly. testdata/tlog-proofs.json holds
// vectors (see testdata/README.md).
//
// # Trust model
//
// A checkpoint is trusted only through a key the caller already trusts:
// [Verify] requires a valid signature by the log's key, whose name must be
// the origin line, and ignores signatures by keys it was not given (the
// signed-note rule), but rejects the note if a known key's signature fails.
// A proof is only as good as the checkpoint it is checked against:
// [VerifyInclusion] binds a record to a signed root, [VerifyConsistency]
// shows that a later signed root extends an earlier one. Two signed
// checkpoints of one size with different roots, or that fail a consistency
// proof, are evidence of a log showing different views to different
// parties: [ConsistencyError] carries both. Witness cosignatures defend
// against such split views: a client that requires cosignatures from
// witnesses it trusts knows those witnesses saw the same tree. Judging
// cosignature times is the caller's policy; nothing here reads a clock.
//
// Keys can be given in accord's key string form "ed25519:z6Mk..."
// ([LogVerifier], [WitnessVerifier]), as raw Ed25519 keys ([NewVerifier],
// [NewCosignatureVerifier]), or as C2SP verifier key strings
// ([ParseVerifierKey], [Signer.VerifierKey]).
package checkpoint
