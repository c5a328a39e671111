package quorum

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/rpc"
)

// ErrBadLogQuery means a log filter asks for blocks the reader cannot pin.
var ErrBadLogQuery = errors.New("trustkernel/quorum: bad log query")

// FilterLogs returns the logs matching q that k endpoints agree on.
//
// With q.BlockHash set, every endpoint is asked for that block's logs
// (EIP-234). Otherwise the range is clamped to the pinned block (a missing
// or symbolic ToBlock, or one above the pin, becomes the pinned block) and
// each endpoint answers in one batch with the logs and the pinned block's
// header; an endpoint whose header does not hash to the pinned hash is not on
// the agreed chain and its logs do not count. Logs are compared field by
// field (block, transaction, index, address, topics, data).
func (r *Reader) FilterLogs(ctx context.Context, q ethereum.FilterQuery) ([]types.Log, error) {
	logs, _, err := r.FilterLogsAgreed(ctx, q)
	return logs, err
}

// FilterLogsAgreed is [Reader.FilterLogs] with the agreement's
// evidence; the Agreement's Result is the SHA-256 digest of the agreed logs'
// JSON encoding.
func (r *Reader) FilterLogsAgreed(ctx context.Context, q ethereum.FilterQuery) ([]types.Log, *Agreement, error) {
	arg := map[string]any{}
	if len(q.Addresses) > 0 {
		arg["address"] = q.Addresses
	}
	if len(q.Topics) > 0 {
		arg["topics"] = q.Topics
	}
	var ref BlockRef
	var from, to uint64
	if q.BlockHash != nil {
		if q.FromBlock != nil || q.ToBlock != nil {
			return nil, nil, fmt.Errorf("%w: blockHash with fromBlock or toBlock", ErrBadLogQuery)
		}
		arg["blockHash"] = *q.BlockHash
		ref.Hash = *q.BlockHash
	} else {
		var err error
		if ref, _, err = r.current(ctx); err != nil {
			return nil, nil, err
		}
		to = ref.Number
		if q.ToBlock != nil && q.ToBlock.Sign() >= 0 && q.ToBlock.IsUint64() && q.ToBlock.Uint64() < to {
			to = q.ToBlock.Uint64()
		}
		if q.FromBlock != nil {
			if q.FromBlock.Sign() < 0 || !q.FromBlock.IsUint64() {
				return nil, nil, fmt.Errorf("%w: fromBlock %s, want a block number", ErrBadLogQuery, q.FromBlock)
			}
			from = q.FromBlock.Uint64()
		}
		if from > to {
			return nil, nil, fmt.Errorf("%w: fromBlock %d above the pinned block %d", ErrBadLogQuery, from, to)
		}
		arg["fromBlock"] = hexutil.EncodeUint64(from)
		arg["toBlock"] = hexutil.EncodeUint64(to)
	}
	values, agreed, answers, err := r.gather(ctx, "logs", false, func(ctx context.Context, e endpoint) (string, EndpointAnswer, any) {
		var logs []types.Log
		batch := []rpc.BatchElem{{Method: "eth_getLogs", Args: []any{arg}, Result: &logs}}
		var h *types.Header
		if q.BlockHash == nil {
			batch = append(batch, rpc.BatchElem{Method: "eth_getBlockByNumber", Args: []any{hexutil.EncodeUint64(ref.Number), false}, Result: &h})
		}
		err := e.client.BatchCallContext(ctx, batch)
		for _, b := range batch {
			err = errors.Join(err, b.Error)
		}
		if err != nil {
			return "", EndpointAnswer{BlockHash: ref.Hash, Err: err}, nil
		}
		if q.BlockHash == nil {
			if h == nil || h.Hash() != ref.Hash {
				return "", EndpointAnswer{BlockHash: ref.Hash, Err: fmt.Errorf("%w: block %d does not hash to the pinned %s", ErrBlockMismatch, ref.Number, ref.Hash.TerminalString())}, nil
			}
		}
		if err := checkLogs(logs, q, from, to); err != nil {
			return "", EndpointAnswer{BlockHash: ref.Hash, Err: err}, nil
		}
		enc, err := json.Marshal(logs)
		if err != nil {
			return "", EndpointAnswer{BlockHash: ref.Hash, Err: err}, nil
		}
		sum := sha256.Sum256(enc)
		return string(sum[:]), EndpointAnswer{BlockHash: ref.Hash, Result: sum[:]}, agreedLogs{logs, sum[:]}
	})
	if err != nil {
		return nil, nil, err
	}
	v := values[0].(agreedLogs)
	return v.logs, &Agreement{Result: v.digest, Block: ref, Agreed: agreed, Answers: answers}, nil
}

type agreedLogs struct {
	logs   []types.Log
	digest []byte
}

// checkLogs rejects an answer whose logs fall outside what was asked.
func checkLogs(logs []types.Log, q ethereum.FilterQuery, from, to uint64) error {
	for i, l := range logs {
		if l.Removed {
			return fmt.Errorf("%w: log %d is marked removed", ErrBlockMismatch, i)
		}
		if q.BlockHash != nil {
			if l.BlockHash != *q.BlockHash {
				return fmt.Errorf("%w: log %d in block %s, want %s", ErrBlockMismatch, i, l.BlockHash.TerminalString(), q.BlockHash.TerminalString())
			}
		} else if l.BlockNumber < from || l.BlockNumber > to {
			return fmt.Errorf("%w: log %d in block %d, want %d..%d", ErrBlockMismatch, i, l.BlockNumber, from, to)
		}
		if len(q.Addresses) > 0 && !containsAddress(q.Addresses, l.Address) {
			return fmt.Errorf("%w: log %d from %s, which was not asked for", ErrBlockMismatch, i, l.Address)
		}
	}
	return nil
}

func containsAddress(as []common.Address, a common.Address) bool {
	for _, x := range as {
		if x == a {
			return true
		}
	}
	return false
}
