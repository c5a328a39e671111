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

// InstanceControllerManifestRecord is an auto generated low-level Go binding around an user-defined struct.
type InstanceControllerManifestRecord struct {
	Count      uint32
	Published  uint32
	FirstBlock uint64
	LastBlock  uint64
}

// InstanceControllerProposal is an auto generated low-level Go binding around an user-defined struct.
type InstanceControllerProposal struct {
	Root       [32]byte
	UriHash    [32]byte
	PolicyHash [32]byte
	ProposedAt uint64
	ExpiresAt  uint64
}

// InstanceControllerSnapshot is an auto generated low-level Go binding around an user-defined struct.
type InstanceControllerSnapshot struct {
	Version              uint64
	Initialized          bool
	RootAuthority        common.Address
	UpgradeAuthority     common.Address
	EmergencyAuthority   common.Address
	PendingRootAuthority common.Address
	ActiveRoot           [32]byte
	ActiveUriHash        [32]byte
	ActivePolicyHash     [32]byte
	ActivatedAt          uint64
	Paused               bool
	PendingUpgrade       InstanceControllerProposal
	ChangeCount          uint64
	ReleaseRegistry      common.Address
	ActiveComponentId    [32]byte
	ActiveVersion        uint64
	PendingComponentId   [32]byte
	PendingVersion       uint64
}

// InstanceControllerMetaData contains all meta data concerning the InstanceController contract.
var InstanceControllerMetaData = bind.MetaData{
	ABI: "[{\"inputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"constructor\"},{\"inputs\":[],\"name\":\"AlreadyInitialized\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint32\",\"name\":\"count\",\"type\":\"uint32\"},{\"internalType\":\"uint32\",\"name\":\"recordedCount\",\"type\":\"uint32\"}],\"name\":\"BadChunkCount\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint32\",\"name\":\"first\",\"type\":\"uint32\"},{\"internalType\":\"uint32\",\"name\":\"published\",\"type\":\"uint32\"}],\"name\":\"ChunkOutOfOrder\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"ControllerPaused\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint64\",\"name\":\"ttlSec\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"minTtlSec\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"maxTtlSec\",\"type\":\"uint64\"}],\"name\":\"InvalidTtl\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"account\",\"type\":\"address\"}],\"name\":\"NoCode\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"NoPendingUpgrade\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"NoReleaseRegistry\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"NotPaused\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"caller\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"pendingRootAuthority\",\"type\":\"address\"}],\"name\":\"NotPendingRootAuthority\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"componentId\",\"type\":\"bytes32\"},{\"internalType\":\"uint64\",\"name\":\"version\",\"type\":\"uint64\"},{\"internalType\":\"bytes32\",\"name\":\"publishedRoot\",\"type\":\"bytes32\"},{\"internalType\":\"bytes32\",\"name\":\"publishedUriHash\",\"type\":\"bytes32\"}],\"name\":\"ReleaseMismatch\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"componentId\",\"type\":\"bytes32\"},{\"internalType\":\"uint64\",\"name\":\"version\",\"type\":\"uint64\"}],\"name\":\"ReleaseNotPublished\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"releaseRegistry\",\"type\":\"address\"}],\"name\":\"ReleaseRequired\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint32\",\"name\":\"first\",\"type\":\"uint32\"},{\"internalType\":\"uint256\",\"name\":\"chunks\",\"type\":\"uint256\"},{\"internalType\":\"uint32\",\"name\":\"count\",\"type\":\"uint32\"}],\"name\":\"TooManyChunks\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"caller\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"authority\",\"type\":\"address\"}],\"name\":\"Unauthorized\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint64\",\"name\":\"expiresAt\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"now\",\"type\":\"uint64\"}],\"name\":\"UpgradeExpired\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"ZeroAddress\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"ZeroComponentId\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"ZeroRoot\",\"type\":\"error\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"uint8\",\"name\":\"role\",\"type\":\"uint8\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"previous\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"current\",\"type\":\"address\"}],\"name\":\"AuthorityChanged\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"rootAuthority\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"upgradeAuthority\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"emergencyAuthority\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"bytes32\",\"name\":\"root\",\"type\":\"bytes32\"},{\"indexed\":false,\"internalType\":\"bytes32\",\"name\":\"uriHash\",\"type\":\"bytes32\"},{\"indexed\":false,\"internalType\":\"bytes32\",\"name\":\"policyHash\",\"type\":\"bytes32\"}],\"name\":\"Initialized\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"root\",\"type\":\"bytes32\"},{\"indexed\":true,\"internalType\":\"uint32\",\"name\":\"index\",\"type\":\"uint32\"},{\"indexed\":false,\"internalType\":\"uint32\",\"name\":\"count\",\"type\":\"uint32\"},{\"indexed\":false,\"internalType\":\"bytes\",\"name\":\"chunk\",\"type\":\"bytes\"}],\"name\":\"ManifestChunk\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"root\",\"type\":\"bytes32\"},{\"indexed\":false,\"internalType\":\"uint32\",\"name\":\"count\",\"type\":\"uint32\"}],\"name\":\"ManifestPublished\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"by\",\"type\":\"address\"}],\"name\":\"Paused\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":false,\"internalType\":\"bytes32\",\"name\":\"previous\",\"type\":\"bytes32\"},{\"indexed\":false,\"internalType\":\"bytes32\",\"name\":\"current\",\"type\":\"bytes32\"}],\"name\":\"PolicyHashChanged\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"componentId\",\"type\":\"bytes32\"},{\"indexed\":true,\"internalType\":\"uint64\",\"name\":\"version\",\"type\":\"uint64\"},{\"indexed\":false,\"internalType\":\"bytes32\",\"name\":\"root\",\"type\":\"bytes32\"}],\"name\":\"ReleaseActivated\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"componentId\",\"type\":\"bytes32\"},{\"indexed\":true,\"internalType\":\"uint64\",\"name\":\"version\",\"type\":\"uint64\"},{\"indexed\":false,\"internalType\":\"bytes32\",\"name\":\"root\",\"type\":\"bytes32\"}],\"name\":\"ReleaseProposed\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"previous\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"current\",\"type\":\"address\"}],\"name\":\"ReleaseRegistryChanged\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"current\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"pending\",\"type\":\"address\"}],\"name\":\"RootAuthorityTransferStarted\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"by\",\"type\":\"address\"}],\"name\":\"Unpaused\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"root\",\"type\":\"bytes32\"},{\"indexed\":false,\"internalType\":\"bytes32\",\"name\":\"uriHash\",\"type\":\"bytes32\"},{\"indexed\":false,\"internalType\":\"bytes32\",\"name\":\"policyHash\",\"type\":\"bytes32\"},{\"indexed\":false,\"internalType\":\"bytes32\",\"name\":\"previousRoot\",\"type\":\"bytes32\"}],\"name\":\"UpgradeActivated\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"root\",\"type\":\"bytes32\"}],\"name\":\"UpgradeCancelled\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"root\",\"type\":\"bytes32\"},{\"indexed\":false,\"internalType\":\"bytes32\",\"name\":\"uriHash\",\"type\":\"bytes32\"},{\"indexed\":false,\"internalType\":\"bytes32\",\"name\":\"policyHash\",\"type\":\"bytes32\"},{\"indexed\":false,\"internalType\":\"uint64\",\"name\":\"expiresAt\",\"type\":\"uint64\"}],\"name\":\"UpgradeProposed\",\"type\":\"event\"},{\"inputs\":[],\"name\":\"MAX_MANIFEST_CHUNKS\",\"outputs\":[{\"internalType\":\"uint32\",\"name\":\"\",\"type\":\"uint32\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"MAX_TTL_SEC\",\"outputs\":[{\"internalType\":\"uint64\",\"name\":\"\",\"type\":\"uint64\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"MIN_TTL_SEC\",\"outputs\":[{\"internalType\":\"uint64\",\"name\":\"\",\"type\":\"uint64\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"ROLE_EMERGENCY\",\"outputs\":[{\"internalType\":\"uint8\",\"name\":\"\",\"type\":\"uint8\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"ROLE_ROOT\",\"outputs\":[{\"internalType\":\"uint8\",\"name\":\"\",\"type\":\"uint8\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"ROLE_UPGRADE\",\"outputs\":[{\"internalType\":\"uint8\",\"name\":\"\",\"type\":\"uint8\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"VERSION\",\"outputs\":[{\"internalType\":\"uint64\",\"name\":\"\",\"type\":\"uint64\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"acceptRootAuthority\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"activateUpgrade\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"cancelUpgrade\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"root\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"upgrade\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"emergency\",\"type\":\"address\"},{\"internalType\":\"bytes32\",\"name\":\"genesisRoot\",\"type\":\"bytes32\"},{\"internalType\":\"bytes32\",\"name\":\"genesisUriHash\",\"type\":\"bytes32\"},{\"internalType\":\"bytes32\",\"name\":\"genesisPolicyHash\",\"type\":\"bytes32\"}],\"name\":\"initialize\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"root\",\"type\":\"bytes32\"}],\"name\":\"manifestRecord\",\"outputs\":[{\"components\":[{\"internalType\":\"uint32\",\"name\":\"count\",\"type\":\"uint32\"},{\"internalType\":\"uint32\",\"name\":\"published\",\"type\":\"uint32\"},{\"internalType\":\"uint64\",\"name\":\"firstBlock\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"lastBlock\",\"type\":\"uint64\"}],\"internalType\":\"structInstanceController.ManifestRecord\",\"name\":\"\",\"type\":\"tuple\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"pause\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"componentId\",\"type\":\"bytes32\"},{\"internalType\":\"uint64\",\"name\":\"version\",\"type\":\"uint64\"},{\"internalType\":\"bytes32\",\"name\":\"policyHash\",\"type\":\"bytes32\"},{\"internalType\":\"uint64\",\"name\":\"ttlSec\",\"type\":\"uint64\"}],\"name\":\"proposeRelease\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"root\",\"type\":\"bytes32\"},{\"internalType\":\"bytes32\",\"name\":\"uriHash\",\"type\":\"bytes32\"},{\"internalType\":\"bytes32\",\"name\":\"policyHash\",\"type\":\"bytes32\"},{\"internalType\":\"uint64\",\"name\":\"ttlSec\",\"type\":\"uint64\"}],\"name\":\"proposeUpgrade\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"root\",\"type\":\"bytes32\"},{\"internalType\":\"uint32\",\"name\":\"first\",\"type\":\"uint32\"},{\"internalType\":\"uint32\",\"name\":\"count\",\"type\":\"uint32\"},{\"internalType\":\"bytes[]\",\"name\":\"chunks\",\"type\":\"bytes[]\"}],\"name\":\"publishManifestChunks\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"next\",\"type\":\"address\"}],\"name\":\"setEmergencyAuthority\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"next\",\"type\":\"bytes32\"}],\"name\":\"setPolicyHash\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"next\",\"type\":\"address\"}],\"name\":\"setReleaseRegistry\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"next\",\"type\":\"address\"}],\"name\":\"setUpgradeAuthority\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"snapshot\",\"outputs\":[{\"components\":[{\"internalType\":\"uint64\",\"name\":\"version\",\"type\":\"uint64\"},{\"internalType\":\"bool\",\"name\":\"initialized\",\"type\":\"bool\"},{\"internalType\":\"address\",\"name\":\"rootAuthority\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"upgradeAuthority\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"emergencyAuthority\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"pendingRootAuthority\",\"type\":\"address\"},{\"internalType\":\"bytes32\",\"name\":\"activeRoot\",\"type\":\"bytes32\"},{\"internalType\":\"bytes32\",\"name\":\"activeUriHash\",\"type\":\"bytes32\"},{\"internalType\":\"bytes32\",\"name\":\"activePolicyHash\",\"type\":\"bytes32\"},{\"internalType\":\"uint64\",\"name\":\"activatedAt\",\"type\":\"uint64\"},{\"internalType\":\"bool\",\"name\":\"paused\",\"type\":\"bool\"},{\"components\":[{\"internalType\":\"bytes32\",\"name\":\"root\",\"type\":\"bytes32\"},{\"internalType\":\"bytes32\",\"name\":\"uriHash\",\"type\":\"bytes32\"},{\"internalType\":\"bytes32\",\"name\":\"policyHash\",\"type\":\"bytes32\"},{\"internalType\":\"uint64\",\"name\":\"proposedAt\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"expiresAt\",\"type\":\"uint64\"}],\"internalType\":\"structInstanceController.Proposal\",\"name\":\"pendingUpgrade\",\"type\":\"tuple\"},{\"internalType\":\"uint64\",\"name\":\"changeCount\",\"type\":\"uint64\"},{\"internalType\":\"address\",\"name\":\"releaseRegistry\",\"type\":\"address\"},{\"internalType\":\"bytes32\",\"name\":\"activeComponentId\",\"type\":\"bytes32\"},{\"internalType\":\"uint64\",\"name\":\"activeVersion\",\"type\":\"uint64\"},{\"internalType\":\"bytes32\",\"name\":\"pendingComponentId\",\"type\":\"bytes32\"},{\"internalType\":\"uint64\",\"name\":\"pendingVersion\",\"type\":\"uint64\"}],\"internalType\":\"structInstanceController.Snapshot\",\"name\":\"s\",\"type\":\"tuple\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"next\",\"type\":\"address\"}],\"name\":\"transferRootAuthority\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"unpause\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"}]",
	ID:  "InstanceController",
	Bin: "0x6080604052348015600e575f5ffd5b505f805460ff19166001179055611e8a806100285f395ff3fe608060405234801561000f575f5ffd5b5060043610610148575f3560e01c80639711715a116100bf578063adeac51311610079578063adeac51314610281578063b29d8bf71461035f578063d70bccc514610369578063dbcc15231461037c578063f7e02a8b14610384578063ffa1ad741461038c575f5ffd5b80639711715a1461021857806397238b751461022d578063986f342a14610240578063a6ba6d0514610253578063a6c048ef14610266578063ab7f7fcc1461026e575f5ffd5b806345f3abc41161011057806345f3abc4146101bb57806348ee6395146101ce57806355f29166146101e15780636145f5d1146101e957806365f51001146101f15780638456cb5914610210575f5ffd5b8063091243471461014c5780632a7d8acb146101615780633d6c7f94146101805780633f4ba83a146101a0578063413b17fd146101a8575b5f5ffd5b61015f61015a366004611934565b610394565b005b610169600281565b60405160ff90911681526020015b60405180910390f35b610188603c81565b6040516001600160401b039091168152602001610177565b61015f610473565b61015f6101b6366004611968565b610539565b61015f6101c93660046119b9565b6105b3565b61015f6101dc366004611934565b610918565b61015f6109cf565b610169600181565b6101fb6210000081565b60405163ffffffff9091168152602001610177565b61015f610b25565b610220610bf3565b6040516101779190611a4f565b61015f61023b366004611bfe565b610dca565b61015f61024e366004611934565b610e44565b61015f610261366004611c15565b610f1a565b61015f610fcf565b61015f61027c366004611934565b6112d7565b61030a61028f366004611bfe565b60408051608080820183525f8083526020808401829052838501829052606093840182905294815260118552839020835191820184525463ffffffff8082168352640100000000820416948201949094526001600160401b03600160401b8504811693820193909352600160801b9093049091169082015290565b60405161017791905f60808201905063ffffffff835116825263ffffffff60208401511660208301526001600160401b0360408401511660408301526001600160401b03606084015116606083015292915050565b61018862278d0081565b61015f610377366004611c51565b61138b565b61015f6114d1565b610169600381565b610188600281565b5f546103ad9061010090046001600160a01b03166115b2565b6001600160a01b0381166103d45760405163d92e233d60e01b815260040160405180910390fd5b6002546040516001600160a01b038084169216906003907fbe4a8a9f788e9d1a4ac9d43d7a5233aaf4f0b5617da3fa3c1db56716ad495a4f905f90a4600280546001600160a01b0319166001600160a01b03831617905560078054600160481b90046001600160401b031690600961044b83611cc0565b91906101000a8154816001600160401b0302191690836001600160401b031602179055505050565b600254610488906001600160a01b03166115b2565b600754600160401b900460ff166104b257604051636cd6020160e01b815260040160405180910390fd5b6007805460ff60401b1916808255600160481b90046001600160401b03169060096104dc83611cc0565b91906101000a8154816001600160401b0302191690836001600160401b0316021790555050336001600160a01b03167f5db9ee0a495bf2e6ff9c91a7834c1ba4fdd244a5e8aa4e537bd38aeae4b073aa60405160405180910390a2565b60015461054e906001600160a01b03166115b2565b600c546001600160a01b03161561058c57600c5460405163f9b0449d60e01b81526001600160a01b0390911660048201526024015b60405180910390fd5b610598848484846115ef565b50505f600f5550506010805467ffffffffffffffff19169055565b6001546105c8906001600160a01b03166115b2565b600754600160401b900460ff16156105f357604051631ab3bf4360e11b815260040160405180910390fd5b846106115760405163b263ae7360e01b815260040160405180910390fd5b5f858152601160209081526040918290208251608081018452905463ffffffff808216835264010000000082048116938301939093526001600160401b03600160401b8204811694830194909452600160801b900490921660608301528416158061068457506210000063ffffffff8516115b806106aa5750805163ffffffff16158015906106aa5750805163ffffffff858116911614155b156106db578051604051630308476f60e21b815263ffffffff80871660048301529091166024820152604401610583565b806020015163ffffffff168563ffffffff161461072157602081015160405163b9c7be6d60e01b815263ffffffff80881660048301529091166024820152604401610583565b81158061073c57506107338585611cea565b63ffffffff1682115b156107715760405163ed4b36bf60e01b815263ffffffff80871660048301526024820184905285166044820152606401610583565b5f5b828110156107f1576107858187611d0c565b63ffffffff16877f454df785c37717b1940feeb16dfec2e19dcd877d08d4e17e9678fa7460268fe4878787868181106107c0576107c0611d28565b90506020028101906107d29190611d3c565b6040516107e193929190611d85565b60405180910390a3600101610773565b50805163ffffffff165f03610810576001600160401b03431660408201525b63ffffffff841681526108238286611d0c565b63ffffffff90811660208084019182526001600160401b03438116606086019081525f8b815260119093526040928390208651815495519488015192518416600160801b0267ffffffffffffffff60801b1993909416600160401b029290921677ffffffffffffffffffffffffffffffff000000000000000019948716640100000000810267ffffffffffffffff199097169388169390931795909517939093169390931717905590851690036109105760405163ffffffff8516815286907fb13f1d35325ed2462b4fc3558329ac961bdd62927c79d5fd3c5472001df9507d9060200160405180910390a25b505050505050565b5f546109319061010090046001600160a01b03166115b2565b6001600160a01b0381166109585760405163d92e233d60e01b815260040160405180910390fd5b6001546040516001600160a01b038084169216906002907fbe4a8a9f788e9d1a4ac9d43d7a5233aaf4f0b5617da3fa3c1db56716ad495a4f905f90a4600180546001600160a01b0319166001600160a01b03831617905560078054600160481b90046001600160401b031690600961044b83611cc0565b6001546001600160a01b031633148015906109f957505f5461010090046001600160a01b03163314155b8015610a1057506002546001600160a01b03163314155b15610a435760015460405163295a81c160e01b81523360048201526001600160a01b039091166024820152604401610583565b600b54600160401b90046001600160401b03165f03610a7557604051636eb093af60e11b815260040160405180910390fd5b600880545f918290556009828155600a839055600b80546001600160801b0319169055600f929092556010805467ffffffffffffffff19169055600780549192600160481b9092046001600160401b031691610ad083611cc0565b91906101000a8154816001600160401b0302191690836001600160401b0316021790555050807f3581f2526e53a276effa5116f0579562b23947cbd75fbabdeb6049aa7f5c50e660405160405180910390a250565b600254610b3a906001600160a01b03166115b2565b600754600160401b900460ff1615610b6557604051631ab3bf4360e11b815260040160405180910390fd5b6007805460ff60401b1916600160401b178082556001600160401b03600160481b90910416906009610b9683611cc0565b91906101000a8154816001600160401b0302191690836001600160401b0316021790555050336001600160a01b03167f62e78cea01bee320cd4e420270b5ea74000d11b0c9f74754ebdbfc544b05a25860405160405180910390a2565b610ca660408051610240810182525f80825260208083018290528284018290526060808401839052608080850184905260a080860185905260c0860185905260e08601859052610100860185905261012086018590526101408601859052865190810187528481529283018490529482018390528101829052928301529061016082019081525f6020820181905260408201819052606082018190526080820181905260a0820181905260c09091015290565b60028082525f5460ff80821615156020808601919091526001600160a01b03610100938490048116604080880191909152600154821660608089019190915295548216608080890191909152600354831660a0808a019190915260045460c08a015260055460e08a0152600654968901969096526007546001600160401b038181166101208b0152600160401b80830490971615156101408b015283519788018452600854885260095495880195909552600a5492870192909252600b548085169787019790975293909504821692840192909252610160850192909252600160481b9092048116610180840152600c549091166101a0830152600d546101c0830152600e5481166101e0830152600f546102008301526010541661022082015290565b5f54610de39061010090046001600160a01b03166115b2565b60065460408051918252602082018390527f96b4047380220ac232591f3de405df652d865bc26490c4fd0c80a6bdfae67613910160405180910390a1600681905560078054600160481b90046001600160401b031690600961044b83611cc0565b5f54610e5d9061010090046001600160a01b03166115b2565b6001600160a01b03811615801590610e7d57506001600160a01b0381163b155b15610ea6576040516333a2905b60e11b81526001600160a01b0382166004820152602401610583565b600c546040516001600160a01b038084169216907f0601b11920dc251b7829660df5bae88453eae675d60fff8d5d1d7492dfc4a2b5905f90a3600c80546001600160a01b0319166001600160a01b03831617905560078054600160481b90046001600160401b031690600961044b83611cc0565b600154610f2f906001600160a01b03166115b2565b83610f4d57604051634cc956d360e11b815260040160405180910390fd5b5f610f5885856117e6565b9050610f6d815f0151826020015185856115ef565b600f8590556010805467ffffffffffffffff19166001600160401b038616908117909155815160405190815286907f2579d3cb709db2f0034c81f7677458acb4563c2739754566192eef14993611d69060200160405180910390a35050505050565b600154610fe4906001600160a01b03166115b2565b600754600160401b900460ff161561100f57604051631ab3bf4360e11b815260040160405180910390fd5b6040805160a08101825260085481526009546020820152600a5491810191909152600b546001600160401b038082166060840152600160401b90910416608082018190525f0361107257604051636eb093af60e11b815260040160405180910390fd5b80608001516001600160401b03164211156110ba57608081015160405163376f226f60e21b81526001600160401b039182166004820152429091166024820152604401610583565b600f546010546001600160401b0316811561113f575f6110da83836117e6565b845181519192501415806110f657508360200151816020015114155b15611139578051602082015160405162b0c2b160e41b8152600481018690526001600160401b038516602482015260448101929092526064820152608401610583565b50611178565b600c546001600160a01b03161561117857600c5460405163f9b0449d60e01b81526001600160a01b039091166004820152602401610583565b60048054845190915560208401516005556040840151600655600780546001600160401b0342811667ffffffffffffffff1992831617808455600d879055600e80548784169085161790555f60088190556009818155600a829055600b80546001600160801b0319169055600f9190915560108054909416909355600160481b900416919061120683611cc0565b91906101000a8154816001600160401b0302191690836001600160401b0316021790555050835f01517fb59721ec809afeea22cb8a93e680396de1a17a903c0f70efcbc9bb64401bbdac856020015186604001518460405161127b939291909283526020830191909152604082015260600190565b60405180910390a282156112d157816001600160401b0316837f391eb5cea312ea2a90330413968aa421d381f0a3e831f73e567c1748b6de1a81865f01516040516112c891815260200190565b60405180910390a35b50505050565b5f546112f09061010090046001600160a01b03166115b2565b600380546001600160a01b0319166001600160a01b03831617905560078054600160481b90046001600160401b031690600961132b83611cc0565b82546001600160401b0391821661010093840a90810292021916179091555f80546040516001600160a01b03808716955093909104909216917f26a233ba3f2248ee219fd50b9ada18822cbdcdc2bc3009d180984a42ede71da49190a350565b5f5460ff16156113ad5760405162dc149f60e41b815260040160405180910390fd5b6001600160a01b03861615806113ca57506001600160a01b038516155b806113dc57506001600160a01b038416155b156113fa5760405163d92e233d60e01b815260040160405180910390fd5b5f80546001600160a01b0388811661010081026001600160a81b031990931692909217600190811790935582548882166001600160a01b031991821681179094556002805492891692909116821790556004869055600585905560068490556007805470ffffffffffffffff00ffffffffffffffff19166001600160401b03421617600160481b1790556040805187815260208101879052908101859052909291907f6146a185ef272ac4d253486d37bfa1922a8c9498c5f4b23a5d3d0ea0fde3eb219060600160405180910390a4505050505050565b6003546001600160a01b03168015806114f35750336001600160a01b03821614155b15611522576040516354ebf46560e01b81523360048201526001600160a01b0382166024820152604401610583565b5f80546040516001600160a01b038085169361010090930416916001917fbe4a8a9f788e9d1a4ac9d43d7a5233aaf4f0b5617da3fa3c1db56716ad495a4f9190a45f8054610100600160a81b0319166101006001600160a01b03841602179055600380546001600160a01b031916905560078054600160481b90046001600160401b031690600961044b83611cc0565b336001600160a01b038216146115ec5760405163295a81c160e01b81523360048201526001600160a01b0382166024820152604401610583565b50565b600754600160401b900460ff161561161a57604051631ab3bf4360e11b815260040160405180910390fd5b836116385760405163b263ae7360e01b815260040160405180910390fd5b603c6001600160401b038216108061165b575062278d006001600160401b038216115b1561169457604051630171b9b560e21b81526001600160401b0382166004820152603c602482015262278d006044820152606401610583565b600b54600160401b90046001600160401b0316156116d8576008546040517f3581f2526e53a276effa5116f0579562b23947cbd75fbabdeb6049aa7f5c50e6905f90a25b5f6116e38242611dc0565b6040805160a08101825287815260208101879052908101859052426001600160401b0390811660608301819052838216608090930183905260088990556009888155600a889055600b80546001600160801b031916909217600160401b90940293909317905560078054939450600160481b90930416919061176483611cc0565b91906101000a8154816001600160401b0302191690836001600160401b0316021790555050847f50e6d4f746b4e300fe5f5c2392be4da9337daedbc0f56dbef3846d41180079768585846040516117d79392919092835260208301919091526001600160401b0316604082015260600190565b60405180910390a25050505050565b61181660405180608001604052805f81526020015f81526020015f81526020015f6001600160401b031681525090565b600c546001600160a01b0316806118405760405163374be1ad60e21b815260040160405180910390fd5b604051631ae026e160e31b8152600481018590526001600160401b03841660248201526001600160a01b0382169063d701370890604401608060405180830381865afa9250505080156118b0575060408051601f3d908101601f191682019092526118ad91810190611ddf565b60015b6118df5760405163ab905bd560e01b8152600481018590526001600160401b0384166024820152604401610583565b915081516119125760405163ab905bd560e01b8152600481018590526001600160401b0384166024820152604401610583565b5092915050565b80356001600160a01b038116811461192f575f5ffd5b919050565b5f60208284031215611944575f5ffd5b61194d82611919565b9392505050565b6001600160401b03811681146115ec575f5ffd5b5f5f5f5f6080858703121561197b575f5ffd5b843593506020850135925060408501359150606085013561199b81611954565b939692955090935050565b803563ffffffff8116811461192f575f5ffd5b5f5f5f5f5f608086880312156119cd575f5ffd5b853594506119dd602087016119a6565b93506119eb604087016119a6565b925060608601356001600160401b03811115611a05575f5ffd5b8601601f81018813611a15575f5ffd5b80356001600160401b03811115611a2a575f5ffd5b8860208260051b8401011115611a3e575f5ffd5b959894975092955050506020019190565b81516001600160401b031681526102c081016020830151611a74602084018215159052565b506040830151611a8f60408401826001600160a01b03169052565b506060830151611aaa60608401826001600160a01b03169052565b506080830151611ac560808401826001600160a01b03169052565b5060a0830151611ae060a08401826001600160a01b03169052565b5060c083015160c083015260e083015160e0830152610100830151610100830152610120830151611b1d6101208401826001600160401b03169052565b50610140830151611b3361014084018215159052565b50610160830151611b856101608401828051825260208101516020830152604081015160408301526001600160401b0360608201511660608301526001600160401b0360808201511660808301525050565b506101808301516001600160401b038116610200840152506101a08301516001600160a01b038116610220840152506101c08301516102408301526101e08301516001600160401b038116610260840152506102008301516102808301526102208301516001600160401b0381166102a0840152611912565b5f60208284031215611c0e575f5ffd5b5035919050565b5f5f5f5f60808587031215611c28575f5ffd5b843593506020850135611c3a81611954565b925060408501359150606085013561199b81611954565b5f5f5f5f5f5f60c08789031215611c66575f5ffd5b611c6f87611919565b9550611c7d60208801611919565b9450611c8b60408801611919565b959894975094956060810135955060808101359460a0909101359350915050565b634e487b7160e01b5f52601160045260245ffd5b5f6001600160401b0382166001600160401b038103611ce157611ce1611cac565b60010192915050565b63ffffffff8281168282160390811115611d0657611d06611cac565b92915050565b63ffffffff8181168382160190811115611d0657611d06611cac565b634e487b7160e01b5f52603260045260245ffd5b5f5f8335601e19843603018112611d51575f5ffd5b8301803591506001600160401b03821115611d6a575f5ffd5b602001915036819003821315611d7e575f5ffd5b9250929050565b63ffffffff8416815260406020820152816040820152818360608301375f818301606090810191909152601f909201601f1916010192915050565b6001600160401b038181168382160190811115611d0657611d06611cac565b5f6080828403128015611df0575f5ffd5b50604051608081016001600160401b0381118282101715611e1f57634e487b7160e01b5f52604160045260245ffd5b6040908152835182526020808501519083015283810151908201526060830151611e4881611954565b6060820152939250505056fea26469706673582212208f55d1ed2721a85d1dcc7eadb0434b97db3ced59d55e4619418145b80936baf264736f6c634300081e0033",
}

// InstanceController is an auto generated Go binding around an Ethereum contract.
type InstanceController struct {
	abi abi.ABI
}

// GetABI returns the ABI associated with this contract binding.
func (c *InstanceController) GetABI() abi.ABI {
	return c.abi
}

// NewInstanceController creates a new instance of InstanceController.
func NewInstanceController() *InstanceController {
	parsed, err := InstanceControllerMetaData.ParseABI()
	if err != nil {
		panic(errors.New("invalid ABI: " + err.Error()))
	}
	return &InstanceController{abi: *parsed}
}

// Instance creates a wrapper for a deployed contract instance at the given address.
// Use this to create the instance object passed to abigen v2 library functions Call, Transact, etc.
func (c *InstanceController) Instance(backend bind.ContractBackend, addr common.Address) *bind.BoundContract {
	return bind.NewBoundContract(addr, c.abi, backend, backend, backend)
}

// PackMAXMANIFESTCHUNKS is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x65f51001.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function MAX_MANIFEST_CHUNKS() view returns(uint32)
func (instanceController *InstanceController) PackMAXMANIFESTCHUNKS() []byte {
	enc, err := instanceController.abi.Pack("MAX_MANIFEST_CHUNKS")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackMAXMANIFESTCHUNKS is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x65f51001.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function MAX_MANIFEST_CHUNKS() view returns(uint32)
func (instanceController *InstanceController) TryPackMAXMANIFESTCHUNKS() ([]byte, error) {
	return instanceController.abi.Pack("MAX_MANIFEST_CHUNKS")
}

// UnpackMAXMANIFESTCHUNKS is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x65f51001.
//
// Solidity: function MAX_MANIFEST_CHUNKS() view returns(uint32)
func (instanceController *InstanceController) UnpackMAXMANIFESTCHUNKS(data []byte) (uint32, error) {
	out, err := instanceController.abi.Unpack("MAX_MANIFEST_CHUNKS", data)
	if err != nil {
		return *new(uint32), err
	}
	out0 := *abi.ConvertType(out[0], new(uint32)).(*uint32)
	return out0, nil
}

// PackMAXTTLSEC is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xb29d8bf7.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function MAX_TTL_SEC() view returns(uint64)
func (instanceController *InstanceController) PackMAXTTLSEC() []byte {
	enc, err := instanceController.abi.Pack("MAX_TTL_SEC")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackMAXTTLSEC is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xb29d8bf7.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function MAX_TTL_SEC() view returns(uint64)
func (instanceController *InstanceController) TryPackMAXTTLSEC() ([]byte, error) {
	return instanceController.abi.Pack("MAX_TTL_SEC")
}

// UnpackMAXTTLSEC is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xb29d8bf7.
//
// Solidity: function MAX_TTL_SEC() view returns(uint64)
func (instanceController *InstanceController) UnpackMAXTTLSEC(data []byte) (uint64, error) {
	out, err := instanceController.abi.Unpack("MAX_TTL_SEC", data)
	if err != nil {
		return *new(uint64), err
	}
	out0 := *abi.ConvertType(out[0], new(uint64)).(*uint64)
	return out0, nil
}

// PackMINTTLSEC is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x3d6c7f94.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function MIN_TTL_SEC() view returns(uint64)
func (instanceController *InstanceController) PackMINTTLSEC() []byte {
	enc, err := instanceController.abi.Pack("MIN_TTL_SEC")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackMINTTLSEC is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x3d6c7f94.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function MIN_TTL_SEC() view returns(uint64)
func (instanceController *InstanceController) TryPackMINTTLSEC() ([]byte, error) {
	return instanceController.abi.Pack("MIN_TTL_SEC")
}

// UnpackMINTTLSEC is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x3d6c7f94.
//
// Solidity: function MIN_TTL_SEC() view returns(uint64)
func (instanceController *InstanceController) UnpackMINTTLSEC(data []byte) (uint64, error) {
	out, err := instanceController.abi.Unpack("MIN_TTL_SEC", data)
	if err != nil {
		return *new(uint64), err
	}
	out0 := *abi.ConvertType(out[0], new(uint64)).(*uint64)
	return out0, nil
}

// PackROLEEMERGENCY is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xf7e02a8b.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function ROLE_EMERGENCY() view returns(uint8)
func (instanceController *InstanceController) PackROLEEMERGENCY() []byte {
	enc, err := instanceController.abi.Pack("ROLE_EMERGENCY")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackROLEEMERGENCY is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xf7e02a8b.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function ROLE_EMERGENCY() view returns(uint8)
func (instanceController *InstanceController) TryPackROLEEMERGENCY() ([]byte, error) {
	return instanceController.abi.Pack("ROLE_EMERGENCY")
}

// UnpackROLEEMERGENCY is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xf7e02a8b.
//
// Solidity: function ROLE_EMERGENCY() view returns(uint8)
func (instanceController *InstanceController) UnpackROLEEMERGENCY(data []byte) (uint8, error) {
	out, err := instanceController.abi.Unpack("ROLE_EMERGENCY", data)
	if err != nil {
		return *new(uint8), err
	}
	out0 := *abi.ConvertType(out[0], new(uint8)).(*uint8)
	return out0, nil
}

// PackROLEROOT is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x6145f5d1.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function ROLE_ROOT() view returns(uint8)
func (instanceController *InstanceController) PackROLEROOT() []byte {
	enc, err := instanceController.abi.Pack("ROLE_ROOT")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackROLEROOT is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x6145f5d1.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function ROLE_ROOT() view returns(uint8)
func (instanceController *InstanceController) TryPackROLEROOT() ([]byte, error) {
	return instanceController.abi.Pack("ROLE_ROOT")
}

// UnpackROLEROOT is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x6145f5d1.
//
// Solidity: function ROLE_ROOT() view returns(uint8)
func (instanceController *InstanceController) UnpackROLEROOT(data []byte) (uint8, error) {
	out, err := instanceController.abi.Unpack("ROLE_ROOT", data)
	if err != nil {
		return *new(uint8), err
	}
	out0 := *abi.ConvertType(out[0], new(uint8)).(*uint8)
	return out0, nil
}

// PackROLEUPGRADE is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x2a7d8acb.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function ROLE_UPGRADE() view returns(uint8)
func (instanceController *InstanceController) PackROLEUPGRADE() []byte {
	enc, err := instanceController.abi.Pack("ROLE_UPGRADE")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackROLEUPGRADE is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x2a7d8acb.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function ROLE_UPGRADE() view returns(uint8)
func (instanceController *InstanceController) TryPackROLEUPGRADE() ([]byte, error) {
	return instanceController.abi.Pack("ROLE_UPGRADE")
}

// UnpackROLEUPGRADE is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x2a7d8acb.
//
// Solidity: function ROLE_UPGRADE() view returns(uint8)
func (instanceController *InstanceController) UnpackROLEUPGRADE(data []byte) (uint8, error) {
	out, err := instanceController.abi.Unpack("ROLE_UPGRADE", data)
	if err != nil {
		return *new(uint8), err
	}
	out0 := *abi.ConvertType(out[0], new(uint8)).(*uint8)
	return out0, nil
}

// PackVERSION is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xffa1ad74.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function VERSION() view returns(uint64)
func (instanceController *InstanceController) PackVERSION() []byte {
	enc, err := instanceController.abi.Pack("VERSION")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackVERSION is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xffa1ad74.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function VERSION() view returns(uint64)
func (instanceController *InstanceController) TryPackVERSION() ([]byte, error) {
	return instanceController.abi.Pack("VERSION")
}

// UnpackVERSION is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xffa1ad74.
//
// Solidity: function VERSION() view returns(uint64)
func (instanceController *InstanceController) UnpackVERSION(data []byte) (uint64, error) {
	out, err := instanceController.abi.Unpack("VERSION", data)
	if err != nil {
		return *new(uint64), err
	}
	out0 := *abi.ConvertType(out[0], new(uint64)).(*uint64)
	return out0, nil
}

// PackAcceptRootAuthority is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xdbcc1523.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function acceptRootAuthority() returns()
func (instanceController *InstanceController) PackAcceptRootAuthority() []byte {
	enc, err := instanceController.abi.Pack("acceptRootAuthority")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackAcceptRootAuthority is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xdbcc1523.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function acceptRootAuthority() returns()
func (instanceController *InstanceController) TryPackAcceptRootAuthority() ([]byte, error) {
	return instanceController.abi.Pack("acceptRootAuthority")
}

// PackActivateUpgrade is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xa6c048ef.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function activateUpgrade() returns()
func (instanceController *InstanceController) PackActivateUpgrade() []byte {
	enc, err := instanceController.abi.Pack("activateUpgrade")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackActivateUpgrade is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xa6c048ef.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function activateUpgrade() returns()
func (instanceController *InstanceController) TryPackActivateUpgrade() ([]byte, error) {
	return instanceController.abi.Pack("activateUpgrade")
}

// PackCancelUpgrade is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x55f29166.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function cancelUpgrade() returns()
func (instanceController *InstanceController) PackCancelUpgrade() []byte {
	enc, err := instanceController.abi.Pack("cancelUpgrade")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackCancelUpgrade is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x55f29166.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function cancelUpgrade() returns()
func (instanceController *InstanceController) TryPackCancelUpgrade() ([]byte, error) {
	return instanceController.abi.Pack("cancelUpgrade")
}

// PackInitialize is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xd70bccc5.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function initialize(address root, address upgrade, address emergency, bytes32 genesisRoot, bytes32 genesisUriHash, bytes32 genesisPolicyHash) returns()
func (instanceController *InstanceController) PackInitialize(root common.Address, upgrade common.Address, emergency common.Address, genesisRoot [32]byte, genesisUriHash [32]byte, genesisPolicyHash [32]byte) []byte {
	enc, err := instanceController.abi.Pack("initialize", root, upgrade, emergency, genesisRoot, genesisUriHash, genesisPolicyHash)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackInitialize is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xd70bccc5.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function initialize(address root, address upgrade, address emergency, bytes32 genesisRoot, bytes32 genesisUriHash, bytes32 genesisPolicyHash) returns()
func (instanceController *InstanceController) TryPackInitialize(root common.Address, upgrade common.Address, emergency common.Address, genesisRoot [32]byte, genesisUriHash [32]byte, genesisPolicyHash [32]byte) ([]byte, error) {
	return instanceController.abi.Pack("initialize", root, upgrade, emergency, genesisRoot, genesisUriHash, genesisPolicyHash)
}

// PackManifestRecord is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xadeac513.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function manifestRecord(bytes32 root) view returns((uint32,uint32,uint64,uint64))
func (instanceController *InstanceController) PackManifestRecord(root [32]byte) []byte {
	enc, err := instanceController.abi.Pack("manifestRecord", root)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackManifestRecord is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xadeac513.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function manifestRecord(bytes32 root) view returns((uint32,uint32,uint64,uint64))
func (instanceController *InstanceController) TryPackManifestRecord(root [32]byte) ([]byte, error) {
	return instanceController.abi.Pack("manifestRecord", root)
}

// UnpackManifestRecord is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xadeac513.
//
// Solidity: function manifestRecord(bytes32 root) view returns((uint32,uint32,uint64,uint64))
func (instanceController *InstanceController) UnpackManifestRecord(data []byte) (InstanceControllerManifestRecord, error) {
	out, err := instanceController.abi.Unpack("manifestRecord", data)
	if err != nil {
		return *new(InstanceControllerManifestRecord), err
	}
	out0 := *abi.ConvertType(out[0], new(InstanceControllerManifestRecord)).(*InstanceControllerManifestRecord)
	return out0, nil
}

// PackPause is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x8456cb59.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function pause() returns()
func (instanceController *InstanceController) PackPause() []byte {
	enc, err := instanceController.abi.Pack("pause")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackPause is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x8456cb59.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function pause() returns()
func (instanceController *InstanceController) TryPackPause() ([]byte, error) {
	return instanceController.abi.Pack("pause")
}

// PackProposeRelease is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xa6ba6d05.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function proposeRelease(bytes32 componentId, uint64 version, bytes32 policyHash, uint64 ttlSec) returns()
func (instanceController *InstanceController) PackProposeRelease(componentId [32]byte, version uint64, policyHash [32]byte, ttlSec uint64) []byte {
	enc, err := instanceController.abi.Pack("proposeRelease", componentId, version, policyHash, ttlSec)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackProposeRelease is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xa6ba6d05.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function proposeRelease(bytes32 componentId, uint64 version, bytes32 policyHash, uint64 ttlSec) returns()
func (instanceController *InstanceController) TryPackProposeRelease(componentId [32]byte, version uint64, policyHash [32]byte, ttlSec uint64) ([]byte, error) {
	return instanceController.abi.Pack("proposeRelease", componentId, version, policyHash, ttlSec)
}

// PackProposeUpgrade is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x413b17fd.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function proposeUpgrade(bytes32 root, bytes32 uriHash, bytes32 policyHash, uint64 ttlSec) returns()
func (instanceController *InstanceController) PackProposeUpgrade(root [32]byte, uriHash [32]byte, policyHash [32]byte, ttlSec uint64) []byte {
	enc, err := instanceController.abi.Pack("proposeUpgrade", root, uriHash, policyHash, ttlSec)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackProposeUpgrade is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x413b17fd.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function proposeUpgrade(bytes32 root, bytes32 uriHash, bytes32 policyHash, uint64 ttlSec) returns()
func (instanceController *InstanceController) TryPackProposeUpgrade(root [32]byte, uriHash [32]byte, policyHash [32]byte, ttlSec uint64) ([]byte, error) {
	return instanceController.abi.Pack("proposeUpgrade", root, uriHash, policyHash, ttlSec)
}

// PackPublishManifestChunks is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x45f3abc4.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function publishManifestChunks(bytes32 root, uint32 first, uint32 count, bytes[] chunks) returns()
func (instanceController *InstanceController) PackPublishManifestChunks(root [32]byte, first uint32, count uint32, chunks [][]byte) []byte {
	enc, err := instanceController.abi.Pack("publishManifestChunks", root, first, count, chunks)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackPublishManifestChunks is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x45f3abc4.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function publishManifestChunks(bytes32 root, uint32 first, uint32 count, bytes[] chunks) returns()
func (instanceController *InstanceController) TryPackPublishManifestChunks(root [32]byte, first uint32, count uint32, chunks [][]byte) ([]byte, error) {
	return instanceController.abi.Pack("publishManifestChunks", root, first, count, chunks)
}

// PackSetEmergencyAuthority is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x09124347.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function setEmergencyAuthority(address next) returns()
func (instanceController *InstanceController) PackSetEmergencyAuthority(next common.Address) []byte {
	enc, err := instanceController.abi.Pack("setEmergencyAuthority", next)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackSetEmergencyAuthority is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x09124347.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function setEmergencyAuthority(address next) returns()
func (instanceController *InstanceController) TryPackSetEmergencyAuthority(next common.Address) ([]byte, error) {
	return instanceController.abi.Pack("setEmergencyAuthority", next)
}

// PackSetPolicyHash is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x97238b75.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function setPolicyHash(bytes32 next) returns()
func (instanceController *InstanceController) PackSetPolicyHash(next [32]byte) []byte {
	enc, err := instanceController.abi.Pack("setPolicyHash", next)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackSetPolicyHash is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x97238b75.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function setPolicyHash(bytes32 next) returns()
func (instanceController *InstanceController) TryPackSetPolicyHash(next [32]byte) ([]byte, error) {
	return instanceController.abi.Pack("setPolicyHash", next)
}

// PackSetReleaseRegistry is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x986f342a.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function setReleaseRegistry(address next) returns()
func (instanceController *InstanceController) PackSetReleaseRegistry(next common.Address) []byte {
	enc, err := instanceController.abi.Pack("setReleaseRegistry", next)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackSetReleaseRegistry is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x986f342a.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function setReleaseRegistry(address next) returns()
func (instanceController *InstanceController) TryPackSetReleaseRegistry(next common.Address) ([]byte, error) {
	return instanceController.abi.Pack("setReleaseRegistry", next)
}

// PackSetUpgradeAuthority is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x48ee6395.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function setUpgradeAuthority(address next) returns()
func (instanceController *InstanceController) PackSetUpgradeAuthority(next common.Address) []byte {
	enc, err := instanceController.abi.Pack("setUpgradeAuthority", next)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackSetUpgradeAuthority is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x48ee6395.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function setUpgradeAuthority(address next) returns()
func (instanceController *InstanceController) TryPackSetUpgradeAuthority(next common.Address) ([]byte, error) {
	return instanceController.abi.Pack("setUpgradeAuthority", next)
}

// PackSnapshot is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x9711715a.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function snapshot() view returns((uint64,bool,address,address,address,address,bytes32,bytes32,bytes32,uint64,bool,(bytes32,bytes32,bytes32,uint64,uint64),uint64,address,bytes32,uint64,bytes32,uint64) s)
func (instanceController *InstanceController) PackSnapshot() []byte {
	enc, err := instanceController.abi.Pack("snapshot")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackSnapshot is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x9711715a.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function snapshot() view returns((uint64,bool,address,address,address,address,bytes32,bytes32,bytes32,uint64,bool,(bytes32,bytes32,bytes32,uint64,uint64),uint64,address,bytes32,uint64,bytes32,uint64) s)
func (instanceController *InstanceController) TryPackSnapshot() ([]byte, error) {
	return instanceController.abi.Pack("snapshot")
}

// UnpackSnapshot is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x9711715a.
//
// Solidity: function snapshot() view returns((uint64,bool,address,address,address,address,bytes32,bytes32,bytes32,uint64,bool,(bytes32,bytes32,bytes32,uint64,uint64),uint64,address,bytes32,uint64,bytes32,uint64) s)
func (instanceController *InstanceController) UnpackSnapshot(data []byte) (InstanceControllerSnapshot, error) {
	out, err := instanceController.abi.Unpack("snapshot", data)
	if err != nil {
		return *new(InstanceControllerSnapshot), err
	}
	out0 := *abi.ConvertType(out[0], new(InstanceControllerSnapshot)).(*InstanceControllerSnapshot)
	return out0, nil
}

// PackTransferRootAuthority is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xab7f7fcc.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function transferRootAuthority(address next) returns()
func (instanceController *InstanceController) PackTransferRootAuthority(next common.Address) []byte {
	enc, err := instanceController.abi.Pack("transferRootAuthority", next)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackTransferRootAuthority is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xab7f7fcc.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function transferRootAuthority(address next) returns()
func (instanceController *InstanceController) TryPackTransferRootAuthority(next common.Address) ([]byte, error) {
	return instanceController.abi.Pack("transferRootAuthority", next)
}

// PackUnpause is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x3f4ba83a.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function unpause() returns()
func (instanceController *InstanceController) PackUnpause() []byte {
	enc, err := instanceController.abi.Pack("unpause")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackUnpause is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x3f4ba83a.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function unpause() returns()
func (instanceController *InstanceController) TryPackUnpause() ([]byte, error) {
	return instanceController.abi.Pack("unpause")
}

// InstanceControllerAuthorityChanged represents a AuthorityChanged event raised by the InstanceController contract.
type InstanceControllerAuthorityChanged struct {
	Role     uint8
	Previous common.Address
	Current  common.Address
	Raw      *types.Log // Blockchain specific contextual infos
}

const InstanceControllerAuthorityChangedEventName = "AuthorityChanged"

// ContractEventName returns the user-defined event name.
func (InstanceControllerAuthorityChanged) ContractEventName() string {
	return InstanceControllerAuthorityChangedEventName
}

// UnpackAuthorityChangedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event AuthorityChanged(uint8 indexed role, address indexed previous, address indexed current)
func (instanceController *InstanceController) UnpackAuthorityChangedEvent(log *types.Log) (*InstanceControllerAuthorityChanged, error) {
	event := "AuthorityChanged"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != instanceController.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(InstanceControllerAuthorityChanged)
	if len(log.Data) > 0 {
		if err := instanceController.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range instanceController.abi.Events[event].Inputs {
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

// InstanceControllerInitialized represents a Initialized event raised by the InstanceController contract.
type InstanceControllerInitialized struct {
	RootAuthority      common.Address
	UpgradeAuthority   common.Address
	EmergencyAuthority common.Address
	Root               [32]byte
	UriHash            [32]byte
	PolicyHash         [32]byte
	Raw                *types.Log // Blockchain specific contextual infos
}

const InstanceControllerInitializedEventName = "Initialized"

// ContractEventName returns the user-defined event name.
func (InstanceControllerInitialized) ContractEventName() string {
	return InstanceControllerInitializedEventName
}

// UnpackInitializedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event Initialized(address indexed rootAuthority, address indexed upgradeAuthority, address indexed emergencyAuthority, bytes32 root, bytes32 uriHash, bytes32 policyHash)
func (instanceController *InstanceController) UnpackInitializedEvent(log *types.Log) (*InstanceControllerInitialized, error) {
	event := "Initialized"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != instanceController.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(InstanceControllerInitialized)
	if len(log.Data) > 0 {
		if err := instanceController.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range instanceController.abi.Events[event].Inputs {
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

// InstanceControllerManifestChunk represents a ManifestChunk event raised by the InstanceController contract.
type InstanceControllerManifestChunk struct {
	Root  [32]byte
	Index uint32
	Count uint32
	Chunk []byte
	Raw   *types.Log // Blockchain specific contextual infos
}

const InstanceControllerManifestChunkEventName = "ManifestChunk"

// ContractEventName returns the user-defined event name.
func (InstanceControllerManifestChunk) ContractEventName() string {
	return InstanceControllerManifestChunkEventName
}

// UnpackManifestChunkEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event ManifestChunk(bytes32 indexed root, uint32 indexed index, uint32 count, bytes chunk)
func (instanceController *InstanceController) UnpackManifestChunkEvent(log *types.Log) (*InstanceControllerManifestChunk, error) {
	event := "ManifestChunk"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != instanceController.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(InstanceControllerManifestChunk)
	if len(log.Data) > 0 {
		if err := instanceController.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range instanceController.abi.Events[event].Inputs {
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

// InstanceControllerManifestPublished represents a ManifestPublished event raised by the InstanceController contract.
type InstanceControllerManifestPublished struct {
	Root  [32]byte
	Count uint32
	Raw   *types.Log // Blockchain specific contextual infos
}

const InstanceControllerManifestPublishedEventName = "ManifestPublished"

// ContractEventName returns the user-defined event name.
func (InstanceControllerManifestPublished) ContractEventName() string {
	return InstanceControllerManifestPublishedEventName
}

// UnpackManifestPublishedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event ManifestPublished(bytes32 indexed root, uint32 count)
func (instanceController *InstanceController) UnpackManifestPublishedEvent(log *types.Log) (*InstanceControllerManifestPublished, error) {
	event := "ManifestPublished"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != instanceController.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(InstanceControllerManifestPublished)
	if len(log.Data) > 0 {
		if err := instanceController.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range instanceController.abi.Events[event].Inputs {
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

// InstanceControllerPaused represents a Paused event raised by the InstanceController contract.
type InstanceControllerPaused struct {
	By  common.Address
	Raw *types.Log // Blockchain specific contextual infos
}

const InstanceControllerPausedEventName = "Paused"

// ContractEventName returns the user-defined event name.
func (InstanceControllerPaused) ContractEventName() string {
	return InstanceControllerPausedEventName
}

// UnpackPausedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event Paused(address indexed by)
func (instanceController *InstanceController) UnpackPausedEvent(log *types.Log) (*InstanceControllerPaused, error) {
	event := "Paused"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != instanceController.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(InstanceControllerPaused)
	if len(log.Data) > 0 {
		if err := instanceController.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range instanceController.abi.Events[event].Inputs {
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

// InstanceControllerPolicyHashChanged represents a PolicyHashChanged event raised by the InstanceController contract.
type InstanceControllerPolicyHashChanged struct {
	Previous [32]byte
	Current  [32]byte
	Raw      *types.Log // Blockchain specific contextual infos
}

const InstanceControllerPolicyHashChangedEventName = "PolicyHashChanged"

// ContractEventName returns the user-defined event name.
func (InstanceControllerPolicyHashChanged) ContractEventName() string {
	return InstanceControllerPolicyHashChangedEventName
}

// UnpackPolicyHashChangedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event PolicyHashChanged(bytes32 previous, bytes32 current)
func (instanceController *InstanceController) UnpackPolicyHashChangedEvent(log *types.Log) (*InstanceControllerPolicyHashChanged, error) {
	event := "PolicyHashChanged"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != instanceController.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(InstanceControllerPolicyHashChanged)
	if len(log.Data) > 0 {
		if err := instanceController.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range instanceController.abi.Events[event].Inputs {
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

// InstanceControllerReleaseActivated represents a ReleaseActivated event raised by the InstanceController contract.
type InstanceControllerReleaseActivated struct {
	ComponentId [32]byte
	Version     uint64
	Root        [32]byte
	Raw         *types.Log // Blockchain specific contextual infos
}

const InstanceControllerReleaseActivatedEventName = "ReleaseActivated"

// ContractEventName returns the user-defined event name.
func (InstanceControllerReleaseActivated) ContractEventName() string {
	return InstanceControllerReleaseActivatedEventName
}

// UnpackReleaseActivatedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event ReleaseActivated(bytes32 indexed componentId, uint64 indexed version, bytes32 root)
func (instanceController *InstanceController) UnpackReleaseActivatedEvent(log *types.Log) (*InstanceControllerReleaseActivated, error) {
	event := "ReleaseActivated"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != instanceController.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(InstanceControllerReleaseActivated)
	if len(log.Data) > 0 {
		if err := instanceController.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range instanceController.abi.Events[event].Inputs {
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

// InstanceControllerReleaseProposed represents a ReleaseProposed event raised by the InstanceController contract.
type InstanceControllerReleaseProposed struct {
	ComponentId [32]byte
	Version     uint64
	Root        [32]byte
	Raw         *types.Log // Blockchain specific contextual infos
}

const InstanceControllerReleaseProposedEventName = "ReleaseProposed"

// ContractEventName returns the user-defined event name.
func (InstanceControllerReleaseProposed) ContractEventName() string {
	return InstanceControllerReleaseProposedEventName
}

// UnpackReleaseProposedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event ReleaseProposed(bytes32 indexed componentId, uint64 indexed version, bytes32 root)
func (instanceController *InstanceController) UnpackReleaseProposedEvent(log *types.Log) (*InstanceControllerReleaseProposed, error) {
	event := "ReleaseProposed"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != instanceController.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(InstanceControllerReleaseProposed)
	if len(log.Data) > 0 {
		if err := instanceController.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range instanceController.abi.Events[event].Inputs {
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

// InstanceControllerReleaseRegistryChanged represents a ReleaseRegistryChanged event raised by the InstanceController contract.
type InstanceControllerReleaseRegistryChanged struct {
	Previous common.Address
	Current  common.Address
	Raw      *types.Log // Blockchain specific contextual infos
}

const InstanceControllerReleaseRegistryChangedEventName = "ReleaseRegistryChanged"

// ContractEventName returns the user-defined event name.
func (InstanceControllerReleaseRegistryChanged) ContractEventName() string {
	return InstanceControllerReleaseRegistryChangedEventName
}

// UnpackReleaseRegistryChangedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event ReleaseRegistryChanged(address indexed previous, address indexed current)
func (instanceController *InstanceController) UnpackReleaseRegistryChangedEvent(log *types.Log) (*InstanceControllerReleaseRegistryChanged, error) {
	event := "ReleaseRegistryChanged"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != instanceController.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(InstanceControllerReleaseRegistryChanged)
	if len(log.Data) > 0 {
		if err := instanceController.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range instanceController.abi.Events[event].Inputs {
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

// InstanceControllerRootAuthorityTransferStarted represents a RootAuthorityTransferStarted event raised by the InstanceController contract.
type InstanceControllerRootAuthorityTransferStarted struct {
	Current common.Address
	Pending common.Address
	Raw     *types.Log // Blockchain specific contextual infos
}

const InstanceControllerRootAuthorityTransferStartedEventName = "RootAuthorityTransferStarted"

// ContractEventName returns the user-defined event name.
func (InstanceControllerRootAuthorityTransferStarted) ContractEventName() string {
	return InstanceControllerRootAuthorityTransferStartedEventName
}

// UnpackRootAuthorityTransferStartedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event RootAuthorityTransferStarted(address indexed current, address indexed pending)
func (instanceController *InstanceController) UnpackRootAuthorityTransferStartedEvent(log *types.Log) (*InstanceControllerRootAuthorityTransferStarted, error) {
	event := "RootAuthorityTransferStarted"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != instanceController.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(InstanceControllerRootAuthorityTransferStarted)
	if len(log.Data) > 0 {
		if err := instanceController.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range instanceController.abi.Events[event].Inputs {
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

// InstanceControllerUnpaused represents a Unpaused event raised by the InstanceController contract.
type InstanceControllerUnpaused struct {
	By  common.Address
	Raw *types.Log // Blockchain specific contextual infos
}

const InstanceControllerUnpausedEventName = "Unpaused"

// ContractEventName returns the user-defined event name.
func (InstanceControllerUnpaused) ContractEventName() string {
	return InstanceControllerUnpausedEventName
}

// UnpackUnpausedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event Unpaused(address indexed by)
func (instanceController *InstanceController) UnpackUnpausedEvent(log *types.Log) (*InstanceControllerUnpaused, error) {
	event := "Unpaused"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != instanceController.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(InstanceControllerUnpaused)
	if len(log.Data) > 0 {
		if err := instanceController.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range instanceController.abi.Events[event].Inputs {
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

// InstanceControllerUpgradeActivated represents a UpgradeActivated event raised by the InstanceController contract.
type InstanceControllerUpgradeActivated struct {
	Root         [32]byte
	UriHash      [32]byte
	PolicyHash   [32]byte
	PreviousRoot [32]byte
	Raw          *types.Log // Blockchain specific contextual infos
}

const InstanceControllerUpgradeActivatedEventName = "UpgradeActivated"

// ContractEventName returns the user-defined event name.
func (InstanceControllerUpgradeActivated) ContractEventName() string {
	return InstanceControllerUpgradeActivatedEventName
}

// UnpackUpgradeActivatedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event UpgradeActivated(bytes32 indexed root, bytes32 uriHash, bytes32 policyHash, bytes32 previousRoot)
func (instanceController *InstanceController) UnpackUpgradeActivatedEvent(log *types.Log) (*InstanceControllerUpgradeActivated, error) {
	event := "UpgradeActivated"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != instanceController.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(InstanceControllerUpgradeActivated)
	if len(log.Data) > 0 {
		if err := instanceController.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range instanceController.abi.Events[event].Inputs {
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

// InstanceControllerUpgradeCancelled represents a UpgradeCancelled event raised by the InstanceController contract.
type InstanceControllerUpgradeCancelled struct {
	Root [32]byte
	Raw  *types.Log // Blockchain specific contextual infos
}

const InstanceControllerUpgradeCancelledEventName = "UpgradeCancelled"

// ContractEventName returns the user-defined event name.
func (InstanceControllerUpgradeCancelled) ContractEventName() string {
	return InstanceControllerUpgradeCancelledEventName
}

// UnpackUpgradeCancelledEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event UpgradeCancelled(bytes32 indexed root)
func (instanceController *InstanceController) UnpackUpgradeCancelledEvent(log *types.Log) (*InstanceControllerUpgradeCancelled, error) {
	event := "UpgradeCancelled"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != instanceController.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(InstanceControllerUpgradeCancelled)
	if len(log.Data) > 0 {
		if err := instanceController.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range instanceController.abi.Events[event].Inputs {
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

// InstanceControllerUpgradeProposed represents a UpgradeProposed event raised by the InstanceController contract.
type InstanceControllerUpgradeProposed struct {
	Root       [32]byte
	UriHash    [32]byte
	PolicyHash [32]byte
	ExpiresAt  uint64
	Raw        *types.Log // Blockchain specific contextual infos
}

const InstanceControllerUpgradeProposedEventName = "UpgradeProposed"

// ContractEventName returns the user-defined event name.
func (InstanceControllerUpgradeProposed) ContractEventName() string {
	return InstanceControllerUpgradeProposedEventName
}

// UnpackUpgradeProposedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event UpgradeProposed(bytes32 indexed root, bytes32 uriHash, bytes32 policyHash, uint64 expiresAt)
func (instanceController *InstanceController) UnpackUpgradeProposedEvent(log *types.Log) (*InstanceControllerUpgradeProposed, error) {
	event := "UpgradeProposed"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != instanceController.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(InstanceControllerUpgradeProposed)
	if len(log.Data) > 0 {
		if err := instanceController.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range instanceController.abi.Events[event].Inputs {
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
func (instanceController *InstanceController) UnpackError(raw []byte) (any, error) {
	if bytes.Equal(raw[:4], instanceController.abi.Errors["AlreadyInitialized"].ID.Bytes()[:4]) {
		return instanceController.UnpackAlreadyInitializedError(raw[4:])
	}
	if bytes.Equal(raw[:4], instanceController.abi.Errors["BadChunkCount"].ID.Bytes()[:4]) {
		return instanceController.UnpackBadChunkCountError(raw[4:])
	}
	if bytes.Equal(raw[:4], instanceController.abi.Errors["ChunkOutOfOrder"].ID.Bytes()[:4]) {
		return instanceController.UnpackChunkOutOfOrderError(raw[4:])
	}
	if bytes.Equal(raw[:4], instanceController.abi.Errors["ControllerPaused"].ID.Bytes()[:4]) {
		return instanceController.UnpackControllerPausedError(raw[4:])
	}
	if bytes.Equal(raw[:4], instanceController.abi.Errors["InvalidTtl"].ID.Bytes()[:4]) {
		return instanceController.UnpackInvalidTtlError(raw[4:])
	}
	if bytes.Equal(raw[:4], instanceController.abi.Errors["NoCode"].ID.Bytes()[:4]) {
		return instanceController.UnpackNoCodeError(raw[4:])
	}
	if bytes.Equal(raw[:4], instanceController.abi.Errors["NoPendingUpgrade"].ID.Bytes()[:4]) {
		return instanceController.UnpackNoPendingUpgradeError(raw[4:])
	}
	if bytes.Equal(raw[:4], instanceController.abi.Errors["NoReleaseRegistry"].ID.Bytes()[:4]) {
		return instanceController.UnpackNoReleaseRegistryError(raw[4:])
	}
	if bytes.Equal(raw[:4], instanceController.abi.Errors["NotPaused"].ID.Bytes()[:4]) {
		return instanceController.UnpackNotPausedError(raw[4:])
	}
	if bytes.Equal(raw[:4], instanceController.abi.Errors["NotPendingRootAuthority"].ID.Bytes()[:4]) {
		return instanceController.UnpackNotPendingRootAuthorityError(raw[4:])
	}
	if bytes.Equal(raw[:4], instanceController.abi.Errors["ReleaseMismatch"].ID.Bytes()[:4]) {
		return instanceController.UnpackReleaseMismatchError(raw[4:])
	}
	if bytes.Equal(raw[:4], instanceController.abi.Errors["ReleaseNotPublished"].ID.Bytes()[:4]) {
		return instanceController.UnpackReleaseNotPublishedError(raw[4:])
	}
	if bytes.Equal(raw[:4], instanceController.abi.Errors["ReleaseRequired"].ID.Bytes()[:4]) {
		return instanceController.UnpackReleaseRequiredError(raw[4:])
	}
	if bytes.Equal(raw[:4], instanceController.abi.Errors["TooManyChunks"].ID.Bytes()[:4]) {
		return instanceController.UnpackTooManyChunksError(raw[4:])
	}
	if bytes.Equal(raw[:4], instanceController.abi.Errors["Unauthorized"].ID.Bytes()[:4]) {
		return instanceController.UnpackUnauthorizedError(raw[4:])
	}
	if bytes.Equal(raw[:4], instanceController.abi.Errors["UpgradeExpired"].ID.Bytes()[:4]) {
		return instanceController.UnpackUpgradeExpiredError(raw[4:])
	}
	if bytes.Equal(raw[:4], instanceController.abi.Errors["ZeroAddress"].ID.Bytes()[:4]) {
		return instanceController.UnpackZeroAddressError(raw[4:])
	}
	if bytes.Equal(raw[:4], instanceController.abi.Errors["ZeroComponentId"].ID.Bytes()[:4]) {
		return instanceController.UnpackZeroComponentIdError(raw[4:])
	}
	if bytes.Equal(raw[:4], instanceController.abi.Errors["ZeroRoot"].ID.Bytes()[:4]) {
		return instanceController.UnpackZeroRootError(raw[4:])
	}
	return nil, errors.New("Unknown error")
}

// InstanceControllerAlreadyInitialized represents a AlreadyInitialized error raised by the InstanceController contract.
type InstanceControllerAlreadyInitialized struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error AlreadyInitialized()
func InstanceControllerAlreadyInitializedErrorID() common.Hash {
	return common.HexToHash("0x0dc149f07762891dbcea3fe72770f3d63a1863fc54b2f084e8c59ec476996927")
}

// UnpackAlreadyInitializedError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error AlreadyInitialized()
func (instanceController *InstanceController) UnpackAlreadyInitializedError(raw []byte) (*InstanceControllerAlreadyInitialized, error) {
	out := new(InstanceControllerAlreadyInitialized)
	if err := instanceController.abi.UnpackIntoInterface(out, "AlreadyInitialized", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// InstanceControllerBadChunkCount represents a BadChunkCount error raised by the InstanceController contract.
type InstanceControllerBadChunkCount struct {
	Count         uint32
	RecordedCount uint32
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error BadChunkCount(uint32 count, uint32 recordedCount)
func InstanceControllerBadChunkCountErrorID() common.Hash {
	return common.HexToHash("0x0c211dbce4e1abe15951d0a5fc83358dcfb0205a6fdcd7ba0eb37d8f0bf1f07e")
}

// UnpackBadChunkCountError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error BadChunkCount(uint32 count, uint32 recordedCount)
func (instanceController *InstanceController) UnpackBadChunkCountError(raw []byte) (*InstanceControllerBadChunkCount, error) {
	out := new(InstanceControllerBadChunkCount)
	if err := instanceController.abi.UnpackIntoInterface(out, "BadChunkCount", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// InstanceControllerChunkOutOfOrder represents a ChunkOutOfOrder error raised by the InstanceController contract.
type InstanceControllerChunkOutOfOrder struct {
	First     uint32
	Published uint32
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ChunkOutOfOrder(uint32 first, uint32 published)
func InstanceControllerChunkOutOfOrderErrorID() common.Hash {
	return common.HexToHash("0xb9c7be6d16d15267aba3dead440db3d55ff4a9986550eaf339dc3b9a9f133bd5")
}

// UnpackChunkOutOfOrderError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ChunkOutOfOrder(uint32 first, uint32 published)
func (instanceController *InstanceController) UnpackChunkOutOfOrderError(raw []byte) (*InstanceControllerChunkOutOfOrder, error) {
	out := new(InstanceControllerChunkOutOfOrder)
	if err := instanceController.abi.UnpackIntoInterface(out, "ChunkOutOfOrder", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// InstanceControllerControllerPaused represents a ControllerPaused error raised by the InstanceController contract.
type InstanceControllerControllerPaused struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ControllerPaused()
func InstanceControllerControllerPausedErrorID() common.Hash {
	return common.HexToHash("0x35677e865c70029289b6ced89ba4ebbbfa73e64211f9e5cb441b18693ff0234a")
}

// UnpackControllerPausedError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ControllerPaused()
func (instanceController *InstanceController) UnpackControllerPausedError(raw []byte) (*InstanceControllerControllerPaused, error) {
	out := new(InstanceControllerControllerPaused)
	if err := instanceController.abi.UnpackIntoInterface(out, "ControllerPaused", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// InstanceControllerInvalidTtl represents a InvalidTtl error raised by the InstanceController contract.
type InstanceControllerInvalidTtl struct {
	TtlSec    uint64
	MinTtlSec uint64
	MaxTtlSec uint64
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error InvalidTtl(uint64 ttlSec, uint64 minTtlSec, uint64 maxTtlSec)
func InstanceControllerInvalidTtlErrorID() common.Hash {
	return common.HexToHash("0x05c6e6d4b6ce509946abc5741090365f86d048e71ee6a36adc8a6a911b24b5a4")
}

// UnpackInvalidTtlError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error InvalidTtl(uint64 ttlSec, uint64 minTtlSec, uint64 maxTtlSec)
func (instanceController *InstanceController) UnpackInvalidTtlError(raw []byte) (*InstanceControllerInvalidTtl, error) {
	out := new(InstanceControllerInvalidTtl)
	if err := instanceController.abi.UnpackIntoInterface(out, "InvalidTtl", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// InstanceControllerNoCode represents a NoCode error raised by the InstanceController contract.
type InstanceControllerNoCode struct {
	Account common.Address
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error NoCode(address account)
func InstanceControllerNoCodeErrorID() common.Hash {
	return common.HexToHash("0x674520b6bb5a7851149439c2748026005a69a70a0b4e6c410abbfac42015a2a9")
}

// UnpackNoCodeError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error NoCode(address account)
func (instanceController *InstanceController) UnpackNoCodeError(raw []byte) (*InstanceControllerNoCode, error) {
	out := new(InstanceControllerNoCode)
	if err := instanceController.abi.UnpackIntoInterface(out, "NoCode", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// InstanceControllerNoPendingUpgrade represents a NoPendingUpgrade error raised by the InstanceController contract.
type InstanceControllerNoPendingUpgrade struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error NoPendingUpgrade()
func InstanceControllerNoPendingUpgradeErrorID() common.Hash {
	return common.HexToHash("0xdd61275ef735dc999a34f75ba6b97dc958f3707c47380fc175f76758ddc0a9d6")
}

// UnpackNoPendingUpgradeError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error NoPendingUpgrade()
func (instanceController *InstanceController) UnpackNoPendingUpgradeError(raw []byte) (*InstanceControllerNoPendingUpgrade, error) {
	out := new(InstanceControllerNoPendingUpgrade)
	if err := instanceController.abi.UnpackIntoInterface(out, "NoPendingUpgrade", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// InstanceControllerNoReleaseRegistry represents a NoReleaseRegistry error raised by the InstanceController contract.
type InstanceControllerNoReleaseRegistry struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error NoReleaseRegistry()
func InstanceControllerNoReleaseRegistryErrorID() common.Hash {
	return common.HexToHash("0xdd2f86b4b94ce9e357978f73af865489ad91693f379b1f5e4f4838ad79d13cca")
}

// UnpackNoReleaseRegistryError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error NoReleaseRegistry()
func (instanceController *InstanceController) UnpackNoReleaseRegistryError(raw []byte) (*InstanceControllerNoReleaseRegistry, error) {
	out := new(InstanceControllerNoReleaseRegistry)
	if err := instanceController.abi.UnpackIntoInterface(out, "NoReleaseRegistry", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// InstanceControllerNotPaused represents a NotPaused error raised by the InstanceController contract.
type InstanceControllerNotPaused struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error NotPaused()
func InstanceControllerNotPausedErrorID() common.Hash {
	return common.HexToHash("0x6cd602013233635730773e15e89b8a778034d859147e8f706bcd1aa42e228e06")
}

// UnpackNotPausedError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error NotPaused()
func (instanceController *InstanceController) UnpackNotPausedError(raw []byte) (*InstanceControllerNotPaused, error) {
	out := new(InstanceControllerNotPaused)
	if err := instanceController.abi.UnpackIntoInterface(out, "NotPaused", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// InstanceControllerNotPendingRootAuthority represents a NotPendingRootAuthority error raised by the InstanceController contract.
type InstanceControllerNotPendingRootAuthority struct {
	Caller               common.Address
	PendingRootAuthority common.Address
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error NotPendingRootAuthority(address caller, address pendingRootAuthority)
func InstanceControllerNotPendingRootAuthorityErrorID() common.Hash {
	return common.HexToHash("0x54ebf4656ea60db3017e18aaf3abae4389dc5ed4b3ea52fd50cec9402d51bb0b")
}

// UnpackNotPendingRootAuthorityError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error NotPendingRootAuthority(address caller, address pendingRootAuthority)
func (instanceController *InstanceController) UnpackNotPendingRootAuthorityError(raw []byte) (*InstanceControllerNotPendingRootAuthority, error) {
	out := new(InstanceControllerNotPendingRootAuthority)
	if err := instanceController.abi.UnpackIntoInterface(out, "NotPendingRootAuthority", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// InstanceControllerReleaseMismatch represents a ReleaseMismatch error raised by the InstanceController contract.
type InstanceControllerReleaseMismatch struct {
	ComponentId      [32]byte
	Version          uint64
	PublishedRoot    [32]byte
	PublishedUriHash [32]byte
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ReleaseMismatch(bytes32 componentId, uint64 version, bytes32 publishedRoot, bytes32 publishedUriHash)
func InstanceControllerReleaseMismatchErrorID() common.Hash {
	return common.HexToHash("0x0b0c2b108b4d870c1460c94fe6ada9456cd5e00da19bfac8b24580cbd669a82c")
}

// UnpackReleaseMismatchError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ReleaseMismatch(bytes32 componentId, uint64 version, bytes32 publishedRoot, bytes32 publishedUriHash)
func (instanceController *InstanceController) UnpackReleaseMismatchError(raw []byte) (*InstanceControllerReleaseMismatch, error) {
	out := new(InstanceControllerReleaseMismatch)
	if err := instanceController.abi.UnpackIntoInterface(out, "ReleaseMismatch", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// InstanceControllerReleaseNotPublished represents a ReleaseNotPublished error raised by the InstanceController contract.
type InstanceControllerReleaseNotPublished struct {
	ComponentId [32]byte
	Version     uint64
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ReleaseNotPublished(bytes32 componentId, uint64 version)
func InstanceControllerReleaseNotPublishedErrorID() common.Hash {
	return common.HexToHash("0xab905bd5de53e699eab9febc7177e6526425258a0b6fff68e0bc643fbe30f09f")
}

// UnpackReleaseNotPublishedError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ReleaseNotPublished(bytes32 componentId, uint64 version)
func (instanceController *InstanceController) UnpackReleaseNotPublishedError(raw []byte) (*InstanceControllerReleaseNotPublished, error) {
	out := new(InstanceControllerReleaseNotPublished)
	if err := instanceController.abi.UnpackIntoInterface(out, "ReleaseNotPublished", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// InstanceControllerReleaseRequired represents a ReleaseRequired error raised by the InstanceController contract.
type InstanceControllerReleaseRequired struct {
	ReleaseRegistry common.Address
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ReleaseRequired(address releaseRegistry)
func InstanceControllerReleaseRequiredErrorID() common.Hash {
	return common.HexToHash("0xf9b0449d6e61ccc394dfaacb60cef7dcbf7707571df28edd6f46cfdd030d4d57")
}

// UnpackReleaseRequiredError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ReleaseRequired(address releaseRegistry)
func (instanceController *InstanceController) UnpackReleaseRequiredError(raw []byte) (*InstanceControllerReleaseRequired, error) {
	out := new(InstanceControllerReleaseRequired)
	if err := instanceController.abi.UnpackIntoInterface(out, "ReleaseRequired", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// InstanceControllerTooManyChunks represents a TooManyChunks error raised by the InstanceController contract.
type InstanceControllerTooManyChunks struct {
	First  uint32
	Chunks *big.Int
	Count  uint32
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error TooManyChunks(uint32 first, uint256 chunks, uint32 count)
func InstanceControllerTooManyChunksErrorID() common.Hash {
	return common.HexToHash("0xed4b36bfcd3720ba68b939ac14cbb0c99790ba3feabaf387b61f5787d5c7a9c0")
}

// UnpackTooManyChunksError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error TooManyChunks(uint32 first, uint256 chunks, uint32 count)
func (instanceController *InstanceController) UnpackTooManyChunksError(raw []byte) (*InstanceControllerTooManyChunks, error) {
	out := new(InstanceControllerTooManyChunks)
	if err := instanceController.abi.UnpackIntoInterface(out, "TooManyChunks", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// InstanceControllerUnauthorized represents a Unauthorized error raised by the InstanceController contract.
type InstanceControllerUnauthorized struct {
	Caller    common.Address
	Authority common.Address
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error Unauthorized(address caller, address authority)
func InstanceControllerUnauthorizedErrorID() common.Hash {
	return common.HexToHash("0x295a81c15f8ed30f90d2dbdefc77f34f2603dc4ea3df178ac206913987b62f4b")
}

// UnpackUnauthorizedError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error Unauthorized(address caller, address authority)
func (instanceController *InstanceController) UnpackUnauthorizedError(raw []byte) (*InstanceControllerUnauthorized, error) {
	out := new(InstanceControllerUnauthorized)
	if err := instanceController.abi.UnpackIntoInterface(out, "Unauthorized", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// InstanceControllerUpgradeExpired represents a UpgradeExpired error raised by the InstanceController contract.
type InstanceControllerUpgradeExpired struct {
	ExpiresAt uint64
	Now       uint64
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error UpgradeExpired(uint64 expiresAt, uint64 now)
func InstanceControllerUpgradeExpiredErrorID() common.Hash {
	return common.HexToHash("0xddbc89bc67c224094ef5b69adbcd43caedea7e5b9ea647575e17f8d351b1dbad")
}

// UnpackUpgradeExpiredError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error UpgradeExpired(uint64 expiresAt, uint64 now)
func (instanceController *InstanceController) UnpackUpgradeExpiredError(raw []byte) (*InstanceControllerUpgradeExpired, error) {
	out := new(InstanceControllerUpgradeExpired)
	if err := instanceController.abi.UnpackIntoInterface(out, "UpgradeExpired", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// InstanceControllerZeroAddress represents a ZeroAddress error raised by the InstanceController contract.
type InstanceControllerZeroAddress struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ZeroAddress()
func InstanceControllerZeroAddressErrorID() common.Hash {
	return common.HexToHash("0xd92e233df2717d4a40030e20904abd27b68fcbeede117eaaccbbdac9618c8c73")
}

// UnpackZeroAddressError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ZeroAddress()
func (instanceController *InstanceController) UnpackZeroAddressError(raw []byte) (*InstanceControllerZeroAddress, error) {
	out := new(InstanceControllerZeroAddress)
	if err := instanceController.abi.UnpackIntoInterface(out, "ZeroAddress", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// InstanceControllerZeroComponentId represents a ZeroComponentId error raised by the InstanceController contract.
type InstanceControllerZeroComponentId struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ZeroComponentId()
func InstanceControllerZeroComponentIdErrorID() common.Hash {
	return common.HexToHash("0x9992ada6aacb90371a91fcd92da1a5aaf7a30e360967f5361717995c9bc82fcf")
}

// UnpackZeroComponentIdError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ZeroComponentId()
func (instanceController *InstanceController) UnpackZeroComponentIdError(raw []byte) (*InstanceControllerZeroComponentId, error) {
	out := new(InstanceControllerZeroComponentId)
	if err := instanceController.abi.UnpackIntoInterface(out, "ZeroComponentId", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// InstanceControllerZeroRoot represents a ZeroRoot error raised by the InstanceController contract.
type InstanceControllerZeroRoot struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ZeroRoot()
func InstanceControllerZeroRootErrorID() common.Hash {
	return common.HexToHash("0xb263ae738e814ca9af6ee56bb85daa47624e790421913c947dcba2aac07cfdbd")
}

// UnpackZeroRootError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ZeroRoot()
func (instanceController *InstanceController) UnpackZeroRootError(raw []byte) (*InstanceControllerZeroRoot, error) {
	out := new(InstanceControllerZeroRoot)
	if err := instanceController.abi.UnpackIntoInterface(out, "ZeroRoot", raw); err != nil {
		return nil, err
	}
	return out, nil
}
