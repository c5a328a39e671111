// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {InstanceController} from "./InstanceController.sol";

/// @title InstanceFactory
/// @notice Creates InstanceController clones (EIP-1167 minimal proxies) with
/// CREATE2 and initialises each in the same transaction. The factory is
/// permissionless: the CREATE2 salt commits to the authorities, the genesis
/// state and the caller's salt, so an address predicted for one set of
/// parameters can only ever hold a controller initialised with exactly those.
contract InstanceFactory {
    /// @notice The implementation every clone delegates to.
    address public immutable implementation;

    /// @notice The implementation address has no code.
    error NoImplementation(address implementation);
    /// @notice A controller already exists at the predicted address.
    error InstanceExists(address instance);

    /// @notice A controller clone was created and initialised.
    event InstanceCreated(
        address indexed instance,
        address indexed rootAuthority,
        bytes32 indexed salt,
        address upgradeAuthority,
        address emergencyAuthority,
        bytes32 genesisRoot
    );

    constructor(address impl) {
        if (impl.code.length == 0) revert NoImplementation(impl);
        implementation = impl;
    }

    /// @notice Creates and initialises a controller clone.
    function createInstance(
        address rootAuthority,
        address upgradeAuthority,
        address emergencyAuthority,
        bytes32 genesisRoot,
        bytes32 genesisUriHash,
        bytes32 genesisPolicyHash,
        bytes32 salt
    ) external returns (address instance) {
        bytes32 s = _salt(
            rootAuthority, upgradeAuthority, emergencyAuthority, genesisRoot, genesisUriHash, genesisPolicyHash, salt
        );
        bytes memory code = _creationCode();
        assembly {
            instance := create2(0, add(code, 0x20), mload(code), s)
        }
        if (instance == address(0)) revert InstanceExists(_predict(s));
        InstanceController(instance).initialize(
            rootAuthority, upgradeAuthority, emergencyAuthority, genesisRoot, genesisUriHash, genesisPolicyHash
        );
        emit InstanceCreated(instance, rootAuthority, salt, upgradeAuthority, emergencyAuthority, genesisRoot);
    }

    /// @notice Returns the address createInstance would use for these arguments.
    function predictInstance(
        address rootAuthority,
        address upgradeAuthority,
        address emergencyAuthority,
        bytes32 genesisRoot,
        bytes32 genesisUriHash,
        bytes32 genesisPolicyHash,
        bytes32 salt
    ) external view returns (address) {
        return _predict(
            _salt(
                rootAuthority,
                upgradeAuthority,
                emergencyAuthority,
                genesisRoot,
                genesisUriHash,
                genesisPolicyHash,
                salt
            )
        );
    }

    function _salt(
        address rootAuthority,
        address upgradeAuthority,
        address emergencyAuthority,
        bytes32 genesisRoot,
        bytes32 genesisUriHash,
        bytes32 genesisPolicyHash,
        bytes32 salt
    ) private pure returns (bytes32) {
        return keccak256(
            abi.encode(
                rootAuthority, upgradeAuthority, emergencyAuthority, genesisRoot, genesisUriHash, genesisPolicyHash, salt
            )
        );
    }

    function _predict(bytes32 s) private view returns (address) {
        bytes32 h = keccak256(abi.encodePacked(bytes1(0xff), address(this), s, keccak256(_creationCode())));
        return address(uint160(uint256(h)));
    }

    /// EIP-1167 creation code: a 10-byte constructor that returns the 45-byte
    /// runtime 363d3d373d3d3d363d73 <implementation> 5af43d82803e903d91602b57fd5bf3.
    function _creationCode() private view returns (bytes memory) {
        return abi.encodePacked(
            hex"3d602d80600a3d3981f3363d3d373d3d3d363d73", implementation, hex"5af43d82803e903d91602b57fd5bf3"
        );
    }
}
