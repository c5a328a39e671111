// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

/// @title Anchor
/// @notice Records 32-byte Merkle roots with a label as events. It keeps no
/// storage: the log entry (block, transaction, log index) is the record, and
/// its sender says who anchored. Anyone may anchor; verifiers check the sender.
contract Anchor {
    /// @notice The largest label in bytes.
    uint256 public constant MAX_LABEL_BYTES = 256;

    /// @notice A root argument was zero.
    error ZeroRoot();
    /// @notice The label is longer than MAX_LABEL_BYTES.
    error LabelTooLong(uint256 length, uint256 max);

    /// @notice A root was anchored by sender under label.
    event Anchored(bytes32 indexed root, address indexed sender, bytes32 indexed labelHash, string label);

    /// @notice Anchors root under label.
    function anchor(bytes32 root, string calldata label) external {
        if (root == bytes32(0)) revert ZeroRoot();
        if (bytes(label).length > MAX_LABEL_BYTES) revert LabelTooLong(bytes(label).length, MAX_LABEL_BYTES);
        emit Anchored(root, msg.sender, keccak256(bytes(label)), label);
    }
}
