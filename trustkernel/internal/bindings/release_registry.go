// Code generated via abigen V2 - DO NOT EDIT.
// This file is a generated binding and any manual changes will be lost.

package bindings

import (
	"bytes"
	"errors"
	"math/big"

	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
)

// Reference imports to suppress errors if they are not otherwise used.
var (
	_ = bytes.Equal
	_ = errors.New
	_ = big.NewInt
	_ = common.Big1
	_ = types.BloomLookup
	_ = abi.ConvertType
)

// ReleaseRegistryRelease is an auto generated low-level Go binding around an user-defined struct.
type ReleaseRegistryRelease struct {
	Root        [32]byte
	UriHash     [32]byte
	MetaHash    [32]byte
	PublishedAt uint64
}

// ReleaseRegistryMetaData contains all meta data concerning the ReleaseRegistry contract.
var ReleaseRegistryMetaData = bind.MetaData{
	ABI: "[{\"inputs\":[{\"internalType\":\"address\",\"name\":\"initialOwner\",\"type\":\"address\"}],\"stateMutability\":\"nonpayable\",\"type\":\"constructor\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"caller\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"owner\",\"type\":\"address\"}],\"name\":\"NotOwner\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"caller\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"pendingOwner\",\"type\":\"address\"}],\"name\":\"NotPendingOwner\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"componentId\",\"type\":\"bytes32\"},{\"internalType\":\"uint64\",\"name\":\"version\",\"type\":\"uint64\"}],\"name\":\"ReleaseNotFound\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"componentId\",\"type\":\"bytes32\"},{\"internalType\":\"uint64\",\"name\":\"version\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"latest\",\"type\":\"uint64\"}],\"name\":\"VersionNotIncreasing\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"ZeroAddress\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"ZeroRoot\",\"type\":\"error\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"owner\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"pendingOwner\",\"type\":\"address\"}],\"name\":\"OwnershipTransferStarted\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"previousOwner\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"newOwner\",\"type\":\"address\"}],\"name\":\"OwnershipTransferred\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"componentId\",\"type\":\"bytes32\"},{\"indexed\":true,\"internalType\":\"uint64\",\"name\":\"version\",\"type\":\"uint64\"},{\"indexed\":false,\"internalType\":\"bytes32\",\"name\":\"root\",\"type\":\"bytes32\"},{\"indexed\":false,\"internalType\":\"bytes32\",\"name\":\"uriHash\",\"type\":\"bytes32\"},{\"indexed\":false,\"internalType\":\"bytes32\",\"name\":\"metaHash\",\"type\":\"bytes32\"}],\"name\":\"ReleasePublished\",\"type\":\"event\"},{\"inputs\":[],\"name\":\"acceptOwnership\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"componentId\",\"type\":\"bytes32\"},{\"internalType\":\"uint64\",\"name\":\"version\",\"type\":\"uint64\"}],\"name\":\"getRelease\",\"outputs\":[{\"components\":[{\"internalType\":\"bytes32\",\"name\":\"root\",\"type\":\"bytes32\"},{\"internalType\":\"bytes32\",\"name\":\"uriHash\",\"type\":\"bytes32\"},{\"internalType\":\"bytes32\",\"name\":\"metaHash\",\"type\":\"bytes32\"},{\"internalType\":\"uint64\",\"name\":\"publishedAt\",\"type\":\"uint64\"}],\"internalType\":\"structReleaseRegistry.Release\",\"name\":\"\",\"type\":\"tuple\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"\",\"type\":\"bytes32\"}],\"name\":\"latestVersion\",\"outputs\":[{\"internalType\":\"uint64\",\"name\":\"\",\"type\":\"uint64\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"owner\",\"outputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"pendingOwner\",\"outputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"componentId\",\"type\":\"bytes32\"},{\"internalType\":\"uint64\",\"name\":\"version\",\"type\":\"uint64\"},{\"internalType\":\"bytes32\",\"name\":\"root\",\"type\":\"bytes32\"},{\"internalType\":\"bytes32\",\"name\":\"uriHash\",\"type\":\"bytes32\"},{\"internalType\":\"bytes32\",\"name\":\"metaHash\",\"type\":\"bytes32\"}],\"name\":\"publish\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"newOwner\",\"type\":\"address\"}],\"name\":\"transferOwnership\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"}]",
	ID:  "ReleaseRegistry",
	Bin: "0x6080604052348015600e575f5ffd5b50604051610746380380610746833981016040819052602b91609d565b6001600160a01b03811660515760405163d92e233d60e01b815260040160405180910390fd5b5f80546001600160a01b0319166001600160a01b03831690811782556040519091907f8be0079c531659141344cd1fd0a4f28419497f9722a3daafe3b4186f6b6457e0908290a35060c8565b5f6020828403121560ac575f5ffd5b81516001600160a01b038116811460c1575f5ffd5b9392505050565b610671806100d55f395ff3fe608060405234801561000f575f5ffd5b506004361061007a575f3560e01c8063d701370811610058578063d7013708146100ca578063e30c397814610119578063e9e107521461012c578063f2fde38b1461016c575f5ffd5b8063072c93681461007e57806379ba5097146100935780638da5cb5b1461009b575b5f5ffd5b61009161008c366004610592565b61017f565b005b610091610370565b5f546100ad906001600160a01b031681565b6040516001600160a01b0390911681526020015b60405180910390f35b6100dd6100d83660046105d4565b610406565b6040516100c191908151815260208083015190820152604080830151908201526060918201516001600160401b03169181019190915260800190565b6001546100ad906001600160a01b031681565b61015461013a3660046105fe565b60026020525f90815260409020546001600160401b031681565b6040516001600160401b0390911681526020016100c1565b61009161017a366004610615565b6104c2565b5f546001600160a01b031633146101c2575f54604051631194af8760e11b81523360048201526001600160a01b0390911660248201526044015b60405180910390fd5b826101e05760405163b263ae7360e01b815260040160405180910390fd5b5f858152600260205260409020546001600160401b03908116908516811061023557604051637bdab62360e01b8152600481018790526001600160401b038087166024830152821660448201526064016101b9565b8460025f8881526020019081526020015f205f6101000a8154816001600160401b0302191690836001600160401b031602179055506040518060800160405280858152602001848152602001838152602001426001600160401b031681525060035f8881526020019081526020015f205f876001600160401b03166001600160401b031681526020019081526020015f205f820151815f015560208201518160010155604082015181600201556060820151816003015f6101000a8154816001600160401b0302191690836001600160401b03160217905550905050846001600160401b0316867fa68a5aeba61aa16246f05932abc50c87c85c58c78655322ff79051bbdce0da3e868686604051610360939291909283526020830191909152604082015260600190565b60405180910390a3505050505050565b6001546001600160a01b031633146103b057600154604051631e14e5db60e11b81523360048201526001600160a01b0390911660248201526044016101b9565b5f8054336001600160a01b0319808316821784556001805490911690556040516001600160a01b0390921692909183917f8be0079c531659141344cd1fd0a4f28419497f9722a3daafe3b4186f6b6457e091a350565b61043660405180608001604052805f81526020015f81526020015f81526020015f6001600160401b031681525090565b5f8381526003602081815260408084206001600160401b0380881686529083529381902081516080810183528154808252600183015494820194909452600282015492810192909252909201549092166060820152906104bb57604051630531df1f60e51b8152600481018590526001600160401b03841660248201526044016101b9565b9392505050565b5f546001600160a01b03163314610500575f54604051631194af8760e11b81523360048201526001600160a01b0390911660248201526044016101b9565b6001600160a01b0381166105275760405163d92e233d60e01b815260040160405180910390fd5b600180546001600160a01b0319166001600160a01b038381169182179092555f8054604051929316917f38d16b8cac22d99fc7c124b9cd0de2d3fa1faef420bfe791d8c362d765e227009190a350565b80356001600160401b038116811461058d575f5ffd5b919050565b5f5f5f5f5f60a086880312156105a6575f5ffd5b853594506105b660208701610577565b94979496505050506040830135926060810135926080909101359150565b5f5f604083850312156105e5575f5ffd5b823591506105f560208401610577565b90509250929050565b5f6020828403121561060e575f5ffd5b5035919050565b5f60208284031215610625575f5ffd5b81356001600160a01b03811681146104bb575f5ffdfea2646970667358221220d352bf3e4b77b624a000a5905b3b2f2dcdcf23d0c81a5d70e803bdfae6fe1b1d64736f6c634300081e0033",
}

// ReleaseRegistry is an auto generated Go binding around an Ethereum contract.
type ReleaseRegistry struct {
	abi abi.ABI
}

// GetABI returns the ABI associated with this contract binding.
func (c *ReleaseRegistry) GetABI() abi.ABI {
	return c.abi
}

// NewReleaseRegistry creates a new instance of ReleaseRegistry.
func NewReleaseRegistry() *ReleaseRegistry {
	parsed, err := ReleaseRegistryMetaData.ParseABI()
	if err != nil {
		panic(errors.New("invalid ABI: " + err.Error()))
	}
	return &ReleaseRegistry{abi: *parsed}
}

// Instance creates a wrapper for a deployed contract instance at the given address.
// Use this to create the instance object passed to abigen v2 library functions Call, Transact, etc.
func (c *ReleaseRegistry) Instance(backend bind.ContractBackend, addr common.Address) *bind.BoundContract {
	return bind.NewBoundContract(addr, c.abi, backend, backend, backend)
}

// PackConstructor is the Go binding used to pack the parameters required for
// contract deployment.
//
// Solidity: constructor(address initialOwner) returns()
func (releaseRegistry *ReleaseRegistry) PackConstructor(initialOwner common.Address) []byte {
	enc, err := releaseRegistry.abi.Pack("", initialOwner)
	if err != nil {
		panic(err)
	}
	return enc
}

// PackAcceptOwnership is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x79ba5097.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function acceptOwnership() returns()
func (releaseRegistry *ReleaseRegistry) PackAcceptOwnership() []byte {
	enc, err := releaseRegistry.abi.Pack("acceptOwnership")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackAcceptOwnership is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x79ba5097.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function acceptOwnership() returns()
func (releaseRegistry *ReleaseRegistry) TryPackAcceptOwnership() ([]byte, error) {
	return releaseRegistry.abi.Pack("acceptOwnership")
}

// PackGetRelease is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xd7013708.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function getRelease(bytes32 componentId, uint64 version) view returns((bytes32,bytes32,bytes32,uint64))
func (releaseRegistry *ReleaseRegistry) PackGetRelease(componentId [32]byte, version uint64) []byte {
	enc, err := releaseRegistry.abi.Pack("getRelease", componentId, version)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackGetRelease is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xd7013708.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function getRelease(bytes32 componentId, uint64 version) view returns((bytes32,bytes32,bytes32,uint64))
func (releaseRegistry *ReleaseRegistry) TryPackGetRelease(componentId [32]byte, version uint64) ([]byte, error) {
	return releaseRegistry.abi.Pack("getRelease", componentId, version)
}

// UnpackGetRelease is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xd7013708.
//
// Solidity: function getRelease(bytes32 componentId, uint64 version) view returns((bytes32,bytes32,bytes32,uint64))
func (releaseRegistry *ReleaseRegistry) UnpackGetRelease(data []byte) (ReleaseRegistryRelease, error) {
	out, err := releaseRegistry.abi.Unpack("getRelease", data)
	if err != nil {
		return *new(ReleaseRegistryRelease), err
	}
	out0 := *abi.ConvertType(out[0], new(ReleaseRegistryRelease)).(*ReleaseRegistryRelease)
	return out0, nil
}

// PackLatestVersion is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xe9e10752.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function latestVersion(bytes32 ) view returns(uint64)
func (releaseRegistry *ReleaseRegistry) PackLatestVersion(arg0 [32]byte) []byte {
	enc, err := releaseRegistry.abi.Pack("latestVersion", arg0)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackLatestVersion is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xe9e10752.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function latestVersion(bytes32 ) view returns(uint64)
func (releaseRegistry *ReleaseRegistry) TryPackLatestVersion(arg0 [32]byte) ([]byte, error) {
	return releaseRegistry.abi.Pack("latestVersion", arg0)
}

// UnpackLatestVersion is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xe9e10752.
//
// Solidity: function latestVersion(bytes32 ) view returns(uint64)
func (releaseRegistry *ReleaseRegistry) UnpackLatestVersion(data []byte) (uint64, error) {
	out, err := releaseRegistry.abi.Unpack("latestVersion", data)
	if err != nil {
		return *new(uint64), err
	}
	out0 := *abi.ConvertType(out[0], new(uint64)).(*uint64)
	return out0, nil
}

// PackOwner is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x8da5cb5b.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function owner() view returns(address)
func (releaseRegistry *ReleaseRegistry) PackOwner() []byte {
	enc, err := releaseRegistry.abi.Pack("owner")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackOwner is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x8da5cb5b.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function owner() view returns(address)
func (releaseRegistry *ReleaseRegistry) TryPackOwner() ([]byte, error) {
	return releaseRegistry.abi.Pack("owner")
}

// UnpackOwner is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x8da5cb5b.
//
// Solidity: function owner() view returns(address)
func (releaseRegistry *ReleaseRegistry) UnpackOwner(data []byte) (common.Address, error) {
	out, err := releaseRegistry.abi.Unpack("owner", data)
	if err != nil {
		return *new(common.Address), err
	}
	out0 := *abi.ConvertType(out[0], new(common.Address)).(*common.Address)
	return out0, nil
}

// PackPendingOwner is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xe30c3978.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function pendingOwner() view returns(address)
func (releaseRegistry *ReleaseRegistry) PackPendingOwner() []byte {
	enc, err := releaseRegistry.abi.Pack("pendingOwner")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackPendingOwner is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xe30c3978.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function pendingOwner() view returns(address)
func (releaseRegistry *ReleaseRegistry) TryPackPendingOwner() ([]byte, error) {
	return releaseRegistry.abi.Pack("pendingOwner")
}

// UnpackPendingOwner is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xe30c3978.
//
// Solidity: function pendingOwner() view returns(address)
func (releaseRegistry *ReleaseRegistry) UnpackPendingOwner(data []byte) (common.Address, error) {
	out, err := releaseRegistry.abi.Unpack("pendingOwner", data)
	if err != nil {
		return *new(common.Address), err
	}
	out0 := *abi.ConvertType(out[0], new(common.Address)).(*common.Address)
	return out0, nil
}

// PackPublish is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x072c9368.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function publish(bytes32 componentId, uint64 version, bytes32 root, bytes32 uriHash, bytes32 metaHash) returns()
func (releaseRegistry *ReleaseRegistry) PackPublish(componentId [32]byte, version uint64, root [32]byte, uriHash [32]byte, metaHash [32]byte) []byte {
	enc, err := releaseRegistry.abi.Pack("publish", componentId, version, root, uriHash, metaHash)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackPublish is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x072c9368.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function publish(bytes32 componentId, uint64 version, bytes32 root, bytes32 uriHash, bytes32 metaHash) returns()
func (releaseRegistry *ReleaseRegistry) TryPackPublish(componentId [32]byte, version uint64, root [32]byte, uriHash [32]byte, metaHash [32]byte) ([]byte, error) {
	return releaseRegistry.abi.Pack("publish", componentId, version, root, uriHash, metaHash)
}

// PackTransferOwnership is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xf2fde38b.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function transferOwnership(address newOwner) returns()
func (releaseRegistry *ReleaseRegistry) PackTransferOwnership(newOwner common.Address) []byte {
	enc, err := releaseRegistry.abi.Pack("transferOwnership", newOwner)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackTransferOwnership is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xf2fde38b.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function transferOwnership(address newOwner) returns()
func (releaseRegistry *ReleaseRegistry) TryPackTransferOwnership(newOwner common.Address) ([]byte, error) {
	return releaseRegistry.abi.Pack("transferOwnership", newOwner)
}

// ReleaseRegistryOwnershipTransferStarted represents a OwnershipTransferStarted event raised by the ReleaseRegistry contract.
type ReleaseRegistryOwnershipTransferStarted struct {
	Owner        common.Address
	PendingOwner common.Address
	Raw          *types.Log // Blockchain specific contextual infos
}

const ReleaseRegistryOwnershipTransferStartedEventName = "OwnershipTransferStarted"

// ContractEventName returns the user-defined event name.
func (ReleaseRegistryOwnershipTransferStarted) ContractEventName() string {
	return ReleaseRegistryOwnershipTransferStartedEventName
}

// UnpackOwnershipTransferStartedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event OwnershipTransferStarted(address indexed owner, address indexed pendingOwner)
func (releaseRegistry *ReleaseRegistry) UnpackOwnershipTransferStartedEvent(log *types.Log) (*ReleaseRegistryOwnershipTransferStarted, error) {
	event := "OwnershipTransferStarted"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != releaseRegistry.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(ReleaseRegistryOwnershipTransferStarted)
	if len(log.Data) > 0 {
		if err := releaseRegistry.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range releaseRegistry.abi.Events[event].Inputs {
		if arg.Indexed {
			indexed = append(indexed, arg)
		}
	}
	if err := abi.ParseTopics(out, indexed, log.Topics[1:]); err != nil {
		return nil, err
	}
	out.Raw = log
	return out, nil
}

// ReleaseRegistryOwnershipTransferred represents a OwnershipTransferred event raised by the ReleaseRegistry contract.
type ReleaseRegistryOwnershipTransferred struct {
	PreviousOwner common.Address
	NewOwner      common.Address
	Raw           *types.Log // Blockchain specific contextual infos
}

const ReleaseRegistryOwnershipTransferredEventName = "OwnershipTransferred"

// ContractEventName returns the user-defined event name.
func (ReleaseRegistryOwnershipTransferred) ContractEventName() string {
	return ReleaseRegistryOwnershipTransferredEventName
}

// UnpackOwnershipTransferredEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event OwnershipTransferred(address indexed previousOwner, address indexed newOwner)
func (releaseRegistry *ReleaseRegistry) UnpackOwnershipTransferredEvent(log *types.Log) (*ReleaseRegistryOwnershipTransferred, error) {
	event := "OwnershipTransferred"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != releaseRegistry.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(ReleaseRegistryOwnershipTransferred)
	if len(log.Data) > 0 {
		if err := releaseRegistry.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range releaseRegistry.abi.Events[event].Inputs {
		if arg.Indexed {
			indexed = append(indexed, arg)
		}
	}
	if err := abi.ParseTopics(out, indexed, log.Topics[1:]); err != nil {
		return nil, err
	}
	out.Raw = log
	return out, nil
}

// ReleaseRegistryReleasePublished represents a ReleasePublished event raised by the ReleaseRegistry contract.
type ReleaseRegistryReleasePublished struct {
	ComponentId [32]byte
	Version     uint64
	Root        [32]byte
	UriHash     [32]byte
	MetaHash    [32]byte
	Raw         *types.Log // Blockchain specific contextual infos
}

const ReleaseRegistryReleasePublishedEventName = "ReleasePublished"

// ContractEventName returns the user-defined event name.
func (ReleaseRegistryReleasePublished) ContractEventName() string {
	return ReleaseRegistryReleasePublishedEventName
}

// UnpackReleasePublishedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event ReleasePublished(bytes32 indexed componentId, uint64 indexed version, bytes32 root, bytes32 uriHash, bytes32 metaHash)
func (releaseRegistry *ReleaseRegistry) UnpackReleasePublishedEvent(log *types.Log) (*ReleaseRegistryReleasePublished, error) {
	event := "ReleasePublished"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != releaseRegistry.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(ReleaseRegistryReleasePublished)
	if len(log.Data) > 0 {
		if err := releaseRegistry.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range releaseRegistry.abi.Events[event].Inputs {
		if arg.Indexed {
			indexed = append(indexed, arg)
		}
	}
	if err := abi.ParseTopics(out, indexed, log.Topics[1:]); err != nil {
		return nil, err
	}
	out.Raw = log
	return out, nil
}

// UnpackError attempts to decode the provided error data using user-defined
// error definitions.
func (releaseRegistry *ReleaseRegistry) UnpackError(raw []byte) (any, error) {
	if bytes.Equal(raw[:4], releaseRegistry.abi.Errors["NotOwner"].ID.Bytes()[:4]) {
		return releaseRegistry.UnpackNotOwnerError(raw[4:])
	}
	if bytes.Equal(raw[:4], releaseRegistry.abi.Errors["NotPendingOwner"].ID.Bytes()[:4]) {
		return releaseRegistry.UnpackNotPendingOwnerError(raw[4:])
	}
	if bytes.Equal(raw[:4], releaseRegistry.abi.Errors["ReleaseNotFound"].ID.Bytes()[:4]) {
		return releaseRegistry.UnpackReleaseNotFoundError(raw[4:])
	}
	if bytes.Equal(raw[:4], releaseRegistry.abi.Errors["VersionNotIncreasing"].ID.Bytes()[:4]) {
		return releaseRegistry.UnpackVersionNotIncreasingError(raw[4:])
	}
	if bytes.Equal(raw[:4], releaseRegistry.abi.Errors["ZeroAddress"].ID.Bytes()[:4]) {
		return releaseRegistry.UnpackZeroAddressError(raw[4:])
	}
	if bytes.Equal(raw[:4], releaseRegistry.abi.Errors["ZeroRoot"].ID.Bytes()[:4]) {
		return releaseRegistry.UnpackZeroRootError(raw[4:])
	}
	return nil, errors.New("Unknown error")
}

// ReleaseRegistryNotOwner represents a NotOwner error raised by the ReleaseRegistry contract.
type ReleaseRegistryNotOwner struct {
	Caller common.Address
	Owner  common.Address
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error NotOwner(address caller, address owner)
func ReleaseRegistryNotOwnerErrorID() common.Hash {
	return common.HexToHash("0x23295f0e104d137d137555eb51dbe25a9e6827007f9feb6ae8bb562312e3e202")
}

// UnpackNotOwnerError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error NotOwner(address caller, address owner)
func (releaseRegistry *ReleaseRegistry) UnpackNotOwnerError(raw []byte) (*ReleaseRegistryNotOwner, error) {
	out := new(ReleaseRegistryNotOwner)
	if err := releaseRegistry.abi.UnpackIntoInterface(out, "NotOwner", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// ReleaseRegistryNotPendingOwner represents a NotPendingOwner error raised by the ReleaseRegistry contract.
type ReleaseRegistryNotPendingOwner struct {
	Caller       common.Address
	PendingOwner common.Address
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error NotPendingOwner(address caller, address pendingOwner)
func ReleaseRegistryNotPendingOwnerErrorID() common.Hash {
	return common.HexToHash("0x3c29cbb6df96b1475930e4ff359fa2c65cd2d2aab1932b3bd43ad8dc38e60fff")
}

// UnpackNotPendingOwnerError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error NotPendingOwner(address caller, address pendingOwner)
func (releaseRegistry *ReleaseRegistry) UnpackNotPendingOwnerError(raw []byte) (*ReleaseRegistryNotPendingOwner, error) {
	out := new(ReleaseRegistryNotPendingOwner)
	if err := releaseRegistry.abi.UnpackIntoInterface(out, "NotPendingOwner", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// ReleaseRegistryReleaseNotFound represents a ReleaseNotFound error raised by the ReleaseRegistry contract.
type ReleaseRegistryReleaseNotFound struct {
	ComponentId [32]byte
	Version     uint64
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ReleaseNotFound(bytes32 componentId, uint64 version)
func ReleaseRegistryReleaseNotFoundErrorID() common.Hash {
	return common.HexToHash("0xa63be3e091186cf76c5cb4a2dcea32a7c845a237744a5cd0c624f67883bf28cd")
}

// UnpackReleaseNotFoundError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ReleaseNotFound(bytes32 componentId, uint64 version)
func (releaseRegistry *ReleaseRegistry) UnpackReleaseNotFoundError(raw []byte) (*ReleaseRegistryReleaseNotFound, error) {
	out := new(ReleaseRegistryReleaseNotFound)
	if err := releaseRegistry.abi.UnpackIntoInterface(out, "ReleaseNotFound", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// ReleaseRegistryVersionNotIncreasing represents a VersionNotIncreasing error raised by the ReleaseRegistry contract.
type ReleaseRegistryVersionNotIncreasing struct {
	ComponentId [32]byte
	Version     uint64
	Latest      uint64
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error VersionNotIncreasing(bytes32 componentId, uint64 version, uint64 latest)
func ReleaseRegistryVersionNotIncreasingErrorID() common.Hash {
	return common.HexToHash("0x7bdab6232b8d51bbcd8b891d82077c124d44b61964c15b51163e61bb000c12b8")
}

// UnpackVersionNotIncreasingError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error VersionNotIncreasing(bytes32 componentId, uint64 version, uint64 latest)
func (releaseRegistry *ReleaseRegistry) UnpackVersionNotIncreasingError(raw []byte) (*ReleaseRegistryVersionNotIncreasing, error) {
	out := new(ReleaseRegistryVersionNotIncreasing)
	if err := releaseRegistry.abi.UnpackIntoInterface(out, "VersionNotIncreasing", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// ReleaseRegistryZeroAddress represents a ZeroAddress error raised by the ReleaseRegistry contract.
type ReleaseRegistryZeroAddress struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ZeroAddress()
func ReleaseRegistryZeroAddressErrorID() common.Hash {
	return common.HexToHash("0xd92e233df2717d4a40030e20904abd27b68fcbeede117eaaccbbdac9618c8c73")
}

// UnpackZeroAddressError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ZeroAddress()
func (releaseRegistry *ReleaseRegistry) UnpackZeroAddressError(raw []byte) (*ReleaseRegistryZeroAddress, error) {
	out := new(ReleaseRegistryZeroAddress)
	if err := releaseRegistry.abi.UnpackIntoInterface(out, "ZeroAddress", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// ReleaseRegistryZeroRoot represents a ZeroRoot error raised by the ReleaseRegistry contract.
type ReleaseRegistryZeroRoot struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ZeroRoot()
func ReleaseRegistryZeroRootErrorID() common.Hash {
	return common.HexToHash("0xb263ae738e814ca9af6ee56bb85daa47624e790421913c947dcba2aac07cfdbd")
}

// UnpackZeroRootError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ZeroRoot()
func (releaseRegistry *ReleaseRegistry) UnpackZeroRootError(raw []byte) (*ReleaseRegistryZeroRoot, error) {
	out := new(ReleaseRegistryZeroRoot)
	if err := releaseRegistry.abi.UnpackIntoInterface(out, "ZeroRoot", raw); err != nil {
		return nil, err
	}
	return out, nil
}
