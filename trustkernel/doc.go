// Package trustkernel anchors the trust of an install on an EVM chain: which
// release an install may run, who may change that, and a switch that makes
// every runtime fail closed.
//
// It implements the Trust Kernel seed against a real EVM: Solidity contracts
// with committed artifacts and Go bindings, deployment and clone
// verification, an authority client whose calls can be sent from an EOA or
// through a Safe multisig, an EIP-712 setup request for offline review, and
// anchoring of Merkle roots from elsewhere in accord.
//
// # Contracts
//
// The sources are in contracts/src, compiled by solc-js at the exact version
// in contracts/package-lock.json for the Prague EVM; artifacts (abi, bin,
// bin-runtime) are in contracts/artifacts and abigen v2 bindings in the
// bindings package. `go generate ./trustkernel` rebuilds both; CI rebuilds
// them from scratch and fails if they differ from what is committed.
//
//   - ReleaseRegistry: componentId (bytes32) + version (uint64) ->
//     {root, uriHash, metaHash, publishedAt}. Append-only: a version is
//     published once and versions of a component strictly increase.
//     Publishing is gated by an owner, handed over in two steps
//     ([Registry.TransferOwnership], [Registry.AcceptOwnership]).
//   - InstanceController: the per-install state of the seed (activeRoot,
//     activeUriHash, activePolicyHash, paused, a pending upgrade with a TTL of
//     one minute to 30 days, the root, upgrade and emergency authorities). One
//     call, snapshot(), returns all of it together with a changeCount that
//     grows with every change; every change emits an event; every refusal is
//     a custom error. The root authority replaces the other two and hands its
//     own role over in two steps.
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
// The seed's setup is done away from the server: a [SetupRequest] is EIP-712
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
// snapshot() returns the canonical ABI encoding of one static tuple, 17
// 32-byte words in this order: version (uint64, 1), initialized (bool),
// rootAuthority, upgradeAuthority, emergencyAuthority, pendingRootAuthority
// (addresses), activeRoot, activeUriHash, activePolicyHash (bytes32),
// activatedAt (uint64, block time), paused (bool), pendingUpgrade {root,
// uriHash, policyHash (bytes32), proposedAt, expiresAt (uint64; expiresAt 0
// means none)}, changeCount (uint64).
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
// # Test chain
//
// The simchain package runs go-ethereum's simulated backend pinned to the
// Prague fork and serves it over JSON-RPC on loopback, sealing a block after
// every transaction. Tests, the example and the tour use it.
package trustkernel
