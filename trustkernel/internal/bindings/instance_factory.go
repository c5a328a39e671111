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

// InstanceFactoryMetaData contains all meta data concerning the InstanceFactory contract.
var InstanceFactoryMetaData = bind.MetaData{
	ABI: "[{\"inputs\":[{\"internalType\":\"address\",\"name\":\"impl\",\"type\":\"address\"}],\"stateMutability\":\"nonpayable\",\"type\":\"constructor\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"instance\",\"type\":\"address\"}],\"name\":\"InstanceExists\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"implementation\",\"type\":\"address\"}],\"name\":\"NoImplementation\",\"type\":\"error\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"instance\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"rootAuthority\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"salt\",\"type\":\"bytes32\"},{\"indexed\":false,\"internalType\":\"address\",\"name\":\"upgradeAuthority\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"address\",\"name\":\"emergencyAuthority\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"bytes32\",\"name\":\"genesisRoot\",\"type\":\"bytes32\"}],\"name\":\"InstanceCreated\",\"type\":\"event\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"rootAuthority\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"upgradeAuthority\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"emergencyAuthority\",\"type\":\"address\"},{\"internalType\":\"bytes32\",\"name\":\"genesisRoot\",\"type\":\"bytes32\"},{\"internalType\":\"bytes32\",\"name\":\"genesisUriHash\",\"type\":\"bytes32\"},{\"internalType\":\"bytes32\",\"name\":\"genesisPolicyHash\",\"type\":\"bytes32\"},{\"internalType\":\"bytes32\",\"name\":\"salt\",\"type\":\"bytes32\"}],\"name\":\"createInstance\",\"outputs\":[{\"internalType\":\"address\",\"name\":\"instance\",\"type\":\"address\"}],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"implementation\",\"outputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"rootAuthority\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"upgradeAuthority\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"emergencyAuthority\",\"type\":\"address\"},{\"internalType\":\"bytes32\",\"name\":\"genesisRoot\",\"type\":\"bytes32\"},{\"internalType\":\"bytes32\",\"name\":\"genesisUriHash\",\"type\":\"bytes32\"},{\"internalType\":\"bytes32\",\"name\":\"genesisPolicyHash\",\"type\":\"bytes32\"},{\"internalType\":\"bytes32\",\"name\":\"salt\",\"type\":\"bytes32\"}],\"name\":\"predictInstance\",\"outputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"}]",
	ID:  "InstanceFactory",
	Bin: "0x60a060405234801561000f575f5ffd5b506040516104f53803806104f583398101604081905261002e91610078565b806001600160a01b03163b5f0361006757604051635111551d60e01b81526001600160a01b038216600482015260240160405180910390fd5b6001600160a01b03166080526100a5565b5f60208284031215610088575f5ffd5b81516001600160a01b038116811461009e575f5ffd5b9392505050565b6080516104326100c35f395f8181608a01526102a901526104325ff3fe608060405234801561000f575f5ffd5b506004361061003f575f3560e01c80630495520514610043578063078ec3b0146100725780635c60da1b14610085575b5f5ffd5b610056610051366004610399565b6100ac565b6040516001600160a01b03909116815260200160405180910390f35b610056610080366004610399565b6101f3565b6100567f000000000000000000000000000000000000000000000000000000000000000081565b5f5f6100bd89898989898989610217565b90505f6100c8610278565b9050818151602083015ff592506001600160a01b038316610115576100ec826102fe565b604051633d5cd1cb60e21b81526001600160a01b03909116600482015260240160405180910390fd5b60405163d70bccc560e01b81526001600160a01b038b811660048301528a811660248301528981166044830152606482018990526084820188905260a4820187905284169063d70bccc59060c4015f604051808303815f87803b15801561017a575f5ffd5b505af115801561018c573d5f5f3e3d5ffd5b5050604080516001600160a01b038d811682528c811660208301529181018b9052879350818e169250908616907f8039654ce2feebe6715a59f2db399df26bac6e8f353b2eac5aa420a7722845389060600160405180910390a45050979650505050505050565b5f61020b61020689898989898989610217565b6102fe565b98975050505050505050565b604080516001600160a01b0398891660208083019190915297891681830152959097166060860152608085019390935260a084019190915260c083015260e08083019190915283518083039091018152610100909101909252815191012090565b60408051733d602d80600a3d3981f3363d3d373d3d3d363d7360601b60208201526bffffffffffffffffffffffff197f000000000000000000000000000000000000000000000000000000000000000060601b1660348201526e5af43d82803e903d91602b57fd5bf360881b604882015281516037818303018152605790910190915290565b5f806001600160f81b03193084610313610278565b805160209182012060405161035f95949392016001600160f81b031994909416845260609290921b6bffffffffffffffffffffffff191660018401526015830152603582015260550190565b60408051601f1981840301815291905280516020909101209392505050565b80356001600160a01b0381168114610394575f5ffd5b919050565b5f5f5f5f5f5f5f60e0888a0312156103af575f5ffd5b6103b88861037e565b96506103c66020890161037e565b95506103d46040890161037e565b969995985095966060810135965060808101359560a0820135955060c090910135935091505056fea2646970667358221220ef971fecc1b0aefa47a26c99860e8d63990477045c66e911bb47d4e6fce6269064736f6c634300081e0033",
}

// InstanceFactory is an auto generated Go binding around an Ethereum contract.
type InstanceFactory struct {
	abi abi.ABI
}

// GetABI returns the ABI associated with this contract binding.
func (c *InstanceFactory) GetABI() abi.ABI {
	return c.abi
}

// NewInstanceFactory creates a new instance of InstanceFactory.
func NewInstanceFactory() *InstanceFactory {
	parsed, err := InstanceFactoryMetaData.ParseABI()
	if err != nil {
		panic(errors.New("invalid ABI: " + err.Error()))
	}
	return &InstanceFactory{abi: *parsed}
}

// Instance creates a wrapper for a deployed contract instance at the given address.
// Use this to create the instance object passed to abigen v2 library functions Call, Transact, etc.
func (c *InstanceFactory) Instance(backend bind.ContractBackend, addr common.Address) *bind.BoundContract {
	return bind.NewBoundContract(addr, c.abi, backend, backend, backend)
}

// PackConstructor is the Go binding used to pack the parameters required for
// contract deployment.
//
// Solidity: constructor(address impl) returns()
func (instanceFactory *InstanceFactory) PackConstructor(impl common.Address) []byte {
	enc, err := instanceFactory.abi.Pack("", impl)
	if err != nil {
		panic(err)
	}
	return enc
}

// PackCreateInstance is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x04955205.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function createInstance(address rootAuthority, address upgradeAuthority, address emergencyAuthority, bytes32 genesisRoot, bytes32 genesisUriHash, bytes32 genesisPolicyHash, bytes32 salt) returns(address instance)
func (instanceFactory *InstanceFactory) PackCreateInstance(rootAuthority common.Address, upgradeAuthority common.Address, emergencyAuthority common.Address, genesisRoot [32]byte, genesisUriHash [32]byte, genesisPolicyHash [32]byte, salt [32]byte) []byte {
	enc, err := instanceFactory.abi.Pack("createInstance", rootAuthority, upgradeAuthority, emergencyAuthority, genesisRoot, genesisUriHash, genesisPolicyHash, salt)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackCreateInstance is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x04955205.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function createInstance(address rootAuthority, address upgradeAuthority, address emergencyAuthority, bytes32 genesisRoot, bytes32 genesisUriHash, bytes32 genesisPolicyHash, bytes32 salt) returns(address instance)
func (instanceFactory *InstanceFactory) TryPackCreateInstance(rootAuthority common.Address, upgradeAuthority common.Address, emergencyAuthority common.Address, genesisRoot [32]byte, genesisUriHash [32]byte, genesisPolicyHash [32]byte, salt [32]byte) ([]byte, error) {
	return instanceFactory.abi.Pack("createInstance", rootAuthority, upgradeAuthority, emergencyAuthority, genesisRoot, genesisUriHash, genesisPolicyHash, salt)
}

// UnpackCreateInstance is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x04955205.
//
// Solidity: function createInstance(address rootAuthority, address upgradeAuthority, address emergencyAuthority, bytes32 genesisRoot, bytes32 genesisUriHash, bytes32 genesisPolicyHash, bytes32 salt) returns(address instance)
func (instanceFactory *InstanceFactory) UnpackCreateInstance(data []byte) (common.Address, error) {
	out, err := instanceFactory.abi.Unpack("createInstance", data)
	if err != nil {
		return *new(common.Address), err
	}
	out0 := *abi.ConvertType(out[0], new(common.Address)).(*common.Address)
	return out0, nil
}

// PackImplementation is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x5c60da1b.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function implementation() view returns(address)
func (instanceFactory *InstanceFactory) PackImplementation() []byte {
	enc, err := instanceFactory.abi.Pack("implementation")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackImplementation is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x5c60da1b.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function implementation() view returns(address)
func (instanceFactory *InstanceFactory) TryPackImplementation() ([]byte, error) {
	return instanceFactory.abi.Pack("implementation")
}

// UnpackImplementation is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x5c60da1b.
//
// Solidity: function implementation() view returns(address)
func (instanceFactory *InstanceFactory) UnpackImplementation(data []byte) (common.Address, error) {
	out, err := instanceFactory.abi.Unpack("implementation", data)
	if err != nil {
		return *new(common.Address), err
	}
	out0 := *abi.ConvertType(out[0], new(common.Address)).(*common.Address)
	return out0, nil
}

// PackPredictInstance is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x078ec3b0.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function predictInstance(address rootAuthority, address upgradeAuthority, address emergencyAuthority, bytes32 genesisRoot, bytes32 genesisUriHash, bytes32 genesisPolicyHash, bytes32 salt) view returns(address)
func (instanceFactory *InstanceFactory) PackPredictInstance(rootAuthority common.Address, upgradeAuthority common.Address, emergencyAuthority common.Address, genesisRoot [32]byte, genesisUriHash [32]byte, genesisPolicyHash [32]byte, salt [32]byte) []byte {
	enc, err := instanceFactory.abi.Pack("predictInstance", rootAuthority, upgradeAuthority, emergencyAuthority, genesisRoot, genesisUriHash, genesisPolicyHash, salt)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackPredictInstance is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x078ec3b0.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function predictInstance(address rootAuthority, address upgradeAuthority, address emergencyAuthority, bytes32 genesisRoot, bytes32 genesisUriHash, bytes32 genesisPolicyHash, bytes32 salt) view returns(address)
func (instanceFactory *InstanceFactory) TryPackPredictInstance(rootAuthority common.Address, upgradeAuthority common.Address, emergencyAuthority common.Address, genesisRoot [32]byte, genesisUriHash [32]byte, genesisPolicyHash [32]byte, salt [32]byte) ([]byte, error) {
	return instanceFactory.abi.Pack("predictInstance", rootAuthority, upgradeAuthority, emergencyAuthority, genesisRoot, genesisUriHash, genesisPolicyHash, salt)
}

// UnpackPredictInstance is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x078ec3b0.
//
// Solidity: function predictInstance(address rootAuthority, address upgradeAuthority, address emergencyAuthority, bytes32 genesisRoot, bytes32 genesisUriHash, bytes32 genesisPolicyHash, bytes32 salt) view returns(address)
func (instanceFactory *InstanceFactory) UnpackPredictInstance(data []byte) (common.Address, error) {
	out, err := instanceFactory.abi.Unpack("predictInstance", data)
	if err != nil {
		return *new(common.Address), err
	}
	out0 := *abi.ConvertType(out[0], new(common.Address)).(*common.Address)
	return out0, nil
}

// InstanceFactoryInstanceCreated represents a InstanceCreated event raised by the InstanceFactory contract.
type InstanceFactoryInstanceCreated struct {
	Instance           common.Address
	RootAuthority      common.Address
	Salt               [32]byte
	UpgradeAuthority   common.Address
	EmergencyAuthority common.Address
	GenesisRoot        [32]byte
	Raw                *types.Log // Blockchain specific contextual infos
}

const InstanceFactoryInstanceCreatedEventName = "InstanceCreated"

// ContractEventName returns the user-defined event name.
func (InstanceFactoryInstanceCreated) ContractEventName() string {
	return InstanceFactoryInstanceCreatedEventName
}

// UnpackInstanceCreatedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event InstanceCreated(address indexed instance, address indexed rootAuthority, bytes32 indexed salt, address upgradeAuthority, address emergencyAuthority, bytes32 genesisRoot)
func (instanceFactory *InstanceFactory) UnpackInstanceCreatedEvent(log *types.Log) (*InstanceFactoryInstanceCreated, error) {
	event := "InstanceCreated"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != instanceFactory.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(InstanceFactoryInstanceCreated)
	if len(log.Data) > 0 {
		if err := instanceFactory.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range instanceFactory.abi.Events[event].Inputs {
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
func (instanceFactory *InstanceFactory) UnpackError(raw []byte) (any, error) {
	if bytes.Equal(raw[:4], instanceFactory.abi.Errors["InstanceExists"].ID.Bytes()[:4]) {
		return instanceFactory.UnpackInstanceExistsError(raw[4:])
	}
	if bytes.Equal(raw[:4], instanceFactory.abi.Errors["NoImplementation"].ID.Bytes()[:4]) {
		return instanceFactory.UnpackNoImplementationError(raw[4:])
	}
	return nil, errors.New("Unknown error")
}

// InstanceFactoryInstanceExists represents a InstanceExists error raised by the InstanceFactory contract.
type InstanceFactoryInstanceExists struct {
	Instance common.Address
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error InstanceExists(address instance)
func InstanceFactoryInstanceExistsErrorID() common.Hash {
	return common.HexToHash("0xf573472c8693dae3a9095be3f52ce925071dde19045ec847e56d0d2e7f1f5acc")
}

// UnpackInstanceExistsError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error InstanceExists(address instance)
func (instanceFactory *InstanceFactory) UnpackInstanceExistsError(raw []byte) (*InstanceFactoryInstanceExists, error) {
	out := new(InstanceFactoryInstanceExists)
	if err := instanceFactory.abi.UnpackIntoInterface(out, "InstanceExists", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// InstanceFactoryNoImplementation represents a NoImplementation error raised by the InstanceFactory contract.
type InstanceFactoryNoImplementation struct {
	Implementation common.Address
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error NoImplementation(address implementation)
func InstanceFactoryNoImplementationErrorID() common.Hash {
	return common.HexToHash("0x5111551d7e444abe17866a3e0aefdc55bfef67fa4d73b6f6d967666a6071a306")
}

// UnpackNoImplementationError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error NoImplementation(address implementation)
func (instanceFactory *InstanceFactory) UnpackNoImplementationError(raw []byte) (*InstanceFactoryNoImplementation, error) {
	out := new(InstanceFactoryNoImplementation)
	if err := instanceFactory.abi.UnpackIntoInterface(out, "NoImplementation", raw); err != nil {
		return nil, err
	}
	return out, nil
}
