// Package trustkernel anchors the trust of an install on an EVM chain: which
// release an install may run, who may change that, and a switch that makes
// every runtime fail closed.
//
// It implements the Trust Kernel design against a real EVM: Solidity contracts
// with committed artifacts and Go bindings, deployment and clone
// verification, an authority client whose calls can be sent from an EOA or
// through a Safe multisig, an EIP-712 setup request for offline review, and
// anchoring of Merkle roots from elsewhere in accord.
//
// This package is the contract client and the configuration. The other
// parts of the Trust Kernel are packages of their own, each documented on
// its own:
//
//   - trustkernel/quorum: the k-of-N RPC reader pinned by block hash, its
//     failure modes and its trust model;
//   - trustkernel/runtime: the fail-closed outage rules, the install check
//     and the durable outbox (no chain code: it sees the chain through
//     interfaces this package implements);
//   - trustkernel/integrity: install manifests, their Merkle root and the
//     chunk encoding of full mode (no chain code either);
//   - trustkernel/simchain: a simulated chain and misbehaving proxies, for
//     tests and demos only.
//
// # Contracts
//
// The sources are in contracts/src, compiled by solc-js at the exact version
// in contracts/package-lock.json for the Prague EVM; artifacts (abi, bin,
// bin-runtime) are in contracts/artifacts and abigen v2 bindings in the
// internal package internal/bindings (no exported signature of this package
// mentions a generated type). `go generate ./trustkernel` rebuilds both; CI
// rebuilds them from scratch and fails if they differ from what is committed.
//
//   - ReleaseRegistry: componentId (bytes32) + version (uint64) ->
//     {root, uriHash, metaHash, publishedAt}. Append-only: a version is
//     published once and versions of a component strictly increase.
//     Publishing is gated by an owner, handed over in two steps
//     ([Registry.TransferOwnership], [Registry.AcceptOwnership]).
//   - InstanceController: the per-install state of the Trust Kernel (activeRoot,
//     activeUriHash, activePolicyHash, paused, a pending upgrade with a TTL of
//     one minute to 30 days, the root, upgrade and emergency authorities). One
//     call, snapshot(), returns all of it together with a changeCount that
//     grows with every change; every change emits an event; every refusal is
//     a custom error. It also carries full-mode manifests (see Full mode on
//     chain) and, when a release registry is pinned, the name of the active
//     release.
//   - InstanceFactory: creates controllers as EIP-1167 clones with CREATE2
//     and initialises each in the same transaction. The CREATE2 salt is
//     keccak256(abi.encode(root, upgrade, emergency, genesisRoot,
//     genesisUriHash, genesisPolicyHash, salt)), so a predicted address can
//     only ever hold a controller with exactly those parameters: the factory
//     can stay permissionless. The implementation is locked by its
//     constructor and can never be initialised.
//   - Anchor: emits Anchored(root, sender, labelHash, label) and stores
//     nothing; the log entry is the record.
//
// # Authorities and their powers
//
// Each role is refused outside its powers with Unauthorized ([ErrUnauthorized]):
//
//   - root authority: replaces the upgrade and emergency authorities
//     ([Controller.SetUpgradeAuthority], [Controller.SetEmergencyAuthority]),
//     hands its own role over in two steps ([Controller.TransferRootAuthority],
//     [Controller.AcceptRootAuthority]), changes the active policy hash
//     without an upgrade ([Controller.SetPolicyHash]), pins the release
//     registry ([Controller.SetReleaseRegistry]) and may cancel a pending
//     upgrade.
//   - upgrade authority: proposes ([Controller.ProposeUpgrade],
//     [Controller.ProposeRelease]) and activates ([Controller.ActivateUpgrade])
//     upgrades, publishes full-mode manifests
//     ([Controller.PublishManifestChunks]) and may cancel; none of this while
//     the controller is paused.
//   - emergency authority: pauses and unpauses, and may cancel a pending
//     upgrade ([Controller.CancelUpgrade]), also while paused: the
//     break-glass beside the pause, so an upgrade proposed by a stolen
//     upgrade key dies before the pause is lifted.
//
// Cancelling and changing the policy hash work while paused; proposing,
// activating and publishing do not.
//
// # Releases from the registry
//
// While the root authority has pinned a ReleaseRegistry, a proposal names a
// release, (componentId, version), and raw-root proposals are refused
// ([ErrReleaseRequired]). proposeRelease copies the release's root and URI
// hash from the registry into the proposal; activateUpgrade reads the
// registry again and activates only if it still publishes that root and URI
// hash under that name ([ErrReleaseMismatch], for example after the root
// authority pinned another registry), and records the release as the
// controller's activeComponentId and activeVersion, which a runtime reports.
// A raw proposal made before the registry was pinned cannot be activated
// after. Unpinning (the zero address) allows raw roots again, and the active
// release then names no component. So the registry's owner decides what
// exists, the upgrade authority what an install runs, and the root authority
// whether the install follows the registry at all.
//
// # Full mode on chain
//
// In full mode the per-file hashes are on chain too. The upgrade authority
// publishes the manifest's chunks ([integrity.Chunks]) through the
// controller, keyed by the manifest's root:
//
//	publishManifestChunks(bytes32 root, uint32 first, uint32 count, bytes[] chunks)
//	event ManifestChunk(bytes32 indexed root, uint32 indexed index, uint32 count, bytes chunk)
//	event ManifestPublished(bytes32 indexed root, uint32 count)
//	manifestRecord(bytes32 root) -> (uint32 count, uint32 published,
//	                                 uint64 firstBlock, uint64 lastBlock)
//
// Chunks go on chain in order and once each (first must equal published,
// [ErrChunkOutOfOrder]); the first call fixes count ([ErrBadChunkCount]); a
// call may carry several chunks. The record fits one storage slot and
// says when the manifest is complete and which blocks hold its events, so a
// reader asks for exactly those logs ([FetchManifest]): the controller's
// ManifestChunk events for root in firstBlock..lastBlock, each index once,
// decoded ([DecodeManifestChunkLog]) and checked against root. Only the
// upgrade authority can emit them, so nobody else can add chunks under a
// root; and since the decoded manifest must hash to root, a chunk altered
// anywhere is caught.
//
// Events, not storage, because of gas. Measured on the simulated chain
// (Prague rules; TestManifestGasEventsVersusStorage): events cost 39.9 gas
// per manifest byte, the call-data floor of EIP-7623 (10 gas per token, 4
// tokens per non-zero byte), while writing the same bytes into fresh
// storage slots costs 710 gas per byte (22,100 gas per 32-byte slot), 17.8
// times as much. A 10,000-file install's manifest (about 580 KB) costs
// about 23 M gas as events and would cost about 410 M gas in storage.
// Events are not readable by contracts and rely on nodes keeping logs,
// which archive and full nodes do; the runtime reads them off chain, and a
// contract needs only the record.
//
// Gas ceiling: [PlanManifest] groups chunks into transactions, as many
// per transaction as fit under a gas ceiling ([DefaultGasCeiling], 8 M,
// under the 2^24 cap of EIP-7825) and a call-data limit
// ([DefaultMaxTxBytes]: nodes refuse transactions over 128 KiB), with a
// gas model of Prague's rules that bounds what the chain charges.
// [PublishManifest] sends the plan, each transaction with the node's
// estimate plus headroom as its gas limit, never above the ceiling; it
// reads the record first and sends only the missing chunks, so an
// interrupted publication is finished by running it again. A Safe upgrade
// authority signs a [SafeTx] per planned call instead:
// [Controller.PlanSafeManifest] plans the chunks not yet on chain (from the
// record's published count) under the limits lowered by what the Safe's
// execTransaction adds ([SafeExecBytes], [SafeExecGas]), and
// [SafeManifestTxs] wraps each call at the Safe's nonces n, n+1, ...; the
// proposal takes the next nonce. The owners may sign them all at once; the
// Safe executes them only in nonce order, which is the order the
// controller accepts the chunks in, and a transaction whose chunks the
// controller refuses reverts as a whole without spending its nonce. Nothing
// on chain ties the proposal to its chunks: activate only after reading the
// manifest back ([FetchManifest]), since a full-mode runtime fails closed on
// a root whose manifest is incomplete.
//
// # Trust model
//
// The chain is the source of truth; the server's filesystem is not trusted.
// A server pins one controller address in its configuration and, before
// trusting what it says, checks with [VerifyClone] that the address holds
// exactly the 45-byte clone code pointing at the expected implementation and
// that the implementation's runtime code hash is [ImplementationCodeHash]
// (the code this package was built with). [VerifyDeployment] does the same
// for the registry, the factory and the anchor contract.
//
// Authorities are addresses: an EOA or a Safe multisig; the contracts know
// nothing of Safe. A [Controller] or [Registry] method builds a [Call];
// [Send] sends it from a key, [SafeTx] wraps it for a Safe's owners to sign.
// Safe owners and setup reviewers sign through a [DigestSigner]
// ([SafeTx.SignWith], [SetupRequest.SignWith]): any signer of secp256k1
// digests, such as a hardware security module or a key service, with
// [KeySigner] for an in-memory key; its signatures are normalised (low s,
// v in {27, 28}) and checked to recover to its address before use.
// [InspectSafe] tells whether an authority address is a genuine Safe (proxy
// and singleton code hashes of the official deployments) and returns its
// owners and threshold; a Safe of a release it does not know is reported as
// not genuine ([ErrNotSafe]) until its hashes are added as a
// [SafeDeployment].
//
// What this does not defend against: authorities whose keys (or enough Safe
// owners' keys) are stolen can do anything their role allows, so the
// emergency authority's pause is the brake; the factory is permissionless,
// so a controller's authenticity comes only from the pinned address and
// [VerifyClone], never from having been made by the factory; and one RPC
// endpoint can lie about anything it returns, which is why the runtime reads
// through a quorum of endpoints.
//
// Readers that make calls themselves, such as a quorum reader, send
// [Controller.SnapshotCall] and decode the answer with [DecodeSnapshot]
// (and check code they agreed on with [CheckClone] and [CheckImplementation]),
// which accepts only the canonical ABI encoding: endpoints that agree on the
// bytes agree on the state. [FindAnchor] likewise reads logs through the
// one-method [LogFilterer].
//
// Contract refusals come back as [*RevertError], which unwraps to a sentinel
// per custom error ([ErrUnauthorized], [ErrUpgradeExpired],
// [ErrControllerPaused], ...), so callers use errors.Is and errors.As.
//
// # Setup on a separate device
//
// The Trust Kernel's setup is done away from the server: a [SetupRequest] is EIP-712
// typed data naming the chain id, factory, implementation, authorities,
// genesis state and salt. The reviewing device computes the controller
// address offline with [InstanceAddress], signs the request, and the server
// side checks the signature with [SetupRequest.Verify] before pinning the
// address.
//
// # Anchoring
//
// [AnchorRoot] writes a 32-byte root and a label through the Anchor contract;
// [FindAnchor] proves it later, returning the block, transaction and log
// index, through any [LogFilterer] (an RPC client, or a reader that agrees
// on logs across several endpoints).
//
// # Wire formats
//
// snapshot() returns the canonical ABI encoding of one static tuple, 22
// 32-byte words in this order: version (uint64, 2), initialized (bool),
// rootAuthority, upgradeAuthority, emergencyAuthority, pendingRootAuthority
// (addresses), activeRoot, activeUriHash, activePolicyHash (bytes32),
// activatedAt (uint64, block time), paused (bool), pendingUpgrade {root,
// uriHash, policyHash (bytes32), proposedAt, expiresAt (uint64; expiresAt 0
// means none)}, changeCount (uint64), releaseRegistry (address),
// activeComponentId (bytes32), activeVersion (uint64), pendingComponentId
// (bytes32), pendingVersion (uint64). Version 1 had the first 17 words
// only. [Snapshot] keeps the pending release's name in its PendingUpgrade.
//
// A ManifestChunk log has three topics, keccak256("ManifestChunk(bytes32,
// uint32,uint32,bytes)") ([ManifestChunkTopic]), the root and the index
// (a uint32 in a word), and data (uint32 count, bytes chunk) in the
// canonical ABI encoding: count, 0x40, the chunk's length, the chunk padded
// with zeros to a word. manifestRecord returns four words.
//
// A setup request is signed as EIP-712 typed data with the domain
// {name: "accord trustkernel setup", version: "1", chainId, verifyingContract:
// factory} and the type
//
//	SetupRequest(string install,address factory,address implementation,
//	  address controller,address rootAuthority,address upgradeAuthority,
//	  address emergencyAuthority,bytes32 genesisRoot,bytes32 genesisUriHash,
//	  bytes32 genesisPolicyHash,bytes32 salt,uint64 notAfter)
//
// Signatures are 65 bytes r || s || v with v in {27, 28} and s in the lower
// half of the curve order. A SafeTx is hashed exactly as the Safe contract's
// getTransactionHash does (domain {chainId, verifyingContract: safe}); this
// package builds SafeTxs with operation call and no gas refund.
//
// # Quorum reads
//
// The package reads its controller through a k-of-N quorum of RPC
// endpoints pinned by block hash: package
// github.com/accordsdk/accord/trustkernel/quorum, whose documentation
// gives the protocol, its failure modes and its trust model.
// [Config.QuorumReader] makes a [quorum.Reader] from the configuration.
// [QuorumSnapshot] reads a controller's snapshot() through it and decodes
// it with [DecodeSnapshot], and [ControllerState] feeds it to a runtime,
// checking through the quorum, at the first read, after a failed read and
// whenever the controller's changeCount changes, that the controller's code
// is the EIP-1167 clone of a genuine implementation. [FetchManifest] reads a
// full-mode manifest through it and [BurnVerifier] a burn transaction.
//
// # Runtime policy (outage rules)
//
// Whether an install may serve is decided by package
// github.com/accordsdk/accord/trustkernel/runtime, which imports no chain
// code; its documentation gives the outage rules, the install check and
// the outbox format. This package feeds it: [ControllerState] is its
// runtime.StateSource (the controller's snapshot through a quorum reader,
// with the clone checked), [ChainManifests] its runtime.ManifestSource in
// full mode, [Config.Policy] its policy and [Config.InstallCheck] the
// install check the configured mode asks for.
//
// # Safe transaction files
//
// An authority that is a Safe acts through a transaction its owners sign.
// A [SafeTxFile] writes one down for them: the Safe, chain id, target, value,
// call data, operation 0, Safe nonce, the trustkernel method called, the
// EIP-712 safeTxHash and the signatures collected so far, as JSON
// ([ParseSafeTxFile] refuses a file whose hash or any signature does not
// match its transaction). Owners add signatures ([SafeTxFile.AddSignature],
// through any [DigestSigner]); anyone executes it with [ExecSafeTx] once the
// Safe's threshold is met.
//
// # Configuration
//
// [ParseConfig] and [LoadConfig] read the Trust Kernel's trust.web3 keys from JSON
// ({"trust": {"web3": {...}}}): chain_id, rpc_endpoints, rpc_quorum,
// max_stale_sec, mode (root_uri or full), contracts.instance_controller,
// contracts.release_registry and tx_outbox_dir. Unknown, duplicate or
// non-lower-case keys, trailing data and bad values are rejected with
// [ErrConfig] and the key's name. A single endpoint or rpc_quorum 1 is
// refused ([quorum.ErrSingleEndpoint]) unless the file is read with
// [AllowDevelopmentQuorum].
//
// The optional key network names a preset ([Network], [Networks]): "edgen"
// is the reference network (Edgen Chain, chain id 4207, endpoint
// https://rpc.layeredge.io) and "local" a development chain on this machine
// (chain id 1337, http://127.0.0.1:8545). A preset supplies chain_id,
// rpc_endpoints and rpc_quorum (the smallest strict majority) when the file
// leaves them out, and refuses a chain_id other than its own. It never
// lowers the quorum rule: each preset has a single default endpoint, so a
// production file lists at least two, and the local preset alone is
// accepted only with [AllowDevelopmentQuorum].
//
// # Integrity manifests
//
// Manifests (the file list of an install and its Merkle root, the value a
// controller's activeRoot attests) are built and checked by package
// [github.com/accordsdk/accord/trustkernel/integrity], which imports no
// Ethereum library.
//
// The choice of mode is a choice of cost. [EstimateModeCost] asks the chain
// what anchoring a given manifest costs in a mode before anything is sent:
// every transaction the upgrade authority would send is estimated with
// eth_estimateGas, as that authority, at the latest block, and priced at
// eth_gasPrice ([CostEstimate]): in root_uri mode the proposal, in full
// mode the chunk publications as well (each through a stand-in the chain
// accepts before the earlier chunks are on chain, so an upper bound). A
// call the chain would refuse fails the estimate with its decoded revert.
// [EstimateDeployment] does the same for the four creations of [Deploy];
// the InstanceFactory's constructor needs the implementation's code, so its
// creation is estimated with an eth_estimateGas state override placing that
// code where Deploy will create it ([ErrNoStateOverride] from endpoints
// that do not apply one).
//
// # Test chain
//
// The simchain package runs go-ethereum's simulated backend pinned to the
// Prague fork and serves it over JSON-RPC on loopback, sealing a block after
// every transaction. Tests, the example and the tour use it. Its
// [github.com/accordsdk/accord/trustkernel/simchain.Proxy] endpoints sit in
// front of a chain and misbehave on purpose: they delay, flip a byte of
// eth_call results and logs, lag 20 blocks behind (rewriting head answers and
// refusing newer blocks), die, or claim a head in the future; the quorum tests
// and benchmarks are built on them.
package trustkernel
