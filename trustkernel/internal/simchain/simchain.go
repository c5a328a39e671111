// Package simchain is the trust kernel's test chain: go-ethereum's simulated
// backend (a real EVM) with its chain configuration pinned to the Prague fork,
// served by the node's own HTTP JSON-RPC server on 127.0.0.1, and [Proxy]
// endpoints in front of it that delay, lie, lag, die or claim a head in the
// future.
//
// It is shared by the trustkernel tests, its benchmarks and the examples, and
// it only ever listens on loopback.
package simchain

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/eth/ethconfig"
	"github.com/ethereum/go-ethereum/ethclient/simulated"
	"github.com/ethereum/go-ethereum/log"
	"github.com/ethereum/go-ethereum/node"
	"github.com/ethereum/go-ethereum/params"
)

// ChainID is the chain id of every simulated chain.
const ChainID = 1337

// Fork names the fork the chain configuration is pinned to.
const Fork = "prague"

// PinnedConfig returns the chain configuration the test chain runs: every
// fork up to and including Prague active from genesis, and nothing later.
// Pinning keeps the EVM's behaviour from moving when go-ethereum adds forks
// to its development configuration.
func PinnedConfig() *params.ChainConfig {
	z := uint64(0)
	return &params.ChainConfig{
		ChainID:                 big.NewInt(ChainID),
		HomesteadBlock:          big.NewInt(0),
		EIP150Block:             big.NewInt(0),
		EIP155Block:             big.NewInt(0),
		EIP158Block:             big.NewInt(0),
		ByzantiumBlock:          big.NewInt(0),
		ConstantinopleBlock:     big.NewInt(0),
		PetersburgBlock:         big.NewInt(0),
		IstanbulBlock:           big.NewInt(0),
		MuirGlacierBlock:        big.NewInt(0),
		BerlinBlock:             big.NewInt(0),
		LondonBlock:             big.NewInt(0),
		ArrowGlacierBlock:       big.NewInt(0),
		GrayGlacierBlock:        big.NewInt(0),
		TerminalTotalDifficulty: big.NewInt(0),
		ShanghaiTime:            &z,
		CancunTime:              &z,
		PragueTime:              &z,
		BlobScheduleConfig: &params.BlobScheduleConfig{
			Cancun: params.DefaultCancunBlobConfig,
			Prague: params.DefaultPragueBlobConfig,
		},
	}
}

// Chain is a running simulated chain with a funded account.
type Chain struct {
	// Backend is the simulated backend; Commit seals blocks.
	Backend *simulated.Backend
	// URL is the node's HTTP JSON-RPC endpoint on 127.0.0.1.
	URL string
	// Key is the private key of a richly funded account.
	Key *ecdsa.PrivateKey
	// From is the address of Key.
	From common.Address

	mu sync.Mutex // serialises Commit and transaction sending
}

// endpointCapture is a slog handler that records the address the node's HTTP
// server reports when it starts, and drops every other record unless a
// logger is given to pass them to.
type endpointCapture struct {
	mu   *sync.Mutex
	addr *string
	next slog.Handler
}

func (h endpointCapture) Enabled(ctx context.Context, l slog.Level) bool { return true }

func (h endpointCapture) Handle(ctx context.Context, r slog.Record) error {
	if r.Message == "HTTP server started" {
		r.Attrs(func(a slog.Attr) bool {
			if a.Key == "endpoint" {
				h.mu.Lock()
				*h.addr = a.Value.String()
				h.mu.Unlock()
				return false
			}
			return true
		})
	}
	if h.next != nil && h.next.Enabled(ctx, r.Level) {
		return h.next.Handle(ctx, r)
	}
	return nil
}

func (h endpointCapture) WithAttrs(as []slog.Attr) slog.Handler {
	if h.next != nil {
		h.next = h.next.WithAttrs(as)
	}
	return h
}

func (h endpointCapture) WithGroup(name string) slog.Handler {
	if h.next != nil {
		h.next = h.next.WithGroup(name)
	}
	return h
}

// New starts a simulated chain whose node serves HTTP JSON-RPC on
// 127.0.0.1 at a free port. logger may be nil. Close it when done.
func New(logger *slog.Logger) (*Chain, error) {
	key, err := crypto.GenerateKey()
	if err != nil {
		return nil, err
	}
	from := crypto.PubkeyToAddress(key.PublicKey)
	balance := new(big.Int).Mul(big.NewInt(1_000_000), big.NewInt(params.Ether))
	alloc := types.GenesisAlloc{from: {Balance: balance}}

	var (
		mu   sync.Mutex
		addr string
	)
	capture := endpointCapture{mu: &mu, addr: &addr}
	if logger != nil {
		capture.next = logger.Handler()
	}
	backend := simulated.NewBackend(alloc, func(nc *node.Config, ec *ethconfig.Config) {
		nc.HTTPHost = "127.0.0.1"
		nc.HTTPPort = 0
		nc.HTTPModules = []string{"eth", "net", "web3"}
		nc.HTTPVirtualHosts = []string{"localhost", "127.0.0.1"}
		nc.WSHost = ""
		nc.AuthPort = 0
		nc.Logger = log.NewLogger(capture)
		ec.Genesis.Config = PinnedConfig()
	})
	mu.Lock()
	endpoint := addr
	mu.Unlock()
	if endpoint == "" {
		_ = backend.Close()
		return nil, errors.New("simchain: the node did not report its http endpoint")
	}
	return &Chain{Backend: backend, URL: "http://" + endpoint, Key: key, From: from}, nil
}

// Close stops the node.
func (c *Chain) Close() error { return c.Backend.Close() }

// Commit seals n empty (or pending) blocks.
func (c *Chain) Commit(n int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for range n {
		c.Backend.Commit()
	}
}

// Head returns the current head header.
func (c *Chain) Head(ctx context.Context) (*types.Header, error) {
	return c.Backend.Client().HeaderByNumber(ctx, nil)
}

// Deploy sends a contract creation transaction with the given init code
// from the funded account, seals it in a block and returns the new
// contract's address. It fails if the creation reverted.
func (c *Chain) Deploy(ctx context.Context, initCode []byte) (common.Address, error) {
	rcpt, err := c.Send(ctx, nil, initCode)
	if err != nil {
		return common.Address{}, err
	}
	return rcpt.ContractAddress, nil
}

// Send signs and sends a transaction from the funded account (to == nil
// creates a contract), seals it and returns its successful receipt.
func (c *Chain) Send(ctx context.Context, to *common.Address, data []byte) (*types.Receipt, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	cl := c.Backend.Client()
	nonce, err := cl.PendingNonceAt(ctx, c.From)
	if err != nil {
		return nil, fmt.Errorf("simchain: nonce: %w", err)
	}
	head, err := cl.HeaderByNumber(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("simchain: head: %w", err)
	}
	tip := big.NewInt(params.GWei)
	feeCap := new(big.Int).Add(new(big.Int).Mul(head.BaseFee, big.NewInt(2)), tip)
	tx := types.NewTx(&types.DynamicFeeTx{
		ChainID:   big.NewInt(ChainID),
		Nonce:     nonce,
		GasTipCap: tip,
		GasFeeCap: feeCap,
		Gas:       5_000_000,
		To:        to,
		Data:      data,
	})
	signed, err := types.SignTx(tx, types.LatestSignerForChainID(big.NewInt(ChainID)), c.Key)
	if err != nil {
		return nil, err
	}
	if err := cl.SendTransaction(ctx, signed); err != nil {
		return nil, fmt.Errorf("simchain: send: %w", err)
	}
	c.Backend.Commit()
	rcpt, err := cl.TransactionReceipt(ctx, signed.Hash())
	if err != nil {
		return nil, fmt.Errorf("simchain: receipt: %w", err)
	}
	if rcpt.Status != types.ReceiptStatusSuccessful {
		return nil, fmt.Errorf("simchain: transaction %s reverted", signed.Hash())
	}
	return rcpt, nil
}

// SetTimeAhead seals an empty block whose timestamp is d after its parent's.
func (c *Chain) SetTimeAhead(d time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.Backend.AdjustTime(d)
}
