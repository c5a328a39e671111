package trustkernel

import (
	"context"
	"errors"
	"math/big"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/accordsdk/accord/trustkernel/internal/bindings"
)

// MaxAnchorLabel is the longest anchor label in bytes, as the Anchor contract enforces.
const MaxAnchorLabel = 256

// ErrAnchorNotFound: no Anchored event for the root was found in the range searched.
var ErrAnchorNotFound = errors.New("trustkernel: anchor not found")

// LogFilterer returns the logs matching a filter query. *ethclient.Client
// satisfies it, and so does a reader that agrees on logs across endpoints.
type LogFilterer interface {
	FilterLogs(ctx context.Context, q ethereum.FilterQuery) ([]types.Log, error)
}

// An AnchorRecord says where a root was anchored: the chain position of the
// Anchored event and who sent it.
type AnchorRecord struct {
	Contract    common.Address
	Root        [32]byte
	Label       string
	Sender      common.Address
	BlockNumber uint64
	BlockHash   common.Hash
	TxHash      common.Hash
	TxIndex     uint
	LogIndex    uint
}

// AnchorCall builds the call that anchors root under label at the Anchor
// contract anchor.
func AnchorCall(anchor common.Address, root [32]byte, label string) (Call, error) {
	if root == ([32]byte{}) {
		return Call{}, errorf("anchor: %w", ErrZeroRoot)
	}
	if len(label) > MaxAnchorLabel {
		return Call{}, errorf("anchor label of %d bytes, want at most %d: %w", len(label), MaxAnchorLabel, ErrLabelTooLong)
	}
	return Call{Method: "anchor", To: anchor, Data: anchorABI.PackAnchor(root, label)}, nil
}

// AnchorRoot anchors root under label from opts.From and returns where it
// landed.
func AnchorRoot(ctx context.Context, backend Backend, opts *bind.TransactOpts, anchor common.Address, root [32]byte, label string) (*AnchorRecord, error) {
	c, err := AnchorCall(anchor, root, label)
	if err != nil {
		return nil, err
	}
	rcpt, err := Send(ctx, backend, opts, c)
	if err != nil {
		return nil, err
	}
	for _, l := range rcpt.Logs {
		rec, err := anchorRecord(l)
		if err == nil && l.Address == anchor && rec.Root == root {
			return rec, nil
		}
	}
	return nil, errorf("anchor transaction %s has no Anchored event: %w", rcpt.TxHash.Hex(), ErrAnchorNotFound)
}

// AnchorQuery narrows [FindAnchor]. Zero values search every block and accept
// any sender.
type AnchorQuery struct {
	FromBlock *big.Int
	ToBlock   *big.Int
	// Sender, if set, is the only address whose anchors count: the contract
	// lets anyone anchor anything, so a verifier names whom it trusts.
	Sender *common.Address
}

// FindAnchor proves that root was anchored at the Anchor contract anchor: it
// returns the earliest matching Anchored event (by block, then log index),
// with its block, transaction and log index, or [ErrAnchorNotFound]. Logs
// marked removed (reorged out) and logs whose label does not hash to their
// labelHash topic are ignored.
func FindAnchor(ctx context.Context, logs LogFilterer, anchor common.Address, root [32]byte, q AnchorQuery) (*AnchorRecord, error) {
	topics := [][]common.Hash{{anchoredTopic}, {common.Hash(root)}}
	if q.Sender != nil {
		topics = append(topics, []common.Hash{common.BytesToHash(q.Sender.Bytes())})
	}
	found, err := logs.FilterLogs(ctx, ethereum.FilterQuery{
		FromBlock: q.FromBlock,
		ToBlock:   q.ToBlock,
		Addresses: []common.Address{anchor},
		Topics:    topics,
	})
	if err != nil {
		return nil, errorf("find anchor %x: %w", root, err)
	}
	var best *AnchorRecord
	for i := range found {
		l := &found[i]
		if l.Removed || l.Address != anchor {
			continue
		}
		rec, err := anchorRecord(l)
		if err != nil || rec.Root != root || (q.Sender != nil && rec.Sender != *q.Sender) {
			continue
		}
		if best == nil || rec.BlockNumber < best.BlockNumber || (rec.BlockNumber == best.BlockNumber && rec.LogIndex < best.LogIndex) {
			best = rec
		}
	}
	if best == nil {
		return nil, errorf("root %x at %s: %w", root, anchor.Hex(), ErrAnchorNotFound)
	}
	return best, nil
}

var (
	anchorABI     = bindings.NewAnchor()
	anchoredTopic = anchorABI.GetABI().Events["Anchored"].ID
)

// anchorRecord decodes an Anchored log and checks its label against the
// labelHash topic.
func anchorRecord(l *types.Log) (*AnchorRecord, error) {
	ev, err := anchorABI.UnpackAnchoredEvent(l)
	if err != nil {
		return nil, err
	}
	if crypto.Keccak256Hash([]byte(ev.Label)) != common.Hash(ev.LabelHash) {
		return nil, errors.New("trustkernel: anchored label does not match its hash")
	}
	return &AnchorRecord{
		Contract:    l.Address,
		Root:        ev.Root,
		Label:       ev.Label,
		Sender:      ev.Sender,
		BlockNumber: l.BlockNumber,
		BlockHash:   l.BlockHash,
		TxHash:      l.TxHash,
		TxIndex:     l.TxIndex,
		LogIndex:    l.Index,
	}, nil
}
