package checkpoint

import (
	"context"
	"errors"
)

// ErrNotAnchored is returned by [Anchorer.VerifyAnchor] when an anchor proof
// does not show that the root was anchored under the label: the proof names
// another backend, root or label, or the backend holds no such anchor.
var ErrNotAnchored = errors.New("checkpoint: root not anchored")

// An AnchorProof says where a root was anchored. It is the JSON object that
// records carry as "anchor_proof" (and federation witness receipts as
// "witnessed_anchor"):
//
//	{"backend": "ethereum", "chain": "eip155:1", "tx_hash": "0x…", "block_number": 12345678}
//
// Which fields are set depends on the backend; an [Anchorer] documents its own.
// An AnchorProof is a claim until [Anchorer.VerifyAnchor] has checked it.
type AnchorProof struct {
	// Backend names the anchoring system, for example "ethereum" for an EVM
	// chain or "log" for an accord append-only log.
	Backend string `json:"backend"`
	// Chain is the CAIP-2 chain identifier of a blockchain backend
	// (for example "eip155:1"); empty for other backends.
	Chain string `json:"chain,omitempty"`
	// TxHash is the transaction that anchored the root, in the backend's
	// own notation ("0x" and 64 lower-case hex digits on EVM chains).
	TxHash string `json:"tx_hash,omitempty"`
	// BlockNumber is the block that holds the transaction.
	BlockNumber uint64 `json:"block_number,omitempty"`
	// BlockHash is the hash of that block, in the backend's notation.
	BlockHash string `json:"block_hash,omitempty"`
	// Evidence is backend-specific proof material (for a log backend, a
	// c2sp.org/tlog-proof file). In JSON it is padded standard base64.
	Evidence []byte `json:"evidence,omitempty"`
}

// An Anchorer publishes 32-byte roots (log roots, combined roots of several
// logs) to a system that outlives the logs' operators, and checks what was
// published. Federation and governance anchor through it; trustkernel holds
// the EVM implementation.
type Anchorer interface {
	// Backend returns the name written in the proofs it makes and accepts.
	Backend() string
	// Anchor publishes root under label and returns where it landed.
	Anchor(ctx context.Context, root [32]byte, label string) (*AnchorProof, error)
	// VerifyAnchor checks that proof shows root anchored under label. It
	// returns an error wrapping ErrNotAnchored when it does not.
	VerifyAnchor(ctx context.Context, root [32]byte, label string, proof *AnchorProof) error
}
