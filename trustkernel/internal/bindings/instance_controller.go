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
}

// InstanceControllerMetaData contains all meta data concerning the InstanceController contract.
var InstanceControllerMetaData = bind.MetaData{
	ABI: "[{\"inputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"constructor\"},{\"inputs\":[],\"name\":\"AlreadyInitialized\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"ControllerPaused\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint64\",\"name\":\"ttlSec\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"minTtlSec\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"maxTtlSec\",\"type\":\"uint64\"}],\"name\":\"InvalidTtl\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"NoPendingUpgrade\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"NotPaused\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"caller\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"pendingRootAuthority\",\"type\":\"address\"}],\"name\":\"NotPendingRootAuthority\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"caller\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"authority\",\"type\":\"address\"}],\"name\":\"Unauthorized\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint64\",\"name\":\"expiresAt\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"now\",\"type\":\"uint64\"}],\"name\":\"UpgradeExpired\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"ZeroAddress\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"ZeroRoot\",\"type\":\"error\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"uint8\",\"name\":\"role\",\"type\":\"uint8\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"previous\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"current\",\"type\":\"address\"}],\"name\":\"AuthorityChanged\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"rootAuthority\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"upgradeAuthority\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"emergencyAuthority\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"bytes32\",\"name\":\"root\",\"type\":\"bytes32\"},{\"indexed\":false,\"internalType\":\"bytes32\",\"name\":\"uriHash\",\"type\":\"bytes32\"},{\"indexed\":false,\"internalType\":\"bytes32\",\"name\":\"policyHash\",\"type\":\"bytes32\"}],\"name\":\"Initialized\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"by\",\"type\":\"address\"}],\"name\":\"Paused\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"current\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"pending\",\"type\":\"address\"}],\"name\":\"RootAuthorityTransferStarted\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"by\",\"type\":\"address\"}],\"name\":\"Unpaused\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"root\",\"type\":\"bytes32\"},{\"indexed\":false,\"internalType\":\"bytes32\",\"name\":\"uriHash\",\"type\":\"bytes32\"},{\"indexed\":false,\"internalType\":\"bytes32\",\"name\":\"policyHash\",\"type\":\"bytes32\"},{\"indexed\":false,\"internalType\":\"bytes32\",\"name\":\"previousRoot\",\"type\":\"bytes32\"}],\"name\":\"UpgradeActivated\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"root\",\"type\":\"bytes32\"}],\"name\":\"UpgradeCancelled\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"root\",\"type\":\"bytes32\"},{\"indexed\":false,\"internalType\":\"bytes32\",\"name\":\"uriHash\",\"type\":\"bytes32\"},{\"indexed\":false,\"internalType\":\"bytes32\",\"name\":\"policyHash\",\"type\":\"bytes32\"},{\"indexed\":false,\"internalType\":\"uint64\",\"name\":\"expiresAt\",\"type\":\"uint64\"}],\"name\":\"UpgradeProposed\",\"type\":\"event\"},{\"inputs\":[],\"name\":\"MAX_TTL_SEC\",\"outputs\":[{\"internalType\":\"uint64\",\"name\":\"\",\"type\":\"uint64\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"MIN_TTL_SEC\",\"outputs\":[{\"internalType\":\"uint64\",\"name\":\"\",\"type\":\"uint64\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"ROLE_EMERGENCY\",\"outputs\":[{\"internalType\":\"uint8\",\"name\":\"\",\"type\":\"uint8\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"ROLE_ROOT\",\"outputs\":[{\"internalType\":\"uint8\",\"name\":\"\",\"type\":\"uint8\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"ROLE_UPGRADE\",\"outputs\":[{\"internalType\":\"uint8\",\"name\":\"\",\"type\":\"uint8\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"VERSION\",\"outputs\":[{\"internalType\":\"uint64\",\"name\":\"\",\"type\":\"uint64\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"acceptRootAuthority\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"activateUpgrade\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"cancelUpgrade\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"root\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"upgrade\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"emergency\",\"type\":\"address\"},{\"internalType\":\"bytes32\",\"name\":\"genesisRoot\",\"type\":\"bytes32\"},{\"internalType\":\"bytes32\",\"name\":\"genesisUriHash\",\"type\":\"bytes32\"},{\"internalType\":\"bytes32\",\"name\":\"genesisPolicyHash\",\"type\":\"bytes32\"}],\"name\":\"initialize\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"pause\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"root\",\"type\":\"bytes32\"},{\"internalType\":\"bytes32\",\"name\":\"uriHash\",\"type\":\"bytes32\"},{\"internalType\":\"bytes32\",\"name\":\"policyHash\",\"type\":\"bytes32\"},{\"internalType\":\"uint64\",\"name\":\"ttlSec\",\"type\":\"uint64\"}],\"name\":\"proposeUpgrade\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"next\",\"type\":\"address\"}],\"name\":\"setEmergencyAuthority\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"next\",\"type\":\"address\"}],\"name\":\"setUpgradeAuthority\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"snapshot\",\"outputs\":[{\"components\":[{\"internalType\":\"uint64\",\"name\":\"version\",\"type\":\"uint64\"},{\"internalType\":\"bool\",\"name\":\"initialized\",\"type\":\"bool\"},{\"internalType\":\"address\",\"name\":\"rootAuthority\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"upgradeAuthority\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"emergencyAuthority\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"pendingRootAuthority\",\"type\":\"address\"},{\"internalType\":\"bytes32\",\"name\":\"activeRoot\",\"type\":\"bytes32\"},{\"internalType\":\"bytes32\",\"name\":\"activeUriHash\",\"type\":\"bytes32\"},{\"internalType\":\"bytes32\",\"name\":\"activePolicyHash\",\"type\":\"bytes32\"},{\"internalType\":\"uint64\",\"name\":\"activatedAt\",\"type\":\"uint64\"},{\"internalType\":\"bool\",\"name\":\"paused\",\"type\":\"bool\"},{\"components\":[{\"internalType\":\"bytes32\",\"name\":\"root\",\"type\":\"bytes32\"},{\"internalType\":\"bytes32\",\"name\":\"uriHash\",\"type\":\"bytes32\"},{\"internalType\":\"bytes32\",\"name\":\"policyHash\",\"type\":\"bytes32\"},{\"internalType\":\"uint64\",\"name\":\"proposedAt\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"expiresAt\",\"type\":\"uint64\"}],\"internalType\":\"structInstanceController.Proposal\",\"name\":\"pendingUpgrade\",\"type\":\"tuple\"},{\"internalType\":\"uint64\",\"name\":\"changeCount\",\"type\":\"uint64\"}],\"internalType\":\"structInstanceController.Snapshot\",\"name\":\"s\",\"type\":\"tuple\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"next\",\"type\":\"address\"}],\"name\":\"transferRootAuthority\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"unpause\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"}]",
	ID:  "InstanceController",
	Bin: "0x6080604052348015600e575f5ffd5b505f805460ff191660011790556111af806100285f395ff3fe608060405234801561000f575f5ffd5b5060043610610106575f3560e01c80638456cb591161009e578063b29d8bf71161006e578063b29d8bf7146101d4578063d70bccc5146101de578063dbcc1523146101f1578063f7e02a8b146101f9578063ffa1ad7414610201575f5ffd5b80638456cb591461019c5780639711715a146101a4578063a6c048ef146101b9578063ab7f7fcc146101c1575f5ffd5b8063413b17fd116100d9578063413b17fd1461016657806348ee63951461017957806355f291661461018c5780636145f5d114610194575f5ffd5b8063091243471461010a5780632a7d8acb1461011f5780633d6c7f941461013e5780633f4ba83a1461015e575b5f5ffd5b61011d610118366004610eff565b610209565b005b610127600281565b60405160ff90911681526020015b60405180910390f35b610146603c81565b6040516001600160401b039091168152602001610135565b61011d6102e8565b61011d610174366004610f1f565b6103ae565b61011d610187366004610eff565b6105bf565b61011d610676565b610127600181565b61011d61079f565b6101ac61086d565b6040516101359190610f68565b61011d6109ee565b61011d6101cf366004610eff565b610bcc565b61014662278d0081565b61011d6101ec3660046110bb565b610c80565b61011d610dc6565b610127600381565b610146600181565b5f546102229061010090046001600160a01b0316610ea7565b6001600160a01b0381166102495760405163d92e233d60e01b815260040160405180910390fd5b6002546040516001600160a01b038084169216906003907fbe4a8a9f788e9d1a4ac9d43d7a5233aaf4f0b5617da3fa3c1db56716ad495a4f905f90a4600280546001600160a01b0319166001600160a01b03831617905560078054600160481b90046001600160401b03169060096102c08361112a565b91906101000a8154816001600160401b0302191690836001600160401b031602179055505050565b6002546102fd906001600160a01b0316610ea7565b600754600160401b900460ff1661032757604051636cd6020160e01b815260040160405180910390fd5b6007805460ff60401b1916808255600160481b90046001600160401b03169060096103518361112a565b91906101000a8154816001600160401b0302191690836001600160401b0316021790555050336001600160a01b03167f5db9ee0a495bf2e6ff9c91a7834c1ba4fdd244a5e8aa4e537bd38aeae4b073aa60405160405180910390a2565b6001546103c3906001600160a01b0316610ea7565b600754600160401b900460ff16156103ee57604051631ab3bf4360e11b815260040160405180910390fd5b8361040c5760405163b263ae7360e01b815260040160405180910390fd5b603c6001600160401b038216108061042f575062278d006001600160401b038216115b1561046d57604051630171b9b560e21b81526001600160401b0382166004820152603c602482015262278d0060448201526064015b60405180910390fd5b600b54600160401b90046001600160401b0316156104b1576008546040517f3581f2526e53a276effa5116f0579562b23947cbd75fbabdeb6049aa7f5c50e6905f90a25b5f6104bc8242611154565b6040805160a08101825287815260208101879052908101859052426001600160401b0390811660608301819052838216608090930183905260088990556009888155600a889055600b80546001600160801b031916909217600160401b90940293909317905560078054939450600160481b90930416919061053d8361112a565b91906101000a8154816001600160401b0302191690836001600160401b0316021790555050847f50e6d4f746b4e300fe5f5c2392be4da9337daedbc0f56dbef3846d41180079768585846040516105b09392919092835260208301919091526001600160401b0316604082015260600190565b60405180910390a25050505050565b5f546105d89061010090046001600160a01b0316610ea7565b6001600160a01b0381166105ff5760405163d92e233d60e01b815260040160405180910390fd5b6001546040516001600160a01b038084169216906002907fbe4a8a9f788e9d1a4ac9d43d7a5233aaf4f0b5617da3fa3c1db56716ad495a4f905f90a4600180546001600160a01b0319166001600160a01b03831617905560078054600160481b90046001600160401b03169060096102c08361112a565b6001546001600160a01b031633148015906106a057505f5461010090046001600160a01b03163314155b156106d35760015460405163295a81c160e01b81523360048201526001600160a01b039091166024820152604401610464565b600b54600160401b90046001600160401b03165f0361070557604051636eb093af60e11b815260040160405180910390fd5b600880545f918290556009828155600a92909255600b80546001600160801b0319169055600780549192600160481b9092046001600160401b03169161074a8361112a565b91906101000a8154816001600160401b0302191690836001600160401b0316021790555050807f3581f2526e53a276effa5116f0579562b23947cbd75fbabdeb6049aa7f5c50e660405160405180910390a250565b6002546107b4906001600160a01b0316610ea7565b600754600160401b900460ff16156107df57604051631ab3bf4360e11b815260040160405180910390fd5b6007805460ff60401b1916600160401b178082556001600160401b03600160481b909104169060096108108361112a565b91906101000a8154816001600160401b0302191690836001600160401b0316021790555050336001600160a01b03167f62e78cea01bee320cd4e420270b5ea74000d11b0c9f74754ebdbfc544b05a25860405160405180910390a2565b6108fd604080516101a0810182525f80825260208083018290528284018290526060808401839052608080850184905260a080860185905260c0860185905260e08601859052610100860185905261012086018590526101408601859052865190810187528481529283018490529482018390528101829052928301529061016082019081525f60209091015290565b60018082525f5460ff80821615156020808601919091526001600160a01b0361010093849004811660408088019190915294548116606080880191909152600254821660808089019190915260035490921660a08089019190915260045460c089015260055460e0890152600654958801959095526007546001600160401b038181166101208a0152600160401b80830490961615156101408a015287519687018852600854875260095494870194909452600a5496860196909652600b548084169186019190915292909204811691830191909152610160840191909152600160481b9091041661018082015290565b600154610a03906001600160a01b0316610ea7565b600754600160401b900460ff1615610a2e57604051631ab3bf4360e11b815260040160405180910390fd5b6040805160a08101825260085481526009546020820152600a5491810191909152600b546001600160401b038082166060840152600160401b90910416608082018190525f03610a9157604051636eb093af60e11b815260040160405180910390fd5b80608001516001600160401b0316421115610ad957608081015160405163376f226f60e21b81526001600160401b039182166004820152429091166024820152604401610464565b600480548251909155602082015160055560408201516006556007805467ffffffffffffffff1916426001600160401b03908116919091178083555f60088190556009818155600a91909155600b80546001600160801b0319169055600160481b9091049091169190610b4b8361112a565b91906101000a8154816001600160401b0302191690836001600160401b0316021790555050815f01517fb59721ec809afeea22cb8a93e680396de1a17a903c0f70efcbc9bb64401bbdac8360200151846040015184604051610bc0939291909283526020830191909152604082015260600190565b60405180910390a25050565b5f54610be59061010090046001600160a01b0316610ea7565b600380546001600160a01b0319166001600160a01b03831617905560078054600160481b90046001600160401b0316906009610c208361112a565b82546001600160401b0391821661010093840a90810292021916179091555f80546040516001600160a01b03808716955093909104909216917f26a233ba3f2248ee219fd50b9ada18822cbdcdc2bc3009d180984a42ede71da49190a350565b5f5460ff1615610ca25760405162dc149f60e41b815260040160405180910390fd5b6001600160a01b0386161580610cbf57506001600160a01b038516155b80610cd157506001600160a01b038416155b15610cef5760405163d92e233d60e01b815260040160405180910390fd5b5f80546001600160a01b0388811661010081026001600160a81b031990931692909217600190811790935582548882166001600160a01b031991821681179094556002805492891692909116821790556004869055600585905560068490556007805470ffffffffffffffff00ffffffffffffffff19166001600160401b03421617600160481b1790556040805187815260208101879052908101859052909291907f6146a185ef272ac4d253486d37bfa1922a8c9498c5f4b23a5d3d0ea0fde3eb219060600160405180910390a4505050505050565b6003546001600160a01b0316801580610de85750336001600160a01b03821614155b15610e17576040516354ebf46560e01b81523360048201526001600160a01b0382166024820152604401610464565b5f80546040516001600160a01b038085169361010090930416916001917fbe4a8a9f788e9d1a4ac9d43d7a5233aaf4f0b5617da3fa3c1db56716ad495a4f9190a45f8054610100600160a81b0319166101006001600160a01b03841602179055600380546001600160a01b031916905560078054600160481b90046001600160401b03169060096102c08361112a565b336001600160a01b03821614610ee15760405163295a81c160e01b81523360048201526001600160a01b0382166024820152604401610464565b50565b80356001600160a01b0381168114610efa575f5ffd5b919050565b5f60208284031215610f0f575f5ffd5b610f1882610ee4565b9392505050565b5f5f5f5f60808587031215610f32575f5ffd5b84359350602085013592506040850135915060608501356001600160401b0381168114610f5d575f5ffd5b939692955090935050565b81516001600160401b0316815261022081016020830151610f8d602084018215159052565b506040830151610fa860408401826001600160a01b03169052565b506060830151610fc360608401826001600160a01b03169052565b506080830151610fde60808401826001600160a01b03169052565b5060a0830151610ff960a08401826001600160a01b03169052565b5060c083015160c083015260e083015160e08301526101008301516101008301526101208301516110366101208401826001600160401b03169052565b5061014083015161104c61014084018215159052565b5061016083015161109e6101608401828051825260208101516020830152604081015160408301526001600160401b0360608201511660608301526001600160401b0360808201511660808301525050565b5061018092909201516001600160401b0316610200919091015290565b5f5f5f5f5f5f60c087890312156110d0575f5ffd5b6110d987610ee4565b95506110e760208801610ee4565b94506110f560408801610ee4565b959894975094956060810135955060808101359460a0909101359350915050565b634e487b7160e01b5f52601160045260245ffd5b5f6001600160401b0382166001600160401b03810361114b5761114b611116565b60010192915050565b6001600160401b03818116838216019081111561117357611173611116565b9291505056fea2646970667358221220d030a79c5a30ce3eb3bd3d2da74a0199b20a4d8e8f21a025c630249504c8fb7164736f6c634300081e0033",
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
// Solidity: function snapshot() view returns((uint64,bool,address,address,address,address,bytes32,bytes32,bytes32,uint64,bool,(bytes32,bytes32,bytes32,uint64,uint64),uint64) s)
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
// Solidity: function snapshot() view returns((uint64,bool,address,address,address,address,bytes32,bytes32,bytes32,uint64,bool,(bytes32,bytes32,bytes32,uint64,uint64),uint64) s)
func (instanceController *InstanceController) TryPackSnapshot() ([]byte, error) {
	return instanceController.abi.Pack("snapshot")
}

// UnpackSnapshot is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x9711715a.
//
// Solidity: function snapshot() view returns((uint64,bool,address,address,address,address,bytes32,bytes32,bytes32,uint64,bool,(bytes32,bytes32,bytes32,uint64,uint64),uint64) s)
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
	if bytes.Equal(raw[:4], instanceController.abi.Errors["ControllerPaused"].ID.Bytes()[:4]) {
		return instanceController.UnpackControllerPausedError(raw[4:])
	}
	if bytes.Equal(raw[:4], instanceController.abi.Errors["InvalidTtl"].ID.Bytes()[:4]) {
		return instanceController.UnpackInvalidTtlError(raw[4:])
	}
	if bytes.Equal(raw[:4], instanceController.abi.Errors["NoPendingUpgrade"].ID.Bytes()[:4]) {
		return instanceController.UnpackNoPendingUpgradeError(raw[4:])
	}
	if bytes.Equal(raw[:4], instanceController.abi.Errors["NotPaused"].ID.Bytes()[:4]) {
		return instanceController.UnpackNotPausedError(raw[4:])
	}
	if bytes.Equal(raw[:4], instanceController.abi.Errors["NotPendingRootAuthority"].ID.Bytes()[:4]) {
		return instanceController.UnpackNotPendingRootAuthorityError(raw[4:])
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
