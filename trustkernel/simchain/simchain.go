// Package simchain runs an in-process EVM chain for tests, examples and the
// tour, and serves it over JSON-RPC on loopback HTTP.
//
// It is test and demo support, not a node: nothing in it is meant for a
// production install, whose chain access goes through real RPC endpoints
// (read through a quorum of them).
//
// The chain is go-ethereum's simulated backend (a real EVM and state
// database) with its chain configuration pinned to the Prague fork, the fork
// the trustkernel contracts are compiled for. Unlike the bare simulated
// backend, which seals blocks only when told, a [Chain] seals a block after
// every transaction it receives ("instant sealing", as development nodes do),
// so code written for a real node — send, then wait for the receipt — works
// unchanged against it. Each block's timestamp is the wall clock, or one second
// past its parent when blocks come faster than that; [Chain.AdjustTime] moves
// time forward.
//
// Accounts [Key](0) to [Key](Accounts-1) are derived from fixed seeds and
// funded at genesis, so addresses in examples are stable from run to run.
//
// Only loopback is ever listened on.
package simchain

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/eth/ethconfig"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/ethereum/go-ethereum/ethclient/simulated"
	"github.com/ethereum/go-ethereum/node"
	"github.com/ethereum/go-ethereum/params"
	"github.com/ethereum/go-ethereum/rpc"
)

// Accounts is the number of funded accounts.
const Accounts = 8

// ChainID is the chain id of every simulated chain.
const ChainID = 1337

// maxBody caps a JSON-RPC request body.
const maxBody = 4 << 20

// Balance returns the genesis balance of each funded account (1,000,000
// ether), a fresh value on each call.
func Balance() *big.Int {
	return new(big.Int).Mul(big.NewInt(1_000_000), big.NewInt(params.Ether))
}

// Config returns the chain configuration: every fork up to and including
// Prague active from genesis, nothing later.
func Config() *params.ChainConfig {
	c := *params.AllDevChainProtocolChanges
	c.ChainID = big.NewInt(ChainID)
	c.OsakaTime = nil
	c.BPO1Time, c.BPO2Time, c.BPO3Time, c.BPO4Time, c.BPO5Time = nil, nil, nil, nil, nil
	c.AmsterdamTime = nil
	c.BogotaTime = nil
	c.UBTTime = nil
	c.BlobScheduleConfig = &params.BlobScheduleConfig{
		Cancun: params.DefaultCancunBlobConfig,
		Prague: params.DefaultPragueBlobConfig,
	}
	return &c
}

// Key returns the private key of funded account i (0 <= i < Accounts). The
// keys are public knowledge: never use them on a real chain.
func Key(i int) *ecdsa.PrivateKey {
	if i < 0 || i >= Accounts {
		panic(fmt.Sprintf("simchain: account %d out of range [0, %d)", i, Accounts))
	}
	k, err := crypto.ToECDSA(crypto.Keccak256([]byte("accord simchain account " + strconv.Itoa(i))))
	if err != nil {
		panic(err) // a keccak output is a valid key with overwhelming probability
	}
	return k
}

// Address returns the address of funded account i.
func Address(i int) common.Address { return crypto.PubkeyToAddress(Key(i).PublicKey) }

// Chain is a running simulated chain served on a loopback URL.
type Chain struct {
	backend *simulated.Backend
	rpc     *rpc.Client
	server  *http.Server
	ln      net.Listener
	url     string

	mu     sync.Mutex // serialises sealing and closing
	closed bool
}

// New starts a chain with the funded accounts and extra genesis allocations,
// and serves it on a free loopback port.
func New(extra types.GenesisAlloc) (*Chain, error) {
	alloc := types.GenesisAlloc{}
	for i := range Accounts {
		alloc[Address(i)] = types.Account{Balance: Balance()}
	}
	for a, acc := range extra {
		alloc[a] = acc
	}
	backend := simulated.NewBackend(alloc, func(_ *node.Config, ec *ethconfig.Config) {
		ec.Genesis.Config = Config()
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, errors.Join(fmt.Errorf("simchain: listen: %w", err), backend.Close())
	}
	c := &Chain{
		backend: backend,
		rpc:     rpcClient(backend.Client()),
		ln:      ln,
		url:     "http://" + ln.Addr().String(),
	}
	c.server = &http.Server{
		Handler:           c,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       60 * time.Second,
	}
	go func() { _ = c.server.Serve(ln) }()
	return c, nil
}

// rpcClient digs the in-process *rpc.Client out of the simulated backend's
// client. The backend's client type embeds *ethclient.Client in a field named
// Client, which hides that type's Client method, so it is read by reflection.
func rpcClient(c simulated.Client) *rpc.Client {
	f := reflect.Indirect(reflect.ValueOf(c)).FieldByName("Client")
	ec, ok := f.Interface().(*ethclient.Client)
	if !ok {
		panic("simchain: simulated client does not embed *ethclient.Client")
	}
	return ec.Client()
}

// URL returns the chain's JSON-RPC endpoint, http://127.0.0.1:port.
func (c *Chain) URL() string { return c.url }

// Client returns an in-process client of the chain. Transactions sent through
// it are not sealed automatically: call [Chain.Commit], or use a client of
// [Chain.URL].
func (c *Chain) Client() simulated.Client { return c.backend.Client() }

// Dial returns a JSON-RPC client of the chain over loopback HTTP.
func (c *Chain) Dial(ctx context.Context) (*ethclient.Client, error) {
	return ethclient.DialContext(ctx, c.url)
}

// Commit seals the pending transactions into a new block and returns its
// hash. After [Chain.Close] it does nothing and returns the zero hash, so a
// background miner racing the chain's shutdown is harmless.
func (c *Chain) Commit() common.Hash {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return common.Hash{}
	}
	return c.backend.Commit()
}

// AdjustTime seals an empty block whose timestamp is d later than it would
// otherwise be, moving the chain's clock forward. It fails if transactions
// are pending.
func (c *Chain) AdjustTime(d time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return errors.New("simchain: chain closed")
	}
	// The transaction pool drops the transactions of a sealed block in the
	// background, after the block is in the chain, and the backend refuses
	// to adjust the time while it still lists them as pending: right after
	// a Commit on a busy machine it may. Wait for that, briefly.
	var err error
	for range 100 {
		if err = c.backend.AdjustTime(d); err == nil || !strings.Contains(err.Error(), "non-empty block") {
			return err
		}
		time.Sleep(20 * time.Millisecond)
	}
	return fmt.Errorf("simchain: %w", err)
}

// Mine seals n empty blocks.
func (c *Chain) Mine(n int) {
	for range n {
		c.Commit()
	}
}

// Close stops the server and the chain. Closing twice is not an error.
func (c *Chain) Close() error {
	// Sealing stops first: a Commit under way finishes before closed is
	// set, and none starts after. The lock is not held during the shutdown,
	// which waits for RPC handlers that may themselves seal.
	c.mu.Lock()
	was := c.closed
	c.closed = true
	c.mu.Unlock()
	if was {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := c.server.Shutdown(ctx)
	return errors.Join(err, c.backend.Close())
}

// A request is one JSON-RPC call.
type request struct {
	JSONRPC string            `json:"jsonrpc"`
	ID      json.RawMessage   `json:"id"`
	Method  string            `json:"method"`
	Params  []json.RawMessage `json:"params"`
}

type rpcError struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
	Data    any    `json:"data,omitempty"`
}

type response struct {
	JSONRPC string          `json:"jsonrpc"`
	ID      json.RawMessage `json:"id"`
	Result  json.RawMessage `json:"result,omitempty"`
	Error   *rpcError       `json:"error,omitempty"`
}

// ServeHTTP answers JSON-RPC requests (single or batched) by forwarding them
// to the in-process node, and seals a block after each accepted transaction.
func (c *Chain) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		httpError(w, http.StatusMethodNotAllowed, "json-rpc wants POST", "method")
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		httpError(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("request body over %d bytes", maxBody), "body")
		return
	}
	body = bytes.TrimSpace(body)
	var out any
	if len(body) > 0 && body[0] == '[' {
		var reqs []request
		if err := json.Unmarshal(body, &reqs); err != nil {
			out = response{JSONRPC: "2.0", ID: json.RawMessage("null"), Error: &rpcError{Code: -32700, Message: "parse error"}}
		} else {
			resps := make([]response, len(reqs))
			for i, req := range reqs {
				resps[i] = c.call(r.Context(), req)
			}
			out = resps
		}
	} else {
		var req request
		if err := json.Unmarshal(body, &req); err != nil {
			out = response{JSONRPC: "2.0", ID: json.RawMessage("null"), Error: &rpcError{Code: -32700, Message: "parse error"}}
		} else {
			out = c.call(r.Context(), req)
		}
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(out)
}

// httpError answers a request that is not JSON-RPC at all.
func httpError(w http.ResponseWriter, status int, msg, code string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": msg, "code": code})
}

func (c *Chain) call(ctx context.Context, req request) response {
	resp := response{JSONRPC: "2.0", ID: req.ID}
	if len(resp.ID) == 0 {
		resp.ID = json.RawMessage("null")
	}
	args := make([]any, len(req.Params))
	for i, p := range req.Params {
		args[i] = p
	}
	var result json.RawMessage
	err := c.rpc.CallContext(ctx, &result, req.Method, args...)
	if err != nil {
		e := &rpcError{Code: -32000, Message: err.Error()}
		var coded rpc.Error
		if errors.As(err, &coded) {
			e.Code = coded.ErrorCode()
		}
		var data rpc.DataError
		if errors.As(err, &data) {
			e.Data = data.ErrorData()
		}
		resp.Error = e
		return resp
	}
	resp.Result = result
	if req.Method == "eth_sendRawTransaction" {
		c.Commit()
	}
	return resp
}
