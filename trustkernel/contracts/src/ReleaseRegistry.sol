// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

/// @title ReleaseRegistry
/// @notice Global registry of official release roots: componentId + version
/// -> {root, uriHash, metaHash}. Releases are append-only: a version can be
/// published once and versions of one component strictly increase.
/// Publishing is gated by an owner, which can be handed to an authority (an
/// EOA or a Safe) in two steps.
contract ReleaseRegistry {
    /// @notice One published release.
    struct Release {
        bytes32 root;
        bytes32 uriHash;
        bytes32 metaHash;
        uint64 publishedAt;
    }

    /// @notice The caller is not the owner.
    error NotOwner(address caller, address owner);
    /// @notice The caller is not the pending owner.
    error NotPendingOwner(address caller, address pendingOwner);
    /// @notice An address argument was zero.
    error ZeroAddress();
    /// @notice A root argument was zero.
    error ZeroRoot();
    /// @notice The version is not above the latest published version.
    error VersionNotIncreasing(bytes32 componentId, uint64 version, uint64 latest);
    /// @notice No release is published under this component and version.
    error ReleaseNotFound(bytes32 componentId, uint64 version);

    /// @notice A release was published.
    event ReleasePublished(
        bytes32 indexed componentId, uint64 indexed version, bytes32 root, bytes32 uriHash, bytes32 metaHash
    );
    /// @notice The owner offered ownership to pendingOwner.
    event OwnershipTransferStarted(address indexed owner, address indexed pendingOwner);
    /// @notice Ownership moved from previousOwner to newOwner.
    event OwnershipTransferred(address indexed previousOwner, address indexed newOwner);

    /// @notice The address allowed to publish.
    address public owner;
    /// @notice The address offered ownership, or zero.
    address public pendingOwner;
    /// @notice The latest published version of each component (zero if none).
    mapping(bytes32 => uint64) public latestVersion;

    mapping(bytes32 => mapping(uint64 => Release)) private releases;

    constructor(address initialOwner) {
        if (initialOwner == address(0)) revert ZeroAddress();
        owner = initialOwner;
        emit OwnershipTransferred(address(0), initialOwner);
    }

    /// @notice Publishes a release. Only the owner may publish; versions of a
    /// component strictly increase and the root is never zero.
    function publish(bytes32 componentId, uint64 version, bytes32 root, bytes32 uriHash, bytes32 metaHash) external {
        if (msg.sender != owner) revert NotOwner(msg.sender, owner);
        if (root == bytes32(0)) revert ZeroRoot();
        uint64 latest = latestVersion[componentId];
        if (version <= latest) revert VersionNotIncreasing(componentId, version, latest);
        latestVersion[componentId] = version;
        releases[componentId][version] = Release(root, uriHash, metaHash, uint64(block.timestamp));
        emit ReleasePublished(componentId, version, root, uriHash, metaHash);
    }

    /// @notice Returns a published release, or reverts with ReleaseNotFound.
    function getRelease(bytes32 componentId, uint64 version) external view returns (Release memory) {
        Release memory r = releases[componentId][version];
        if (r.root == bytes32(0)) revert ReleaseNotFound(componentId, version);
        return r;
    }

    /// @notice Offers ownership to newOwner, who must call acceptOwnership.
    function transferOwnership(address newOwner) external {
        if (msg.sender != owner) revert NotOwner(msg.sender, owner);
        if (newOwner == address(0)) revert ZeroAddress();
        pendingOwner = newOwner;
        emit OwnershipTransferStarted(owner, newOwner);
    }

    /// @notice Completes an ownership transfer; only the pending owner may call.
    function acceptOwnership() external {
        if (msg.sender != pendingOwner) revert NotPendingOwner(msg.sender, pendingOwner);
        address previous = owner;
        owner = msg.sender;
        pendingOwner = address(0);
        emit OwnershipTransferred(previous, msg.sender);
    }
}
