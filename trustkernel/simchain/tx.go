package simchain

import (
	"context"
	"fmt"
	"math/big"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/params"
)

// Head returns the current head header.
func (c *Chain) Head(ctx context.Context) (*types.Header, error) {
	return c.Client().HeaderByNumber(ctx, nil)
}

// Deploy creates a contract from account 0 with the given init code, seals
// it and returns the contract's address.
func (c *Chain) Deploy(ctx context.Context, initCode []byte) (common.Address, error) {
	rcpt, err := c.Send(ctx, nil, initCode)
	if err != nil {
		return common.Address{}, err
	}
	return rcpt.ContractAddress, nil
}

// Send signs a transaction from account 0 (to == nil creates a contract),
// seals it and returns its receipt; a reverted transaction is an error.
func (c *Chain) Send(ctx context.Context, to *common.Address, data []byte) (*types.Receipt, error) {
	cl := c.Client()
	from := Address(0)
	nonce, err := cl.PendingNonceAt(ctx, from)
	if err != nil {
		return nil, fmt.Errorf("simchain: nonce: %w", err)
	}
	head, err := cl.HeaderByNumber(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("simchain: head: %w", err)
	}
	tip := big.NewInt(params.GWei)
	tx := types.NewTx(&types.DynamicFeeTx{
		ChainID:   big.NewInt(ChainID),
		Nonce:     nonce,
		GasTipCap: tip,
		GasFeeCap: new(big.Int).Add(new(big.Int).Mul(head.BaseFee, big.NewInt(2)), tip),
		Gas:       5_000_000,
		To:        to,
		Data:      data,
	})
	signed, err := types.SignTx(tx, types.LatestSignerForChainID(big.NewInt(ChainID)), Key(0))
	if err != nil {
		return nil, err
	}
	if err := cl.SendTransaction(ctx, signed); err != nil {
		return nil, fmt.Errorf("simchain: send: %w", err)
	}
	c.Commit()
	rcpt, err := cl.TransactionReceipt(ctx, signed.Hash())
	if err != nil {
		return nil, fmt.Errorf("simchain: receipt: %w", err)
	}
	if rcpt.Status != types.ReceiptStatusSuccessful {
		return nil, fmt.Errorf("simchain: transaction %s reverted", signed.Hash())
	}
	return rcpt, nil
}
