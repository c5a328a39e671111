package quorum

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/rpc"
)

// ErrTxNotFound means a quorum of endpoints agree that the transaction is
// not in the chain up to the pinned block (unknown, pending, or mined
// after the pin).
var ErrTxNotFound = errors.New("trustkernel/quorum: transaction not found below the pinned block")

// TxAgreement is a mined transaction a quorum of endpoints agreed on.
type TxAgreement struct {
	// Tx is the transaction; its hash is recomputed from its signed fields.
	Tx *types.Transaction
	// Status is the receipt status (1 success, 0 failure).
	Status uint64
	// Block is the block that holds the transaction; every agreeing
	// endpoint served that block's header at that height, hashing to it.
	Block BlockRef
	// Pinned is the block the read was pinned to (below the quorum's head
	// by the reader's confirmations).
	Pinned BlockRef
	// Confirmations counts the blocks from Block to Pinned, both included.
	Confirmations uint64
	// Agreed names the endpoints whose answers formed the quorum.
	Agreed []string
	// Answers has one entry per endpoint, in configuration order.
	Answers []EndpointAnswer
}

// Transaction reads the transaction hash, its receipt and the header of the
// block holding it from every endpoint, and returns what k of them agree on,
// counted at the pinned block. Each endpoint's answer is checked: the
// transaction must hash to hash, the receipt must name it, and the header
// served at the receipt's height must hash to the receipt's block hash and be
// at or below the pin. Agreement that it is not there is [ErrTxNotFound].
func (r *Reader) Transaction(ctx context.Context, hash common.Hash) (*TxAgreement, error) {
	ref, _, err := r.current(ctx)
	if err != nil {
		return nil, err
	}
	values, agreed, answers, err := r.gather(ctx, "transaction", false, func(ctx context.Context, e endpoint) (string, EndpointAnswer, any) {
		f, err := r.transactionAt(ctx, e, hash, ref)
		if errors.Is(err, ErrTxNotFound) {
			return "absent", EndpointAnswer{BlockHash: ref.Hash}, (*txFound)(nil)
		}
		if err != nil {
			return "", EndpointAnswer{BlockHash: ref.Hash, Err: err}, nil
		}
		key := f.block.Hash.Hex() + "/" + strconv.FormatUint(f.status, 10)
		return key, EndpointAnswer{BlockHash: ref.Hash, Result: f.block.Hash.Bytes()}, f
	})
	if err != nil {
		return nil, err
	}
	f := values[0].(*txFound)
	if f == nil {
		return nil, fmt.Errorf("%w: %s at block %d", ErrTxNotFound, hash.Hex(), ref.Number)
	}
	return &TxAgreement{Tx: f.tx, Status: f.status, Block: f.block, Pinned: ref,
		Confirmations: ref.Number - f.block.Number + 1, Agreed: agreed, Answers: answers}, nil
}

type txFound struct {
	tx     *types.Transaction
	status uint64
	block  BlockRef
}

// transactionAt reads and checks one endpoint's view of the transaction.
func (r *Reader) transactionAt(ctx context.Context, e endpoint, hash common.Hash, pin BlockRef) (*txFound, error) {
	var tx *types.Transaction
	var rcpt *types.Receipt
	batch := []rpc.BatchElem{
		{Method: "eth_getTransactionByHash", Args: []any{hash}, Result: &tx},
		{Method: "eth_getTransactionReceipt", Args: []any{hash}, Result: &rcpt},
	}
	if err := e.client.BatchCallContext(ctx, batch); err != nil {
		return nil, err
	}
	for _, b := range batch {
		if b.Error != nil {
			return nil, fmt.Errorf("%s: %w", b.Method, b.Error)
		}
	}
	if tx == nil || rcpt == nil || rcpt.BlockNumber == nil || rcpt.BlockNumber.Uint64() > pin.Number {
		return nil, ErrTxNotFound
	}
	if tx.Hash() != hash || rcpt.TxHash != hash {
		return nil, fmt.Errorf("%w: served transaction hashes to %s, receipt names %s, want %s", ErrBlockMismatch, tx.Hash().Hex(), rcpt.TxHash.Hex(), hash.Hex())
	}
	n := rcpt.BlockNumber.Uint64()
	h, err := r.header(ctx, e, hexutil.EncodeUint64(n), false)
	if err != nil {
		return nil, err
	}
	if h.Number.Uint64() != n || h.Hash() != rcpt.BlockHash {
		return nil, fmt.Errorf("%w: receipt in block %s at %d, header there hashes to %s", ErrBlockMismatch, rcpt.BlockHash.Hex(), n, h.Hash().Hex())
	}
	return &txFound{tx: tx, status: rcpt.Status, block: BlockRef{Number: n, Hash: rcpt.BlockHash, Time: h.Time}}, nil
}
