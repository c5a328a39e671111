// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

/// @title InstanceController
/// @notice Per-install trust authority: the attested state of one install
/// (active root, URI hash and policy hash), a pending upgrade with a TTL, a
/// pause switch and three authorities. Instances are EIP-1167 clones created
/// and initialised in one transaction by InstanceFactory; the implementation
/// itself is locked by its constructor and can never be initialised.
contract InstanceController {
    /// @notice Version of this contract and of the Snapshot layout.
    uint64 public constant VERSION = 1;
    /// @notice Shortest allowed proposal TTL in seconds.
    uint64 public constant MIN_TTL_SEC = 60;
    /// @notice Longest allowed proposal TTL in seconds (30 days).
    uint64 public constant MAX_TTL_SEC = 30 days;

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
    }

    /// @notice Proposes an upgrade, replacing any pending one. Upgrade authority only, not while paused.
    function proposeUpgrade(bytes32 root, bytes32 uriHash, bytes32 policyHash, uint64 ttlSec) external {
        _only(upgradeAuthority);
        if (paused) revert ControllerPaused();
        if (root == bytes32(0)) revert ZeroRoot();
        if (ttlSec < MIN_TTL_SEC || ttlSec > MAX_TTL_SEC) revert InvalidTtl(ttlSec, MIN_TTL_SEC, MAX_TTL_SEC);
        if (pendingUpgrade.expiresAt != 0) emit UpgradeCancelled(pendingUpgrade.root);
        uint64 expiresAt = uint64(block.timestamp) + ttlSec;
        pendingUpgrade = Proposal(root, uriHash, policyHash, uint64(block.timestamp), expiresAt);
        changeCount++;
        emit UpgradeProposed(root, uriHash, policyHash, expiresAt);
    }

    /// @notice Activates the pending upgrade. Upgrade authority only, within the TTL, not while paused.
    function activateUpgrade() external {
        _only(upgradeAuthority);
        if (paused) revert ControllerPaused();
        Proposal memory p = pendingUpgrade;
        if (p.expiresAt == 0) revert NoPendingUpgrade();
        if (block.timestamp > p.expiresAt) revert UpgradeExpired(p.expiresAt, uint64(block.timestamp));
        bytes32 previous = activeRoot;
        activeRoot = p.root;
        activeUriHash = p.uriHash;
        activePolicyHash = p.policyHash;
        activatedAt = uint64(block.timestamp);
        delete pendingUpgrade;
        changeCount++;
        emit UpgradeActivated(p.root, p.uriHash, p.policyHash, previous);
    }

    /// @notice Withdraws the pending upgrade. Upgrade or root authority.
    function cancelUpgrade() external {
        if (msg.sender != upgradeAuthority && msg.sender != rootAuthority) {
            revert Unauthorized(msg.sender, upgradeAuthority);
        }
        if (pendingUpgrade.expiresAt == 0) revert NoPendingUpgrade();
        bytes32 root = pendingUpgrade.root;
        delete pendingUpgrade;
        changeCount++;
        emit UpgradeCancelled(root);
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

    function _only(address authority) private view {
        if (msg.sender != authority) revert Unauthorized(msg.sender, authority);
    }
}
