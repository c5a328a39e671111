// Package trustkernel anchors the trust of an install on an EVM chain and
// fails closed when that trust cannot be verified.
//
// The local filesystem is untrusted (FTP mistakes, stolen credentials,
// half-finished upgrades). The chain holds the attested state of each
// install in its InstanceController (active manifest root, URI hash, policy
// hash, paused flag, authorities); the runtime reads that state through
// several independent JSON-RPC endpoints, and serves only while a quorum of
// them agree and the agreed state is fresh.
//
// # Quorum reads
//
// A [QuorumReader] is given N endpoints and a quorum k, which must be a
// strict majority (2k > N, so two disjoint quorums cannot both exist; the
// seed recommends 2 of 3 and at least 2 of 2 in production). A read:
//
//  1. Pins a block. Every endpoint is asked for its latest header (and, with
//     [WithChainID], its chain id, in the same batch). Heads whose timestamp
//     is further ahead of the clock than [WithMaxFuture] allows are
//     rejected. Once k heads have arrived the reader waits for the rest for
//     as long again, then takes the k-th highest head minus the confirmation
//     depth ([WithConfirmations]). A fast lagging node therefore cannot
//     drag the pin down, and a node claiming a head far in the future is
//     out-voted or rejected.
//  2. Fetches that block's header from every endpoint and recomputes its
//     hash from the header fields (the hash field an endpoint sends is never
//     trusted). k endpoints must serve the same header.
//  3. Makes the call on every endpoint pinned to that block hash (EIP-1898
//     {"blockHash": ..., "requireCanonical": true}), and accepts the first
//     result k endpoints agree on byte for byte.
//
// Requests go out in parallel and each stage returns as soon as k agree;
// the slower requests are cancelled, so a read costs about the latency of
// the k-th fastest endpoint, not the slowest. The pinned block is reused for
// [WithPinTTL] (default one slot), so the steady state is one round trip;
// reads within a pin also see one consistent state.
//
// [QuorumReader.Read] returns an [Agreement] with the evidence (who agreed,
// what every endpoint answered); [QuorumReader.Call] returns the bytes.
// [QuorumReader.FilterLogs] does the same for eth_getLogs: either one block
// by hash (EIP-234), or a range clamped to the pinned block, each endpoint
// answering in one batch with the logs and the pinned header so that its
// logs count only when it is on the agreed chain. A failed read is a
// [*QuorumError] (errors.Is [ErrNoQuorum]) naming the stage and every
// endpoint's answer or error.
//
// Trust model: the reader defends against fewer than k faulty endpoints,
// whether they lie (altered results or headers), lag, die, or claim heads
// in the future. It does not defend against k colluding endpoints: two
// liars that tell the same lie out-vote one honest node in 2 of 3 (the tests
// show this). Endpoints run by independent operators, a larger N and k,
// and a light client are the remedies; majority voting alone is not.
//
// # Runtime policy (outage rules)
//
// [Policy.Decide] applies the seed's rules to the latest agreed state and
// reads no clock: no agreed state yet, an agreed block more than
// [Policy.MaxFuture] ahead of the clock, a block older than max_stale_sec
// ([DefaultMaxStale], 180 s) or a paused controller fail closed for reads
// and writes; a lost quorum pauses writes at once ([ErrQuorumLost]) while
// reads go on until the state is stale ([ErrStale]). A [Runtime] keeps the
// latest state from a [StateSource], answers [Runtime.Decision] ("may this
// install serve reads / writes now, and why not"), buffers critical actions
// with [Runtime.Submit] in a durable [Outbox] while only the quorum is
// missing, and flushes them, in order and once each, when the quorum
// returns.
//
// The outbox (tx_outbox_dir) is a directory of mode 0700 with one file per
// action, named by a 20-digit sequence number, written atomically
// (temporary file, fsync, rename, directory fsync) with mode 0600, as JSON
// {"id","kind","payload"(base64),"created"}. An action is removed after its
// delivery succeeded; a crash between the two delivers it again, so senders
// must be idempotent per id (a signed transaction is: the chain includes it
// at most once).
//
// # Configuration
//
// [ParseConfig] and [LoadConfig] read the seed's trust.web3 keys from JSON
// ({"trust": {"web3": {...}}}): chain_id, rpc_endpoints, rpc_quorum,
// max_stale_sec, mode (root_uri or full), contracts.instance_controller,
// contracts.release_registry and tx_outbox_dir. Unknown, duplicate or
// non-lower-case keys, trailing data and bad values are rejected with
// [ErrConfig] and the key's name.
//
// # Integrity manifests
//
// A manifest lists every file of an install with the SHA-256 of its
// contents. Its root is computed as follows ([ManifestRoot]):
//
//	path    = normalised: `\` -> `/`, `//` collapsed, "." segments and a
//	          leading "/" removed, ".." rejected ([NormalizePath])
//	order   = paths sorted bytewise
//	leaf    = SHA-256(0x00 || path || 0x00 || sha256(file))
//	node    = SHA-256(0x01 || left || right)
//	odd     = the last node of a level with an odd count is paired with itself
//	root    = the single node left (one file: its leaf)
//
// Files a.txt with sha256 0x22..22 and b.txt with 0x11..11 give root
// 0xf92742ec920dcc955d96633e56df2ea657a3f5521fe309045e900eee39ef14b0.
//
// [BuildManifest] hashes an install directory in parallel through an
// [os.Root], so nothing outside the directory is ever read; symlinks,
// devices, pipes and sockets are rejected with an [*UnsupportedFileError].
// [VerifyInstall] checks that a manifest has the controller's activeRoot
// and that the directory matches it, reporting every missing, extra and
// changed file in an [*IntegrityError].
//
// In root_uri mode the chain holds the root and [URIHash] (Keccak-256) of
// the URI where the manifest's JSON form ([Manifest.MarshalJSON],
// [ParseManifest]) is published; [CheckAnchor] checks both. In full mode
// the per-file hashes are anchored too, as chunks ([ManifestChunks]):
//
//	chunk = "TKM1" || u32 index || u32 count || u32 entries || entry...
//	entry = u16 len(path) || path || sha256(file)      (big-endian)
//	chunk hash = SHA-256(0x02 || chunk)                ([ChunkHash])
//
// Entries are in manifest order and split greedily under a byte limit
// ([DefaultChunkBytes]); [DecodeManifestChunks] requires every chunk, in
// order, and its manifest's root is the same root as in root_uri mode.
package trustkernel
