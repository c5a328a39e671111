// Package accord is a Go SDK for verifiable trust between machines and
// organisations.
//
// accord implements five protocol documents as flat, importable packages.
// Every package signs and verifies through one message format,
// [github.com/accordsdk/accord/envelope]; append-only records are RFC 6962
// Merkle logs with C2SP signed checkpoints.
//
//	package       what it does
//	envelope      signed messages: JSON (RFC 8785) and CBOR forms, Ed25519,
//	              HMAC-SHA256, ML-DSA-65 and hybrid signatures, key rings,
//	              verifiers with time windows and replay protection
//	checkpoint    verify log checkpoints, inclusion and consistency
//	              proofs and tlog-proof files; cosign as a witness
//	bundle        provenance bundles: deterministic tar, signed manifest,
//	              one-pass streaming verification
//	chp           call-home for air-gapped sites: heartbeats, signed ACKs,
//	              admission certificates, local and global registries
//	trustkernel   install trust anchored on an EVM chain: contracts, an RPC
//	              quorum reader, a runtime policy that fails closed,
//	              integrity manifests, Safe multisig authorities
//	cahp          a five-phase handshake between unlike agents (proof of
//	              burn, weight commitments, hashcash) ending in a signed
//	              session ticket
//	federation    meshes that sign agreements, witness each other's logs
//	              (c2sp.org/tlog-witness) and cross-anchor their roots
//	governance    a constitution whose every change is a signed,
//	              append-only, auditable receipt
//	pairing       devices join a swarm through a PAKE (CPace) on a code
//	              shown on their own screen; an authenticated, encrypted
//	              swarm channel
//
// The program in examples/tour runs every protocol end to end on one machine:
//
//	go run ./examples/tour
package accord
