// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {ReleaseRegistry} from "./ReleaseRegistry.sol";

/// @title InstanceController
/// @notice Per-install trust authority: the attested state of one install
/// (active root, URI hash and policy hash), a pending upgrade with a TTL, a
/// pause switch and three authorities. Instances are EIP-1167 clones created
/// and initialised in one transaction by InstanceFactory; the implementation
/// itself is locked by its constructor and can never be initialised.
///
/// Powers: the root authority rotates the other authorities, hands its own
/// role over in two steps, changes the policy hash, pins the release registry
/// and may cancel a pending upgrade. The upgrade authority proposes and
/// activates upgrades, publishes full-mode manifests and may cancel. The
/// emergency authority pauses, unpauses and may cancel a pending upgrade
/// (break-glass). While a release registry is pinned, upgrades must name a
/// published release, and activation checks the registry again.
///
/// Full mode: the upgrade authority publishes the chunked manifest of a root
/// as ManifestChunk events, in order, in as many transactions as the gas
/// ceiling requires; one storage slot per root records the chunk count,
/// how many were published and the first and last block holding them.
contract InstanceController {
    /// @notice Version of this contract and of the Snapshot layout.
    uint64 public constant VERSION = 2;
    /// @notice Shortest allowed proposal TTL in seconds.
    uint64 public constant MIN_TTL_SEC = 60;
    /// @notice Longest allowed proposal TTL in seconds (30 days).
    uint64 public constant MAX_TTL_SEC = 30 days;
    /// @notice Most chunks one manifest may have.
    uint32 public constant MAX_MANIFEST_CHUNKS = 1 << 20;

    /// @notice Authority roles, as reported in AuthorityChanged.
    uint8 public constant ROLE_ROOT = 1;
    uint8 public constant ROLE_UPGRADE = 2;
    uint8 public constant ROLE_EMERGENCY = 3;

    /// @notice A proposed upgrade. expiresAt is zero when there is none.
    struct Proposal {
        bytes32 root;
        bytes32 uriHash;
        bytes32 policyHash;
        uint64 proposedAt;
        uint64 expiresAt;
    }

    /// @notice The whole state of the controller, read in one call.
    struct Snapshot {
        uint64 version;
        bool initialized;
        address rootAuthority;
        address upgradeAuthority;
        address emergencyAuthority;
        address pendingRootAuthority;
        bytes32 activeRoot;
        bytes32 activeUriHash;
        bytes32 activePolicyHash;
        uint64 activatedAt;
        bool paused;
        Proposal pendingUpgrade;
        uint64 changeCount;
        address releaseRegistry;
        bytes32 activeComponentId;
        uint64 activeVersion;
        bytes32 pendingComponentId;
        uint64 pendingVersion;
    }

    /// @notice Progress of a full-mode manifest: count chunks in all,
    /// published of them so far (in order), the blocks of the first and the
    /// latest. count is zero when nothing was published for the root.
    struct ManifestRecord {
        uint32 count;
        uint32 published;
        uint64 firstBlock;
        uint64 lastBlock;
    }

    /// @notice initialize was called on an initialised controller (or on the implementation).
    error AlreadyInitialized();
    /// @notice The caller is not the authority this function requires.
    error Unauthorized(address caller, address authority);
    /// @notice An authority argument was zero.
    error ZeroAddress();
    /// @notice A proposed root was zero.
    error ZeroRoot();
    /// @notice The TTL is outside [MIN_TTL_SEC, MAX_TTL_SEC].
    error InvalidTtl(uint64 ttlSec, uint64 minTtlSec, uint64 maxTtlSec);
    /// @notice There is no pending upgrade.
    error NoPendingUpgrade();
    /// @notice The pending upgrade expired at expiresAt; the block time is now.
    error UpgradeExpired(uint64 expiresAt, uint64 now);
    /// @notice The controller is paused.
    error ControllerPaused();
    /// @notice The controller is not paused.
    error NotPaused();
    /// @notice The caller is not the pending root authority.
    error NotPendingRootAuthority(address caller, address pendingRootAuthority);
    /// @notice The release registry address has no code.
    error NoCode(address account);
    /// @notice A release proposal named the zero component id.
    error ZeroComponentId();
    /// @notice No release registry is pinned.
    error NoReleaseRegistry();
    /// @notice A release registry is pinned: proposals must name a release.
    error ReleaseRequired(address releaseRegistry);
    /// @notice The registry has no release under componentId and version.
    error ReleaseNotPublished(bytes32 componentId, uint64 version);
    /// @notice The pending upgrade's root or URI hash differs from the release published under its name.
    error ReleaseMismatch(bytes32 componentId, uint64 version, bytes32 publishedRoot, bytes32 publishedUriHash);
    /// @notice A manifest's chunk count is zero, too large, or differs from the count first published.
    error BadChunkCount(uint32 count, uint32 recordedCount);
    /// @notice Chunks must be published in order: first must equal the number already published.
    error ChunkOutOfOrder(uint32 first, uint32 published);
    /// @notice More chunks than the manifest's count, or none at all.
    error TooManyChunks(uint32 first, uint256 chunks, uint32 count);

    /// @notice The controller was initialised.
    event Initialized(
        address indexed rootAuthority,
        address indexed upgradeAuthority,
        address indexed emergencyAuthority,
        bytes32 root,
        bytes32 uriHash,
        bytes32 policyHash
    );
    /// @notice An upgrade was proposed; it can be activated until expiresAt.
    event UpgradeProposed(bytes32 indexed root, bytes32 uriHash, bytes32 policyHash, uint64 expiresAt);
    /// @notice A pending upgrade was activated.
    event UpgradeActivated(bytes32 indexed root, bytes32 uriHash, bytes32 policyHash, bytes32 previousRoot);
    /// @notice A pending upgrade was withdrawn (cancelled or replaced).
    event UpgradeCancelled(bytes32 indexed root);
    /// @notice The controller was paused by the emergency authority.
    event Paused(address indexed by);
    /// @notice The controller was unpaused by the emergency authority.
    event Unpaused(address indexed by);
    /// @notice An authority changed.
    event AuthorityChanged(uint8 indexed role, address indexed previous, address indexed current);
    /// @notice The root authority offered its role to pending.
    event RootAuthorityTransferStarted(address indexed current, address indexed pending);
    /// @notice The root authority changed the active policy hash.
    event PolicyHashChanged(bytes32 previous, bytes32 current);
    /// @notice The root authority pinned a release registry (zero: none).
    event ReleaseRegistryChanged(address indexed previous, address indexed current);
    /// @notice The pending upgrade names this release of the pinned registry.
    event ReleaseProposed(bytes32 indexed componentId, uint64 indexed version, bytes32 root);
    /// @notice The activated upgrade was this release.
    event ReleaseActivated(bytes32 indexed componentId, uint64 indexed version, bytes32 root);
    /// @notice One chunk of the full-mode manifest of root.
    event ManifestChunk(bytes32 indexed root, uint32 indexed index, uint32 count, bytes chunk);
    /// @notice Every chunk of the full-mode manifest of root is published.
    event ManifestPublished(bytes32 indexed root, uint32 count);

    bool private initialized;
    address private rootAuthority;
    address private upgradeAuthority;
    address private emergencyAuthority;
    address private pendingRootAuthority;
    bytes32 private activeRoot;
    bytes32 private activeUriHash;
    bytes32 private activePolicyHash;
    uint64 private activatedAt;
    bool private paused;
    uint64 private changeCount;
    Proposal private pendingUpgrade;
    address private releaseRegistry;
    bytes32 private activeComponentId;
    uint64 private activeVersion;
    bytes32 private pendingComponentId;
    uint64 private pendingVersion;
    mapping(bytes32 => ManifestRecord) private manifests;

    /// @notice Locks the implementation: only clones can be initialised.
    constructor() {
        initialized = true;
    }

    /// @notice Sets the authorities and the genesis state. The factory calls it
    /// in the transaction that creates the clone. The genesis root may be zero
    /// (no release active yet); the authorities may not.
    function initialize(
        address root,
        address upgrade,
        address emergency,
        bytes32 genesisRoot,
        bytes32 genesisUriHash,
        bytes32 genesisPolicyHash
    ) external {
        if (initialized) revert AlreadyInitialized();
        if (root == address(0) || upgrade == address(0) || emergency == address(0)) revert ZeroAddress();
        initialized = true;
        rootAuthority = root;
        upgradeAuthority = upgrade;
        emergencyAuthority = emergency;
        activeRoot = genesisRoot;
        activeUriHash = genesisUriHash;
        activePolicyHash = genesisPolicyHash;
        activatedAt = uint64(block.timestamp);
        changeCount = 1;
        emit Initialized(root, upgrade, emergency, genesisRoot, genesisUriHash, genesisPolicyHash);
    }

    /// @notice Returns the whole state in one call.
    function snapshot() external view returns (Snapshot memory s) {
        s.version = VERSION;
        s.initialized = initialized;
        s.rootAuthority = rootAuthority;
        s.upgradeAuthority = upgradeAuthority;
        s.emergencyAuthority = emergencyAuthority;
        s.pendingRootAuthority = pendingRootAuthority;
        s.activeRoot = activeRoot;
        s.activeUriHash = activeUriHash;
        s.activePolicyHash = activePolicyHash;
        s.activatedAt = activatedAt;
        s.paused = paused;
        s.pendingUpgrade = pendingUpgrade;
        s.changeCount = changeCount;
        s.releaseRegistry = releaseRegistry;
        s.activeComponentId = activeComponentId;
        s.activeVersion = activeVersion;
        s.pendingComponentId = pendingComponentId;
        s.pendingVersion = pendingVersion;
    }

    /// @notice Returns the progress of root's full-mode manifest.
    function manifestRecord(bytes32 root) external view returns (ManifestRecord memory) {
        return manifests[root];
    }

    /// @notice Proposes an upgrade to a raw root, replacing any pending one.
    /// Upgrade authority only, not while paused, and only while no release
    /// registry is pinned (then proposeRelease names a published release).
    function proposeUpgrade(bytes32 root, bytes32 uriHash, bytes32 policyHash, uint64 ttlSec) external {
        _only(upgradeAuthority);
        if (releaseRegistry != address(0)) revert ReleaseRequired(releaseRegistry);
        _propose(root, uriHash, policyHash, ttlSec);
        pendingComponentId = bytes32(0);
        pendingVersion = 0;
    }

    /// @notice Proposes the release published under componentId and version
    /// in the pinned registry, replacing any pending proposal. Upgrade
    /// authority only, not while paused.
    function proposeRelease(bytes32 componentId, uint64 version, bytes32 policyHash, uint64 ttlSec) external {
        _only(upgradeAuthority);
        if (componentId == bytes32(0)) revert ZeroComponentId();
        ReleaseRegistry.Release memory r = _release(componentId, version);
        _propose(r.root, r.uriHash, policyHash, ttlSec);
        pendingComponentId = componentId;
        pendingVersion = version;
        emit ReleaseProposed(componentId, version, r.root);
    }

    /// @notice Activates the pending upgrade. Upgrade authority only, within
    /// the TTL, not while paused. A proposal naming a release is activated
    /// only if the pinned registry still publishes that root and URI hash
    /// under its name; a raw proposal only while no registry is pinned.
    function activateUpgrade() external {
        _only(upgradeAuthority);
        if (paused) revert ControllerPaused();
        Proposal memory p = pendingUpgrade;
        if (p.expiresAt == 0) revert NoPendingUpgrade();
        if (block.timestamp > p.expiresAt) revert UpgradeExpired(p.expiresAt, uint64(block.timestamp));
        bytes32 componentId = pendingComponentId;
        uint64 version = pendingVersion;
        if (componentId != bytes32(0)) {
            ReleaseRegistry.Release memory r = _release(componentId, version);
            if (r.root != p.root || r.uriHash != p.uriHash) {
                revert ReleaseMismatch(componentId, version, r.root, r.uriHash);
            }
        } else if (releaseRegistry != address(0)) {
            revert ReleaseRequired(releaseRegistry);
        }
        bytes32 previous = activeRoot;
        activeRoot = p.root;
        activeUriHash = p.uriHash;
        activePolicyHash = p.policyHash;
        activatedAt = uint64(block.timestamp);
        activeComponentId = componentId;
        activeVersion = version;
        delete pendingUpgrade;
        pendingComponentId = bytes32(0);
        pendingVersion = 0;
        changeCount++;
        emit UpgradeActivated(p.root, p.uriHash, p.policyHash, previous);
        if (componentId != bytes32(0)) emit ReleaseActivated(componentId, version, p.root);
    }

    /// @notice Withdraws the pending upgrade. Upgrade, root or emergency
    /// authority; allowed while paused.
    function cancelUpgrade() external {
        if (msg.sender != upgradeAuthority && msg.sender != rootAuthority && msg.sender != emergencyAuthority) {
            revert Unauthorized(msg.sender, upgradeAuthority);
        }
        if (pendingUpgrade.expiresAt == 0) revert NoPendingUpgrade();
        bytes32 root = pendingUpgrade.root;
        delete pendingUpgrade;
        pendingComponentId = bytes32(0);
        pendingVersion = 0;
        changeCount++;
        emit UpgradeCancelled(root);
    }

    /// @notice Publishes chunks first .. first+chunks.length-1 of the
    /// full-mode manifest of root, which has count chunks in all. Chunks are
    /// published in order and once each; the count is fixed by the first
    /// call. Upgrade authority only, not while paused. The chunks are not
    /// interpreted here: a reader decodes them and checks that their Merkle
    /// root is root.
    function publishManifestChunks(bytes32 root, uint32 first, uint32 count, bytes[] calldata chunks) external {
        _only(upgradeAuthority);
        if (paused) revert ControllerPaused();
        if (root == bytes32(0)) revert ZeroRoot();
        ManifestRecord memory m = manifests[root];
        if (count == 0 || count > MAX_MANIFEST_CHUNKS || (m.count != 0 && count != m.count)) {
            revert BadChunkCount(count, m.count);
        }
        if (first != m.published) revert ChunkOutOfOrder(first, m.published);
        if (chunks.length == 0 || chunks.length > count - first) revert TooManyChunks(first, chunks.length, count);
        for (uint256 i = 0; i < chunks.length; i++) {
            emit ManifestChunk(root, first + uint32(i), count, chunks[i]);
        }
        if (m.count == 0) m.firstBlock = uint64(block.number);
        m.count = count;
        m.published = first + uint32(chunks.length);
        m.lastBlock = uint64(block.number);
        manifests[root] = m;
        if (m.published == count) emit ManifestPublished(root, count);
    }
    /// @notice Pauses the controller. Emergency authority only.
    function pause() external {
        _only(emergencyAuthority);
        if (paused) revert ControllerPaused();
        paused = true;
        changeCount++;
        emit Paused(msg.sender);
    }

    /// @notice Unpauses the controller. Emergency authority only.
    function unpause() external {
        _only(emergencyAuthority);
        if (!paused) revert NotPaused();
        paused = false;
        changeCount++;
        emit Unpaused(msg.sender);
    }

    /// @notice Changes the active policy hash. Root authority only; allowed while paused.
    function setPolicyHash(bytes32 next) external {
        _only(rootAuthority);
        emit PolicyHashChanged(activePolicyHash, next);
        activePolicyHash = next;
        changeCount++;
    }

    /// @notice Pins the release registry that proposals must name releases
    /// of; zero unpins it (raw roots again). Root authority only.
    function setReleaseRegistry(address next) external {
        _only(rootAuthority);
        if (next != address(0) && next.code.length == 0) revert NoCode(next);
        emit ReleaseRegistryChanged(releaseRegistry, next);
        releaseRegistry = next;
        changeCount++;
    }

    /// @notice Replaces the upgrade authority. Root authority only.
    function setUpgradeAuthority(address next) external {
        _only(rootAuthority);
        if (next == address(0)) revert ZeroAddress();
        emit AuthorityChanged(ROLE_UPGRADE, upgradeAuthority, next);
        upgradeAuthority = next;
        changeCount++;
    }

    /// @notice Replaces the emergency authority. Root authority only.
    function setEmergencyAuthority(address next) external {
        _only(rootAuthority);
        if (next == address(0)) revert ZeroAddress();
        emit AuthorityChanged(ROLE_EMERGENCY, emergencyAuthority, next);
        emergencyAuthority = next;
        changeCount++;
    }

    /// @notice Offers the root authority role to next, who must accept it.
    /// Root authority only; a zero address withdraws the offer.
    function transferRootAuthority(address next) external {
        _only(rootAuthority);
        pendingRootAuthority = next;
        changeCount++;
        emit RootAuthorityTransferStarted(rootAuthority, next);
    }

    /// @notice Completes a root authority transfer. Pending root authority only.
    function acceptRootAuthority() external {
        address pending = pendingRootAuthority;
        if (pending == address(0) || msg.sender != pending) revert NotPendingRootAuthority(msg.sender, pending);
        emit AuthorityChanged(ROLE_ROOT, rootAuthority, pending);
        rootAuthority = pending;
        pendingRootAuthority = address(0);
        changeCount++;
    }

    function _propose(bytes32 root, bytes32 uriHash, bytes32 policyHash, uint64 ttlSec) private {
        if (paused) revert ControllerPaused();
        if (root == bytes32(0)) revert ZeroRoot();
        if (ttlSec < MIN_TTL_SEC || ttlSec > MAX_TTL_SEC) revert InvalidTtl(ttlSec, MIN_TTL_SEC, MAX_TTL_SEC);
        if (pendingUpgrade.expiresAt != 0) emit UpgradeCancelled(pendingUpgrade.root);
        uint64 expiresAt = uint64(block.timestamp) + ttlSec;
        pendingUpgrade = Proposal(root, uriHash, policyHash, uint64(block.timestamp), expiresAt);
        changeCount++;
        emit UpgradeProposed(root, uriHash, policyHash, expiresAt);
    }

    /// Reads a release from the pinned registry; a missing release (or a
    /// registry that does not answer like one) is ReleaseNotPublished.
    function _release(bytes32 componentId, uint64 version) private view returns (ReleaseRegistry.Release memory r) {
        address registry = releaseRegistry;
        if (registry == address(0)) revert NoReleaseRegistry();
        try ReleaseRegistry(registry).getRelease(componentId, version) returns (ReleaseRegistry.Release memory got) {
            r = got;
        } catch {
            revert ReleaseNotPublished(componentId, version);
        }
        if (r.root == bytes32(0)) revert ReleaseNotPublished(componentId, version);
    }

    function _only(address authority) private view {
        if (msg.sender != authority) revert Unauthorized(msg.sender, authority);
    }
}
