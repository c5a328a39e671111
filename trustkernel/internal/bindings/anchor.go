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

// AnchorMetaData contains all meta data concerning the Anchor contract.
var AnchorMetaData = bind.MetaData{
	ABI: "[{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"length\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"max\",\"type\":\"uint256\"}],\"name\":\"LabelTooLong\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"ZeroRoot\",\"type\":\"error\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"root\",\"type\":\"bytes32\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"sender\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"labelHash\",\"type\":\"bytes32\"},{\"indexed\":false,\"internalType\":\"string\",\"name\":\"label\",\"type\":\"string\"}],\"name\":\"Anchored\",\"type\":\"event\"},{\"inputs\":[],\"name\":\"MAX_LABEL_BYTES\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"root\",\"type\":\"bytes32\"},{\"internalType\":\"string\",\"name\":\"label\",\"type\":\"string\"}],\"name\":\"anchor\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"}]",
	ID:  "Anchor",
	Bin: "0x6080604052348015600e575f5ffd5b506102038061001c5f395ff3fe608060405234801561000f575f5ffd5b5060043610610034575f3560e01c806306270d4d146100385780631a8512ea14610053575b5f5ffd5b61004161010081565b60405190815260200160405180910390f35b610066610061366004610119565b610068565b005b826100865760405163b263ae7360e01b815260040160405180910390fd5b6101008111156100b857604051630422693160e31b815260048101829052610100602482015260440160405180910390fd5b81816040516100c8929190610190565b6040518091039020336001600160a01b0316847f55a42eea39f719eedee113e31b198acfd03fcaff7bb7a51c1569fbd285526b6c858560405161010c92919061019f565b60405180910390a4505050565b5f5f5f6040848603121561012b575f5ffd5b83359250602084013567ffffffffffffffff811115610148575f5ffd5b8401601f81018613610158575f5ffd5b803567ffffffffffffffff81111561016e575f5ffd5b86602082840101111561017f575f5ffd5b939660209190910195509293505050565b818382375f9101908152919050565b60208152816020820152818360408301375f818301604090810191909152601f909201601f1916010191905056fea26469706673582212204f0a32d75411c5b992dc588646558323ea1caf52243bafb1d3e77c6d781e1cc164736f6c634300081e0033",
}

// Anchor is an auto generated Go binding around an Ethereum contract.
type Anchor struct {
	abi abi.ABI
}

// GetABI returns the ABI associated with this contract binding.
func (c *Anchor) GetABI() abi.ABI {
	return c.abi
}

// NewAnchor creates a new instance of Anchor.
func NewAnchor() *Anchor {
	parsed, err := AnchorMetaData.ParseABI()
	if err != nil {
		panic(errors.New("invalid ABI: " + err.Error()))
	}
	return &Anchor{abi: *parsed}
}

// Instance creates a wrapper for a deployed contract instance at the given address.
// Use this to create the instance object passed to abigen v2 library functions Call, Transact, etc.
func (c *Anchor) Instance(backend bind.ContractBackend, addr common.Address) *bind.BoundContract {
	return bind.NewBoundContract(addr, c.abi, backend, backend, backend)
}

// PackMAXLABELBYTES is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x06270d4d.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function MAX_LABEL_BYTES() view returns(uint256)
func (anchor *Anchor) PackMAXLABELBYTES() []byte {
	enc, err := anchor.abi.Pack("MAX_LABEL_BYTES")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackMAXLABELBYTES is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x06270d4d.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function MAX_LABEL_BYTES() view returns(uint256)
func (anchor *Anchor) TryPackMAXLABELBYTES() ([]byte, error) {
	return anchor.abi.Pack("MAX_LABEL_BYTES")
}

// UnpackMAXLABELBYTES is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x06270d4d.
//
// Solidity: function MAX_LABEL_BYTES() view returns(uint256)
func (anchor *Anchor) UnpackMAXLABELBYTES(data []byte) (*big.Int, error) {
	out, err := anchor.abi.Unpack("MAX_LABEL_BYTES", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackAnchor is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x1a8512ea.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function anchor(bytes32 root, string label) returns()
func (anchor *Anchor) PackAnchor(root [32]byte, label string) []byte {
	enc, err := anchor.abi.Pack("anchor", root, label)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackAnchor is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x1a8512ea.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function anchor(bytes32 root, string label) returns()
func (anchor *Anchor) TryPackAnchor(root [32]byte, label string) ([]byte, error) {
	return anchor.abi.Pack("anchor", root, label)
}

// AnchorAnchored represents a Anchored event raised by the Anchor contract.
type AnchorAnchored struct {
	Root      [32]byte
	Sender    common.Address
	LabelHash [32]byte
	Label     string
	Raw       *types.Log // Blockchain specific contextual infos
}

const AnchorAnchoredEventName = "Anchored"

// ContractEventName returns the user-defined event name.
func (AnchorAnchored) ContractEventName() string {
	return AnchorAnchoredEventName
}

// UnpackAnchoredEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event Anchored(bytes32 indexed root, address indexed sender, bytes32 indexed labelHash, string label)
func (anchor *Anchor) UnpackAnchoredEvent(log *types.Log) (*AnchorAnchored, error) {
	event := "Anchored"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != anchor.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(AnchorAnchored)
	if len(log.Data) > 0 {
		if err := anchor.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range anchor.abi.Events[event].Inputs {
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
func (anchor *Anchor) UnpackError(raw []byte) (any, error) {
	if bytes.Equal(raw[:4], anchor.abi.Errors["LabelTooLong"].ID.Bytes()[:4]) {
		return anchor.UnpackLabelTooLongError(raw[4:])
	}
	if bytes.Equal(raw[:4], anchor.abi.Errors["ZeroRoot"].ID.Bytes()[:4]) {
		return anchor.UnpackZeroRootError(raw[4:])
	}
	return nil, errors.New("Unknown error")
}

// AnchorLabelTooLong represents a LabelTooLong error raised by the Anchor contract.
type AnchorLabelTooLong struct {
	Length *big.Int
	Max    *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error LabelTooLong(uint256 length, uint256 max)
func AnchorLabelTooLongErrorID() common.Hash {
	return common.HexToHash("0x2113498861bc7c03ebbdda481993fdf70e53d946e262b6c3fe2f8cfb3d2db473")
}

// UnpackLabelTooLongError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error LabelTooLong(uint256 length, uint256 max)
func (anchor *Anchor) UnpackLabelTooLongError(raw []byte) (*AnchorLabelTooLong, error) {
	out := new(AnchorLabelTooLong)
	if err := anchor.abi.UnpackIntoInterface(out, "LabelTooLong", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// AnchorZeroRoot represents a ZeroRoot error raised by the Anchor contract.
type AnchorZeroRoot struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ZeroRoot()
func AnchorZeroRootErrorID() common.Hash {
	return common.HexToHash("0xb263ae738e814ca9af6ee56bb85daa47624e790421913c947dcba2aac07cfdbd")
}

// UnpackZeroRootError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ZeroRoot()
func (anchor *Anchor) UnpackZeroRootError(raw []byte) (*AnchorZeroRoot, error) {
	out := new(AnchorZeroRoot)
	if err := anchor.abi.UnpackIntoInterface(out, "ZeroRoot", raw); err != nil {
		return nil, err
	}
	return out, nil
}
