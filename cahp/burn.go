package cahp

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math/big"
	"sync"
)

// BurnAddress is the documented burn address of eip155 chains: value sent
// there is destroyed (no key is known for it).
const BurnAddress = "0x000000000000000000000000000000000000dEaD"

// A Burn is a claimed proof of burn, as a [Proof] states it.
type Burn struct {
	// Chain is the CAIP-2 chain id, e.g. "eip155:1".
	Chain string
	// TxHash is the transaction hash as the chain writes it.
	TxHash string
	// Amount is the amount claimed, in the chain's smallest unit.
	Amount *big.Int
	// Binding is the session binding the transaction must carry.
	Binding [32]byte
}

// A BurnVerifier checks a burn on its chain. The implementation for EVM
// chains, reading through a quorum of RPC endpoints, is in the trustkernel
// package; [MemoryBurns] is an in-memory one for tests and demos.
type BurnVerifier interface {
	// VerifyBurn returns nil if the chain b.Chain holds the transaction
	// b.TxHash, executed successfully, with at least minConfirmations
	// confirmations (the block holding it counts as one), paying at least
	// b.Amount to the chain's burn address with exactly b.Binding as its
	// data. A burn that does not hold is an error wrapping
	// [ErrBurnTooSmall], [ErrBurnUnconfirmed] or [ErrBurnBinding]; other
	// errors mean the chain could not be read.
	VerifyBurn(ctx context.Context, b Burn, minConfirmations uint64) error
}

// A Burner makes a burn for a metabolic agent: it sends a transaction paying
// the agent's burn amount to the burn address with binding as its data,
// waits for the confirmations it expects the peer to ask for, and returns
// the burn.
type Burner func(ctx context.Context, binding [32]byte) (Burn, error)

// burnBindingContext starts the input of [BurnBinding].
const burnBindingContext = "accord-cahp-v1 burn-binding"

// BurnBinding returns the session_binding of a burn made by the side role
// ("initiator" or "responder"): SHA-256 of the context string
// "accord-cahp-v1 burn-binding", a zero byte, the role, a zero byte, and the
// 32-byte transcript hash after both discovery messages.
func BurnBinding(discoveryTranscript [32]byte, role string) [32]byte {
	h := sha256.New()
	h.Write([]byte(burnBindingContext))
	h.Write([]byte{0})
	h.Write([]byte(role))
	h.Write([]byte{0})
	h.Write(discoveryTranscript[:])
	return [32]byte(h.Sum(nil))
}

// MemoryBurns is an in-memory chain of burns: a deterministic
// [BurnVerifier] for tests and demos. Whoever holds it can record burns, so
// it proves nothing about real value; use the EVM verifier in trustkernel
// against a real chain. It is safe for concurrent use.
type MemoryBurns struct {
	mu     sync.Mutex
	chain  string
	height uint64
	txs    map[string]memoryBurn
}

type memoryBurn struct {
	amount  *big.Int
	binding [32]byte
	block   uint64
	failed  bool
}

// NewMemoryBurns returns an empty ledger for the CAIP-2 chain id chain.
func NewMemoryBurns(chain string) (*MemoryBurns, error) {
	if err := checkChain(chain); err != nil {
		return nil, fmt.Errorf("cahp: memory burns: %w", err)
	}
	return &MemoryBurns{chain: chain, txs: make(map[string]memoryBurn)}, nil
}

// Record adds a burn of amount carrying binding in a new block and returns
// its transaction hash ("0x" and 64 hex digits, derived from the ledger's
// height and the burn, so a run is reproducible). A failed burn is recorded
// as executed but reverted.
func (m *MemoryBurns) Record(amount *big.Int, binding [32]byte, failed bool) string {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.height++
	h := sha256.New()
	binary.Write(h, binary.BigEndian, m.height)
	h.Write(amount.Bytes())
	h.Write(binding[:])
	tx := "0x" + hex.EncodeToString(h.Sum(nil))
	m.txs[tx] = memoryBurn{amount: new(big.Int).Set(amount), binding: binding, block: m.height, failed: failed}
	return tx
}

// Mine adds n empty blocks, confirming earlier burns further.
func (m *MemoryBurns) Mine(n uint64) {
	m.mu.Lock()
	m.height += n
	m.mu.Unlock()
}

// Burner returns a [Burner] that records a burn of amount and then mines
// confirmations-1 blocks on top of it.
func (m *MemoryBurns) Burner(amount *big.Int, confirmations uint64) Burner {
	return func(_ context.Context, binding [32]byte) (Burn, error) {
		tx := m.Record(amount, binding, false)
		m.Mine(max(confirmations, 1) - 1)
		return Burn{Chain: m.chain, TxHash: tx, Amount: new(big.Int).Set(amount), Binding: binding}, nil
	}
}

// VerifyBurn implements [BurnVerifier].
func (m *MemoryBurns) VerifyBurn(_ context.Context, b Burn, minConfirmations uint64) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if b.Chain != m.chain {
		return fmt.Errorf("%w: chain %s, this ledger is %s", ErrBurnUnconfirmed, b.Chain, m.chain)
	}
	t, ok := m.txs[b.TxHash]
	switch {
	case !ok:
		return fmt.Errorf("%w: transaction %.80s not found", ErrBurnUnconfirmed, b.TxHash)
	case t.failed:
		return fmt.Errorf("%w: transaction %s failed", ErrBurnUnconfirmed, b.TxHash)
	case t.binding != b.Binding:
		return fmt.Errorf("%w: transaction %s carries %x, want %x", ErrBurnBinding, b.TxHash, t.binding[:8], b.Binding[:8])
	case b.Amount == nil || t.amount.Cmp(b.Amount) < 0:
		return fmt.Errorf("%w: transaction %s burnt %s, claimed %s", ErrBurnTooSmall, b.TxHash, t.amount, b.Amount)
	}
	if conf := m.height - t.block + 1; conf < minConfirmations {
		return fmt.Errorf("%w: transaction %s has %d confirmations, want %d", ErrBurnUnconfirmed, b.TxHash, conf, minConfirmations)
	}
	return nil
}
