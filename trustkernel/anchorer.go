package trustkernel

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"strconv"
	"strings"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"

	"github.com/accordsdk/accord/checkpoint"
)

// AnchorBackend is the backend name of EVM anchor proofs.
const AnchorBackend = "ethereum"

// Anchorer is the EVM implementation of [checkpoint.Anchorer]: it anchors
// roots at an Anchor contract with [AnchorRoot] and verifies anchor proofs
// by reading the contract's Anchored events, through a [quorum.Reader] in
// production (so that one lying RPC endpoint cannot fake an anchor).
//
// Its proofs are
//
//	{"backend": "ethereum", "chain": "eip155:<chain id>", "tx_hash": "0x…",
//	 "block_number": N, "block_hash": "0x…"}
//
// and one verifies when, in block N of the canonical chain, whose hash is
// block_hash, that transaction
// emitted an Anchored event from the contract for the root and label, sent
// by the anchorer's account (the contract lets anyone anchor anything, so
// only the named sender's anchors count).
type Anchorer struct {
	anchor  common.Address
	chainID uint64
	logs    LogFilterer
	sender  common.Address
	backend Backend
	opts    *bind.TransactOpts
}

// AnchorerOption configures [NewAnchorer].
type AnchorerOption func(*Anchorer) error

// WithTransactor lets the Anchorer anchor (not only verify), sending from
// opts.From, which must be the anchorer's sender, through backend.
func WithTransactor(backend Backend, opts *bind.TransactOpts) AnchorerOption {
	return func(a *Anchorer) error {
		if backend == nil || opts == nil {
			return errors.New("trustkernel: anchorer: nil backend or transact options")
		}
		a.backend, a.opts = backend, opts
		return nil
	}
}

// NewAnchorer returns an Anchorer for the Anchor contract at anchor on the
// chain chainID, which reads events through logs and counts only anchors
// sent by sender.
func NewAnchorer(anchor common.Address, chainID uint64, logs LogFilterer, sender common.Address, opts ...AnchorerOption) (*Anchorer, error) {
	if logs == nil || anchor == (common.Address{}) || sender == (common.Address{}) || chainID == 0 {
		return nil, errors.New("trustkernel: anchorer needs a contract, a chain ID, a log reader and a sender")
	}
	a := &Anchorer{anchor: anchor, chainID: chainID, logs: logs, sender: sender}
	for _, o := range opts {
		if err := o(a); err != nil {
			return nil, err
		}
	}
	if a.opts != nil && a.opts.From != sender {
		return nil, errorf("anchorer sends from %s, but counts anchors by %s", a.opts.From.Hex(), sender.Hex())
	}
	return a, nil
}

// Backend returns "ethereum".
func (a *Anchorer) Backend() string { return AnchorBackend }

func (a *Anchorer) chain() string { return "eip155:" + strconv.FormatUint(a.chainID, 10) }

// Anchor anchors root under label and returns the proof.
func (a *Anchorer) Anchor(ctx context.Context, root [32]byte, label string) (*checkpoint.AnchorProof, error) {
	if a.backend == nil {
		return nil, errors.New("trustkernel: anchorer is verify-only (no transactor)")
	}
	rec, err := AnchorRoot(ctx, a.backend, a.opts, a.anchor, root, label)
	if err != nil {
		return nil, err
	}
	return &checkpoint.AnchorProof{
		Backend:     AnchorBackend,
		Chain:       a.chain(),
		TxHash:      rec.TxHash.Hex(),
		BlockNumber: rec.BlockNumber,
		BlockHash:   rec.BlockHash.Hex(),
	}, nil
}

// VerifyAnchor checks proof against the chain: the Anchored event for root
// and label, by the sender, in the named transaction and block.
func (a *Anchorer) VerifyAnchor(ctx context.Context, root [32]byte, label string, proof *checkpoint.AnchorProof) error {
	fail := func(format string, args ...any) error {
		return fmt.Errorf("%w: trustkernel: %s", checkpoint.ErrNotAnchored, fmt.Sprintf(format, args...))
	}
	switch {
	case proof == nil:
		return fail("no proof")
	case proof.Backend != AnchorBackend:
		return fail("backend %q, want %q", proof.Backend, AnchorBackend)
	case proof.Chain != a.chain():
		return fail("chain %q, want %q", proof.Chain, a.chain())
	case !isHash(proof.TxHash) || !isHash(proof.BlockHash):
		return fail("tx_hash %q or block_hash %q is not 0x and 64 lower-case hex digits", proof.TxHash, proof.BlockHash)
	}
	blockHash := common.HexToHash(proof.BlockHash)
	// Ask by number, not by hash: a block hash names a block whether or not
	// it is on the chain, while a range query answers from the canonical
	// chain (and a quorum.Reader clamps it to its pinned, confirmed block).
	n := new(big.Int).SetUint64(proof.BlockNumber)
	found, err := a.logs.FilterLogs(ctx, ethereum.FilterQuery{
		FromBlock: n,
		ToBlock:   n,
		Addresses: []common.Address{a.anchor},
		Topics:    [][]common.Hash{{anchoredTopic}, {common.Hash(root)}, {common.BytesToHash(a.sender.Bytes())}},
	})
	if err != nil {
		// A read failure is not evidence of absence: it is returned as is.
		return errorf("verify anchor %x: %w", root, err)
	}
	for i := range found {
		l := &found[i]
		if l.Removed || l.Address != a.anchor || l.TxHash.Hex() != proof.TxHash || l.BlockNumber != proof.BlockNumber || l.BlockHash != blockHash {
			continue
		}
		rec, err := anchorRecord(l)
		if err != nil || rec.Root != root || rec.Sender != a.sender || rec.Label != label {
			continue
		}
		return nil
	}
	return fail("no Anchored event for root %x label %q by %s in tx %s of block %d %s", root, label, a.sender.Hex(), proof.TxHash, proof.BlockNumber, proof.BlockHash)
}

// isHash reports whether s is "0x" and 64 lower-case hex digits.
func isHash(s string) bool {
	h, ok := strings.CutPrefix(s, "0x")
	if !ok || len(h) != 64 {
		return false
	}
	for _, c := range h {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

var _ checkpoint.Anchorer = (*Anchorer)(nil)
