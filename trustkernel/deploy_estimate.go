package trustkernel

import (
	"context"
	"errors"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/accordsdk/accord/trustkernel/internal/bindings"
)

// RPCCaller makes raw JSON-RPC calls; *rpc.Client (the Client method of
// *ethclient.Client) satisfies it.
type RPCCaller interface {
	CallContext(ctx context.Context, result any, method string, args ...any) error
}

// ErrNoStateOverride means the endpoint did not apply the state override
// given to eth_estimateGas (it refused the third parameter, or ignored
// it), so the InstanceFactory's creation could not be estimated before the
// implementation is on chain.
var ErrNoStateOverride = errors.New("trustkernel: endpoint does not apply an eth_estimateGas state override")

// EstimateDeployment asks the chain what [Deploy] costs before anything is
// sent: eth_estimateGas, as from at the latest block, of each creation
// transaction in the order Deploy sends them (ReleaseRegistry owned by
// registryOwner, InstanceController, Anchor, InstanceFactory). Method of
// each [TxCost] is "create" and the contract's name.
//
// The InstanceFactory's constructor refuses an implementation without
// code, and the implementation is not on chain yet. Its creation is
// estimated with a state override, eth_estimateGas's third parameter
// ({address: {"code": ...}}, which go-ethereum and most other clients
// accept), that puts the implementation's runtime code at the address
// Deploy will create it at (from's pending nonce + 1). An endpoint that
// refuses or ignores the override gives the first three estimates and
// [ErrNoStateOverride]; the factory is then estimated only when sent.
func EstimateDeployment(ctx context.Context, c RPCCaller, from, registryOwner common.Address) ([]TxCost, error) {
	creations, err := DeploymentCode(registryOwner)
	if err != nil {
		return nil, err
	}
	type callArgs struct {
		From  common.Address `json:"from"`
		Input hexutil.Bytes  `json:"input"`
	}
	estimate := func(name string, code []byte, override ...any) (TxCost, error) {
		var gas hexutil.Uint64
		args := append([]any{callArgs{From: from, Input: code}, "latest"}, override...)
		if err := c.CallContext(ctx, &gas, "eth_estimateGas", args...); err != nil {
			return TxCost{}, errorf("estimate create %s: %w", name, DecodeRevertError(err))
		}
		return TxCost{Method: "create " + name, Gas: uint64(gas), CalldataBytes: len(code)}, nil
	}
	var costs []TxCost
	for _, cr := range creations {
		tc, err := estimate(cr.Name, cr.Code)
		if err != nil {
			return nil, err
		}
		costs = append(costs, tc)
	}
	var nonce hexutil.Uint64
	if err := c.CallContext(ctx, &nonce, "eth_getTransactionCount", from, "pending"); err != nil {
		return costs, errorf("estimate deployment: nonce of %s: %w", from.Hex(), err)
	}
	implementation := crypto.CreateAddress(from, uint64(nonce)+1)
	factory := append(common.FromHex(bindings.InstanceFactoryMetaData.Bin), bindings.NewInstanceFactory().PackConstructor(implementation)...)
	override := map[common.Address]map[string]hexutil.Bytes{
		implementation: {"code": runtimeCode(implementationRuntimeHex)},
	}
	tc, err := estimate("InstanceFactory", factory, override)
	if err != nil {
		if errors.Is(err, ErrNoImplementation) {
			return costs, errorf("%w: the factory's constructor found no code at %s", ErrNoStateOverride, implementation.Hex())
		}
		var re *RevertError
		if errors.As(err, &re) {
			return costs, err
		}
		return costs, errorf("%w: %w", ErrNoStateOverride, err)
	}
	return append(costs, tc), nil
}
