package trustkernel

import (
	"context"
	"errors"
	"fmt"
	"math/big"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
)

// Backend is what the deploy and authority functions need from a chain: an
// RPC client such as *ethclient.Client satisfies it.
type Backend interface {
	bind.ContractBackend
	bind.DeployBackend
}

// A Call is one action on a trustkernel contract: the contract address and
// the ABI-encoded call data. An authority that is an EOA sends it with
// [Send]; a Safe authority wraps it in a [SafeTx]. Calls are built by
// [Controller] and [Registry] methods, so that both paths encode the same
// bytes.
type Call struct {
	// Method names the contract function, for errors and logs.
	Method string
	To     common.Address
	Data   []byte
}

// A TxFailedError reports a transaction that was mined but failed. Err is
// the decoded revert (a [*RevertError]) when the failure could be replayed.
type TxFailedError struct {
	Method  string
	Receipt *types.Receipt
	Err     error
}

// Error says which call failed in which transaction and why.
func (e *TxFailedError) Error() string {
	msg := fmt.Sprintf("trustkernel: %s: transaction %s failed in block %v", e.Method, e.Receipt.TxHash.Hex(), e.Receipt.BlockNumber)
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

// Unwrap returns the revert that made the transaction fail.
func (e *TxFailedError) Unwrap() error { return e.Err }

// Send sends call from opts.From, waits until it is mined and returns the
// receipt. A call the chain would revert is not sent: its revert comes back
// decoded as a [*RevertError] (errors.Is works with the sentinels such as
// [ErrUnauthorized]). A transaction that is mined but fails gives a
// [*TxFailedError].
func Send(ctx context.Context, backend Backend, opts *bind.TransactOpts, call Call) (*types.Receipt, error) {
	o := *opts
	o.Context = ctx
	if o.GasLimit == 0 {
		// Estimate here rather than in the binding, to add headroom: an
		// estimate runs with the latest block's timestamp, and a call whose
		// storage writes depend on block.timestamp (proposeUpgrade stores
		// proposedAt and expiresAt) can need more gas in the next block
		// than in the estimate.
		to := call.To
		est, err := backend.EstimateGas(ctx, ethereum.CallMsg{From: o.From, To: &to, Data: call.Data, Value: o.Value})
		if err != nil {
			return nil, errorf("%s: %w", call.Method, DecodeRevertError(err))
		}
		o.GasLimit = est + est/4 + gasHeadroom
	}
	bc := bind.NewBoundContract(call.To, abi.ABI{}, backend, backend, backend)
	tx, err := bc.RawTransact(&o, call.Data)
	if err != nil {
		return nil, errorf("%s: %w", call.Method, DecodeRevertError(err))
	}
	return waitSuccess(ctx, backend, call.Method, opts.From, tx)
}

// gasHeadroom is added, with a quarter, to every gas estimate.
const gasHeadroom = 20_000

// waitSuccess waits for tx and turns a failed receipt into a
// [*TxFailedError], replaying the call on the parent block to learn why.
func waitSuccess(ctx context.Context, backend Backend, method string, from common.Address, tx *types.Transaction) (*types.Receipt, error) {
	rcpt, err := bind.WaitMined(ctx, backend, tx.Hash())
	if err != nil {
		return nil, errorf("%s: waiting for %s: %w", method, tx.Hash().Hex(), err)
	}
	if rcpt.Status == types.ReceiptStatusSuccessful {
		return rcpt, nil
	}
	fail := &TxFailedError{Method: method, Receipt: rcpt}
	if rcpt.BlockNumber != nil && rcpt.BlockNumber.Sign() > 0 {
		parent := new(big.Int).Sub(rcpt.BlockNumber, big.NewInt(1))
		_, cerr := backend.CallContract(ctx, ethereum.CallMsg{From: from, To: tx.To(), Data: tx.Data(), Value: tx.Value(), Gas: tx.Gas()}, parent)
		if cerr != nil {
			fail.Err = DecodeRevertError(cerr)
		}
	}
	return nil, fail
}

// call makes a read-only call and decodes a revert.
func call(ctx context.Context, backend bind.ContractCaller, opts *bind.CallOpts, to common.Address, data []byte) ([]byte, error) {
	msg := ethereum.CallMsg{To: &to, Data: data}
	var block *big.Int
	if opts != nil {
		msg.From = opts.From
		block = opts.BlockNumber
		if opts.Context != nil {
			ctx = opts.Context
		}
	}
	if opts != nil && opts.BlockHash != (common.Hash{}) {
		hc, ok := backend.(interface {
			CallContractAtHash(ctx context.Context, msg ethereum.CallMsg, blockHash common.Hash) ([]byte, error)
		})
		if !ok {
			return nil, errors.New("trustkernel: backend cannot call at a block hash")
		}
		out, err := hc.CallContractAtHash(ctx, msg, opts.BlockHash)
		return out, DecodeRevertError(err)
	}
	out, err := backend.CallContract(ctx, msg, block)
	return out, DecodeRevertError(err)
}
