package trustkernel

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"errors"
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/accordsdk/accord/cahp"
	"github.com/accordsdk/accord/trustkernel/quorum"
)

// BurnVerifier is the EVM [cahp.BurnVerifier]: it reads the burn transaction
// through a [quorum.Reader] and accepts it when a quorum agrees that it was
// executed successfully, on this chain, paying at least the claimed amount
// (in wei) to [cahp.BurnAddress] with exactly the 32-byte session binding as
// its calldata, and has at least the asked confirmations counted at the
// reader's pinned block (which is itself below the quorum's head by the
// reader's confirmations, so the count is conservative).
type BurnVerifier struct {
	r       *quorum.Reader
	chain   string
	chainID *big.Int
}

// NewBurnVerifier returns the burn verifier of the chain with id chainID
// (CAIP-2 "eip155:<chainID>"), reading through r. r should be built with
// [quorum.WithChainID] so that every endpoint proves it serves that chain.
func NewBurnVerifier(r *quorum.Reader, chainID uint64) (*BurnVerifier, error) {
	if r == nil || chainID == 0 {
		return nil, errors.New("trustkernel: burn verifier: want a quorum reader and a chain id")
	}
	return &BurnVerifier{r: r, chain: "eip155:" + strconv.FormatUint(chainID, 10), chainID: new(big.Int).SetUint64(chainID)}, nil
}

// Chain returns the CAIP-2 id of the verifier's chain, "eip155:<id>".
func (v *BurnVerifier) Chain() string { return v.chain }

// VerifyBurn implements [cahp.BurnVerifier].
func (v *BurnVerifier) VerifyBurn(ctx context.Context, b cahp.Burn, minConfirmations uint64) error {
	if b.Chain != v.chain {
		return fmt.Errorf("%w: burn on %s, this verifier reads %s", cahp.ErrBurnUnconfirmed, b.Chain, v.chain)
	}
	h, ok := strings.CutPrefix(b.TxHash, "0x")
	if !ok || len(h) != 64 || strings.ToLower(h) != h {
		return fmt.Errorf("%w: tx_hash %.80q, want 0x and 64 lowercase hex digits", cahp.ErrBurnUnconfirmed, b.TxHash)
	}
	hash := common.HexToHash(b.TxHash)
	ag, err := v.r.Transaction(ctx, hash)
	if errors.Is(err, quorum.ErrTxNotFound) {
		return fmt.Errorf("%w: %v", cahp.ErrBurnUnconfirmed, err)
	}
	if err != nil {
		return errorf("burn %s: %w", b.TxHash, err)
	}
	tx := ag.Tx
	burn := common.HexToAddress(cahp.BurnAddress)
	switch {
	case ag.Status != types.ReceiptStatusSuccessful:
		return fmt.Errorf("%w: transaction %s failed in block %d", cahp.ErrBurnUnconfirmed, b.TxHash, ag.Block.Number)
	case tx.ChainId() == nil || tx.ChainId().Cmp(v.chainID) != 0:
		return fmt.Errorf("%w: transaction %s signed for chain %v, want %s", cahp.ErrBurnBinding, b.TxHash, tx.ChainId(), v.chainID)
	case tx.To() == nil || *tx.To() != burn:
		return fmt.Errorf("%w: transaction %s pays %v, not the burn address %s", cahp.ErrBurnBinding, b.TxHash, tx.To(), cahp.BurnAddress)
	case !bytes.Equal(tx.Data(), b.Binding[:]):
		return fmt.Errorf("%w: transaction %s carries calldata %x, want the binding %x", cahp.ErrBurnBinding, b.TxHash, tx.Data(), b.Binding)
	case b.Amount == nil || tx.Value().Cmp(b.Amount) < 0:
		return fmt.Errorf("%w: transaction %s burnt %s wei, claimed %v", cahp.ErrBurnTooSmall, b.TxHash, tx.Value(), b.Amount)
	case ag.Confirmations < minConfirmations:
		return fmt.Errorf("%w: transaction %s has %d confirmations at block %d, want %d", cahp.ErrBurnUnconfirmed, b.TxHash, ag.Confirmations, ag.Pinned.Number, minConfirmations)
	}
	return nil
}

// SendBurn sends a burn from key's account: amount wei to [cahp.BurnAddress]
// with binding as calldata, on the chain with id chainID, and waits until it
// is mined. It returns the transaction hash ("0x" and 64 hex digits).
func SendBurn(ctx context.Context, backend Backend, key *ecdsa.PrivateKey, chainID uint64, amount *big.Int, binding [32]byte) (string, error) {
	from := crypto.PubkeyToAddress(key.PublicKey)
	nonce, err := backend.PendingNonceAt(ctx, from)
	if err != nil {
		return "", errorf("burn: nonce: %w", err)
	}
	head, err := backend.HeaderByNumber(ctx, nil)
	if err != nil {
		return "", errorf("burn: head: %w", err)
	}
	tip, err := backend.SuggestGasTipCap(ctx)
	if err != nil {
		return "", errorf("burn: tip: %w", err)
	}
	feeCap := new(big.Int).Add(tip, new(big.Int).Mul(head.BaseFee, big.NewInt(2)))
	to := common.HexToAddress(cahp.BurnAddress)
	id := new(big.Int).SetUint64(chainID)
	tx, err := types.SignNewTx(key, types.LatestSignerForChainID(id), &types.DynamicFeeTx{
		ChainID: id, Nonce: nonce, GasTipCap: tip, GasFeeCap: feeCap,
		Gas: 30_000, To: &to, Value: amount, Data: binding[:],
	})
	if err != nil {
		return "", errorf("burn: sign: %w", err)
	}
	if err := backend.SendTransaction(ctx, tx); err != nil {
		return "", errorf("burn: send: %w", err)
	}
	rcpt, err := bind.WaitMined(ctx, backend, tx.Hash())
	if err != nil {
		return "", errorf("burn: %w", err)
	}
	if rcpt.Status != types.ReceiptStatusSuccessful {
		return "", errorf("burn %s failed in block %v", tx.Hash().Hex(), rcpt.BlockNumber)
	}
	return tx.Hash().Hex(), nil
}

// NewBurner returns a [cahp.Burner] for a metabolic agent holding key: each
// call sends a burn of amount wei ([SendBurn]) and then waits, polling the
// head every poll interval, until the burn has confirmations confirmations.
func NewBurner(backend Backend, key *ecdsa.PrivateKey, chainID uint64, amount *big.Int, confirmations uint64, poll time.Duration) cahp.Burner {
	chain := "eip155:" + strconv.FormatUint(chainID, 10)
	return func(ctx context.Context, binding [32]byte) (cahp.Burn, error) {
		tx, err := SendBurn(ctx, backend, key, chainID, amount, binding)
		if err != nil {
			return cahp.Burn{}, err
		}
		rcpt, err := backend.TransactionReceipt(ctx, common.HexToHash(tx))
		if err != nil {
			return cahp.Burn{}, errorf("burn: receipt: %w", err)
		}
		for {
			head, err := backend.HeaderByNumber(ctx, nil)
			if err != nil {
				return cahp.Burn{}, errorf("burn: head: %w", err)
			}
			if head.Number.Uint64()+1 >= rcpt.BlockNumber.Uint64()+confirmations {
				break
			}
			select {
			case <-ctx.Done():
				return cahp.Burn{}, errorf("burn %s: waiting for %d confirmations: %w", tx, confirmations, ctx.Err())
			case <-time.After(poll):
			}
		}
		return cahp.Burn{Chain: chain, TxHash: tx, Amount: new(big.Int).Set(amount), Binding: binding}, nil
	}
}
