package trustkernel

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math/big"
	"sync"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/accordsdk/accord/trustkernel/integrity"
	"github.com/accordsdk/accord/trustkernel/runtime"
)

// Full mode on chain: the controller's upgrade authority publishes a
// manifest's chunks ([integrity.Chunks]) with publishManifestChunks, which
// emits one ManifestChunk(root, index, count, chunk) event per chunk and
// keeps one storage slot per root, the [ManifestRecord].

// Defaults and bounds of a manifest publication.
const (
	// DefaultGasCeiling is the default largest gas limit of one
	// publication transaction: well under common block gas limits and
	// under the 2^24 per-transaction cap of EIP-7825.
	DefaultGasCeiling uint64 = 8_000_000
	// DefaultMaxTxBytes is the default largest call data of one publication
	// transaction. Nodes refuse transactions over 128 KiB (go-ethereum's
	// pool limit), so a transaction carries at most this much.
	DefaultMaxTxBytes = 120_000
	// minGasCeiling is the smallest ceiling accepted: one small chunk.
	minGasCeiling uint64 = 100_000
	// maxChunkBytesLimit bounds WithChunkBytes.
	maxChunkBytesLimit = 1 << 20
	// maxManifestChunks is the contract's MAX_MANIFEST_CHUNKS.
	maxManifestChunks = 1 << 20
)

// Gas model of publishManifestChunks under the Prague rules (EIP-2028 call
// data, EIP-7623 floor, EIP-2929 cold access), used to plan how many chunks
// fit in one transaction. It is an upper bound: TestManifestGasModel
// compares it with the gas the simulated chain charges.
const (
	txBaseGas          = 21_000
	standardTokenGas   = 4  // per call data token (EIP-7623)
	floorTokenGas      = 10 // per call data token, the floor (EIP-7623)
	publishFixedGas    = 60_000
	publishPerChunkGas = 3_000
	// publishPerWordGas covers LOG data (8 gas a byte), memory (3 a word,
	// plus the quadratic term, bounded by the byte limit of a transaction)
	// and ABI decoding of each 32-byte word of a chunk.
	publishPerWordGas = 8*32 + 3 + 3 + 40
)

// ManifestRecord is what the controller records of a full-mode manifest:
// Count chunks in all (0: nothing published for the root), Published of
// them so far, in order, and the blocks holding the first and the latest.
type ManifestRecord struct {
	Count      uint32
	Published  uint32
	FirstBlock uint64
	LastBlock  uint64
}

// Complete reports whether every chunk is published.
func (r ManifestRecord) Complete() bool { return r.Count != 0 && r.Published == r.Count }

// ManifestRecordCall is the read-only call of manifestRecord(root), for
// readers that make calls themselves; decode its answer with
// [DecodeManifestRecord].
func (c *Controller) ManifestRecordCall(root [32]byte) Call {
	return c.call("manifestRecord", c.abi.PackManifestRecord(root))
}

// ErrBadManifestRecord: manifestRecord returned bytes that are not the
// canonical encoding of a record, or an impossible record.
var ErrBadManifestRecord = errors.New("trustkernel: malformed manifest record")

// DecodeManifestRecord decodes what manifestRecord returned: four 32-byte
// words (count and published as uint32, firstBlock and lastBlock as
// uint64), canonical encoding only, with published <= count and
// firstBlock <= lastBlock.
func DecodeManifestRecord(out []byte) (ManifestRecord, error) {
	r, err := controllerABI.UnpackManifestRecord(out)
	if err != nil {
		return ManifestRecord{}, errorf("%w: %w", ErrBadManifestRecord, err)
	}
	rec := ManifestRecord{Count: r.Count, Published: r.Published, FirstBlock: r.FirstBlock, LastBlock: r.LastBlock}
	if !bytes.Equal(encodeManifestRecord(rec), out) {
		return ManifestRecord{}, fmt.Errorf("%w: %d bytes are not the canonical encoding", ErrBadManifestRecord, len(out))
	}
	if rec.Published > rec.Count || rec.FirstBlock > rec.LastBlock || rec.Count > maxManifestChunks {
		return ManifestRecord{}, fmt.Errorf("%w: %d of %d chunks in blocks %d..%d", ErrBadManifestRecord, rec.Published, rec.Count, rec.FirstBlock, rec.LastBlock)
	}
	return rec, nil
}

func encodeManifestRecord(r ManifestRecord) []byte {
	out := make([]byte, 4*32)
	new(big.Int).SetUint64(uint64(r.Count)).FillBytes(out[0:32])
	new(big.Int).SetUint64(uint64(r.Published)).FillBytes(out[32:64])
	new(big.Int).SetUint64(r.FirstBlock).FillBytes(out[64:96])
	new(big.Int).SetUint64(r.LastBlock).FillBytes(out[96:128])
	return out
}

// ManifestRecord reads the controller's record of root's full-mode
// manifest. opts may pin the block.
func (c *Controller) ManifestRecord(ctx context.Context, backend bind.ContractCaller, opts *bind.CallOpts, root [32]byte) (ManifestRecord, error) {
	out, err := call(ctx, backend, opts, c.Address, c.abi.PackManifestRecord(root))
	if err != nil {
		return ManifestRecord{}, errorf("manifest record of %x: %w", root, err)
	}
	rec, err := DecodeManifestRecord(out)
	if err != nil {
		return ManifestRecord{}, errorf("manifest record of %x: %w", root, err)
	}
	return rec, nil
}

// PublishManifestChunks publishes chunks first .. first+len(chunks)-1 of
// root's full-mode manifest, which has count chunks in all. Chunks go on
// chain in order and once each; the count is fixed by the first call.
// Upgrade authority, not while paused. [PlanManifest] builds these calls
// for a whole manifest under a gas ceiling.
func (c *Controller) PublishManifestChunks(root [32]byte, first, count uint32, chunks [][]byte) Call {
	return c.call("publishManifestChunks", c.abi.PackPublishManifestChunks(root, first, count, chunks))
}

// ManifestOption sets a limit of [PlanManifest] and [PublishManifest].
type ManifestOption func(*manifestConfig) error

type manifestConfig struct {
	gasCeiling uint64
	maxTxBytes int
	chunkBytes int
}

// WithGasCeiling sets the largest gas limit of one publication transaction
// (default [DefaultGasCeiling], at least 100,000).
func WithGasCeiling(gas uint64) ManifestOption {
	return func(c *manifestConfig) error {
		if gas < minGasCeiling {
			return errorf("gas ceiling %d, want at least %d", gas, minGasCeiling)
		}
		c.gasCeiling = gas
		return nil
	}
}

// WithMaxTxBytes sets the largest call data of one publication transaction
// (default [DefaultMaxTxBytes]).
func WithMaxTxBytes(n int) ManifestOption {
	return func(c *manifestConfig) error {
		if n < 1024 {
			return errorf("max transaction bytes %d, want at least 1024", n)
		}
		c.maxTxBytes = n
		return nil
	}
}

// WithChunkBytes sets the largest chunk ([integrity.Chunks]; default
// [integrity.DefaultChunkBytes]). A published manifest is read back with the chunks
// it was published with, so every publisher of one root must use the same
// size.
func WithChunkBytes(n int) ManifestOption {
	return func(c *manifestConfig) error {
		if n < integrity.MinChunkBytes || n > maxChunkBytesLimit {
			return errorf("chunk bytes %d, want %d..%d", n, integrity.MinChunkBytes, maxChunkBytesLimit)
		}
		c.chunkBytes = n
		return nil
	}
}

func newManifestConfig(opts []ManifestOption) (*manifestConfig, error) {
	c := &manifestConfig{gasCeiling: DefaultGasCeiling, maxTxBytes: DefaultMaxTxBytes, chunkBytes: integrity.DefaultChunkBytes}
	for _, opt := range opts {
		if err := opt(c); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// ManifestPlan is how a manifest goes on chain: its root, its chunks and
// the transactions that carry them, each under the gas ceiling and the
// byte limit.
type ManifestPlan struct {
	Root   [32]byte
	Chunks [][]byte
	Txs    []ManifestTx
}

// ManifestTx is one publication transaction: chunks First .. First+N-1.
type ManifestTx struct {
	Call     Call
	First, N int
	// Gas is an upper bound of the gas the transaction uses (the model of
	// Prague's rules), at most the ceiling. eth_estimateGas on Call gives
	// the chain's own figure.
	Gas uint64
}

// ErrGasCeiling: a single chunk does not fit in one transaction under the
// gas ceiling or the byte limit, or a node estimates a transaction above
// the ceiling.
var ErrGasCeiling = errors.New("trustkernel: manifest chunk does not fit under the gas ceiling")

// PlanManifest encodes m into full-mode chunks and groups them into
// publishManifestChunks calls of c, greedily, as many chunks per
// transaction as fit under the gas ceiling and the byte limit. It reads
// no chain: an estimate of the cost ([ManifestTx.Gas]) or a Safe
// transaction per call can be made from the plan before anything is sent.
func (c *Controller) PlanManifest(m *integrity.Manifest, opts ...ManifestOption) (*ManifestPlan, error) {
	cfg, err := newManifestConfig(opts)
	if err != nil {
		return nil, err
	}
	root, err := m.Root()
	if err != nil {
		return nil, err
	}
	chunks, err := integrity.Chunks(m, cfg.chunkBytes)
	if err != nil {
		return nil, err
	}
	if len(chunks) > maxManifestChunks {
		return nil, errorf("manifest needs %d chunks, the contract takes at most %d", len(chunks), maxManifestChunks)
	}
	txs, err := c.batch(root, chunks, 0, cfg)
	if err != nil {
		return nil, err
	}
	return &ManifestPlan{Root: root, Chunks: chunks, Txs: txs}, nil
}

// batch groups chunks first.. into publication transactions, greedily.
func (c *Controller) batch(root [32]byte, chunks [][]byte, first int, cfg *manifestConfig) ([]ManifestTx, error) {
	var txs []ManifestTx
	for first < len(chunks) {
		n := 0
		for first+n < len(chunks) {
			gas, size := publishCost(chunks[first : first+n+1])
			if gas > cfg.gasCeiling || size > cfg.maxTxBytes {
				break
			}
			n++
		}
		if n == 0 {
			gas, size := publishCost(chunks[first : first+1])
			return nil, fmt.Errorf("%w: chunk %d of %d bytes needs %d gas and %d bytes of call data, ceiling %d gas and %d bytes",
				ErrGasCeiling, first, len(chunks[first]), gas, size, cfg.gasCeiling, cfg.maxTxBytes)
		}
		batch := chunks[first : first+n]
		gas, _ := publishCost(batch)
		txs = append(txs, ManifestTx{
			Call:  c.PublishManifestChunks(root, uint32(first), uint32(len(chunks)), batch),
			First: first, N: n, Gas: gas,
		})
		first += n
	}
	return txs, nil
}

// publishCost is the gas model's bound and the call data size of one
// publishManifestChunks call carrying chunks.
func publishCost(chunks [][]byte) (gas uint64, size int) {
	// selector, root, first, count, offset of the array, its length, then
	// per chunk an offset, a length and the data padded to words.
	size = 4 + 6*32
	var zeros, words uint64
	// Head words are mostly zero bytes: count them all as zero except a
	// few bytes each (the worst case for the floor is non-zero, counted
	// below by the data).
	for _, c := range chunks {
		w := uint64(len(c)+31) / 32
		words += w
		size += 2*32 + int(w)*32
		for _, b := range c {
			if b == 0 {
				zeros++
			}
		}
		zeros += w*32 - uint64(len(c)) // padding
	}
	nonzero := uint64(size) - zeros
	// The head words (selector, root, offsets, lengths) have non-zero bytes
	// too; counting every byte not known to be zero as non-zero keeps this
	// an upper bound.
	tokens := zeros + 4*nonzero
	exec := publishFixedGas + uint64(len(chunks))*publishPerChunkGas + words*publishPerWordGas
	standard := txBaseGas + standardTokenGas*tokens + exec
	floor := txBaseGas + floorTokenGas*tokens
	return max(standard, floor), size
}

// ManifestPublication is what [PublishManifest] did.
type ManifestPublication struct {
	Plan *ManifestPlan
	// Skipped is how many chunks were already on chain and not sent again.
	Skipped int
	// Receipts are the receipts of the transactions sent, in order.
	Receipts []*types.Receipt
}

// GasUsed is the gas the sent transactions used in all.
func (p *ManifestPublication) GasUsed() uint64 {
	var g uint64
	for _, r := range p.Receipts {
		g += r.GasUsed
	}
	return g
}

// PublishManifest publishes m's full-mode manifest through controller c,
// sending [PlanManifest]'s transactions from opts.From (the upgrade
// authority, an EOA) one after another. It reads the controller's
// [ManifestRecord] first and sends only what is missing, so a publication
// cut short is finished by calling it again with the same options; chunks
// published with another chunk size are refused ([ErrBadChunkCount]). Each
// transaction's gas limit is the node's estimate plus headroom, never above
// the ceiling ([ErrGasCeiling] if the estimate is). A Safe upgrade
// authority signs a [SafeTx] for each of the plan's calls instead.
func PublishManifest(ctx context.Context, backend Backend, opts *bind.TransactOpts, c *Controller, m *integrity.Manifest, mopts ...ManifestOption) (*ManifestPublication, error) {
	cfg, err := newManifestConfig(mopts)
	if err != nil {
		return nil, err
	}
	plan, err := c.PlanManifest(m, mopts...)
	if err != nil {
		return nil, err
	}
	rec, err := c.ManifestRecord(ctx, backend, nil, plan.Root)
	if err != nil {
		return nil, err
	}
	if rec.Count != 0 && rec.Count != uint32(len(plan.Chunks)) {
		return nil, errorf("publish manifest %x: %w: %d chunks on chain, this plan has %d (another chunk size?)", plan.Root, ErrBadChunkCount, rec.Count, len(plan.Chunks))
	}
	pub := &ManifestPublication{Plan: plan, Skipped: int(rec.Published)}
	txs := plan.Txs
	if rec.Published > 0 {
		// Start where the chain stopped: the rest, grouped afresh.
		if txs, err = c.batch(plan.Root, plan.Chunks, int(rec.Published), cfg); err != nil {
			return nil, err
		}
	}
	for _, tx := range txs {
		to := tx.Call.To
		est, err := backend.EstimateGas(ctx, ethereum.CallMsg{From: opts.From, To: &to, Data: tx.Call.Data})
		if err != nil {
			return pub, errorf("publish manifest %x chunks %d..%d: %w", plan.Root, tx.First, tx.First+tx.N-1, DecodeRevertError(err))
		}
		if est > cfg.gasCeiling {
			return pub, fmt.Errorf("%w: chunks %d..%d estimated at %d gas, ceiling %d", ErrGasCeiling, tx.First, tx.First+tx.N-1, est, cfg.gasCeiling)
		}
		o := *opts
		o.GasLimit = min(est+est/8+gasHeadroom, cfg.gasCeiling)
		rcpt, err := Send(ctx, backend, &o, tx.Call)
		if err != nil {
			return pub, errorf("publish manifest %x chunks %d..%d: %w", plan.Root, tx.First, tx.First+tx.N-1, err)
		}
		pub.Receipts = append(pub.Receipts, rcpt)
	}
	return pub, nil
}

// manifestChunkTopic is the ManifestChunk event's signature hash.
var manifestChunkTopic = crypto.Keccak256Hash([]byte("ManifestChunk(bytes32,uint32,uint32,bytes)"))

// ManifestChunkTopic returns the topic of the controller's ManifestChunk
// event, keccak256("ManifestChunk(bytes32,uint32,uint32,bytes)"), for log
// filters.
func ManifestChunkTopic() common.Hash { return manifestChunkTopic }

// ManifestChunkLog is one decoded ManifestChunk event.
type ManifestChunkLog struct {
	Root         [32]byte
	Index, Count uint32
	Chunk        []byte
}

// ErrBadChunkLog: a log is not the canonical encoding of a ManifestChunk
// event.
var ErrBadChunkLog = errors.New("trustkernel: malformed manifest chunk log")

// DecodeManifestChunkLog decodes a ManifestChunk event (untrusted bytes
// from an endpoint). Its topics are the event's signature hash, the root
// and the index (a uint32 in a word); its data is the canonical ABI
// encoding of (uint32 count, bytes chunk): count, the offset 0x40, the
// chunk's length, and the chunk padded with zeros to a whole word. Any
// other form is refused, so endpoints that agree on the bytes agree on the
// chunk.
func DecodeManifestChunkLog(l *types.Log) (ManifestChunkLog, error) {
	bad := func(format string, args ...any) (ManifestChunkLog, error) {
		return ManifestChunkLog{}, fmt.Errorf("%w: %s", ErrBadChunkLog, fmt.Sprintf(format, args...))
	}
	if len(l.Topics) != 3 || l.Topics[0] != manifestChunkTopic {
		return bad("%d topics, not a ManifestChunk event", len(l.Topics))
	}
	index, ok := word32(l.Topics[2][:])
	if !ok {
		return bad("index topic %s is not a uint32", l.Topics[2].Hex())
	}
	d := l.Data
	if len(d) < 96 {
		return bad("%d bytes of data, want at least 96", len(d))
	}
	count, ok := word32(d[0:32])
	if !ok {
		return bad("count is not a uint32")
	}
	if off, ok := word32(d[32:64]); !ok || off != 64 {
		return bad("chunk offset is not 0x40")
	}
	n, ok := word32(d[64:96])
	if !ok || uint64(len(d)) != 96+(uint64(n)+31)/32*32 {
		return bad("chunk length does not match %d bytes of data", len(d))
	}
	for _, b := range d[96+n:] {
		if b != 0 {
			return bad("non-zero padding")
		}
	}
	return ManifestChunkLog{Root: l.Topics[1], Index: index, Count: count, Chunk: d[96 : 96+n]}, nil
}

// word32 reads a 32-byte big-endian word that must hold a uint32.
func word32(w []byte) (uint32, bool) {
	for _, b := range w[:28] {
		if b != 0 {
			return 0, false
		}
	}
	return binary.BigEndian.Uint32(w[28:32]), true
}

// ChainReader makes read-only calls and filters logs. A quorum reader
// ([quorum.Reader]) answers both at a block a quorum of endpoints agreed on;
// a single RPC client (wrapped to this shape) trusts one endpoint.
type ChainReader interface {
	Call(ctx context.Context, to common.Address, calldata []byte) ([]byte, error)
	FilterLogs(ctx context.Context, q ethereum.FilterQuery) ([]types.Log, error)
}

// ErrManifestIncomplete: the controller has not recorded every chunk of a
// root's full-mode manifest (or none at all).
var ErrManifestIncomplete = errors.New("trustkernel: full-mode manifest not completely published")

// FetchManifest reads root's full-mode manifest from controller through r:
// the [ManifestRecord] says how many chunks there are and between which
// blocks; the ManifestChunk events of the controller for root in those
// blocks must hold each index exactly once, with the recorded count; the
// chunks decode ([integrity.DecodeChunks]) to a manifest whose Merkle root is
// root ([integrity.ErrRootMismatch] otherwise). The manifest returned is therefore the
// one the upgrade authority published, whatever the endpoints did, as long
// as the reader's agreement holds.
func FetchManifest(ctx context.Context, r ChainReader, controller common.Address, root [32]byte) (*integrity.Manifest, error) {
	wrap := func(err error) error {
		return errorf("full-mode manifest %x of %s: %w", root[:8], controller.Hex(), err)
	}
	out, err := r.Call(ctx, controller, controllerABI.PackManifestRecord(root))
	if err != nil {
		return nil, wrap(DecodeRevertError(err))
	}
	rec, err := DecodeManifestRecord(out)
	if err != nil {
		return nil, wrap(err)
	}
	if !rec.Complete() {
		return nil, wrap(fmt.Errorf("%w: %d of %d chunks", ErrManifestIncomplete, rec.Published, rec.Count))
	}
	logs, err := r.FilterLogs(ctx, ethereum.FilterQuery{
		FromBlock: new(big.Int).SetUint64(rec.FirstBlock),
		ToBlock:   new(big.Int).SetUint64(rec.LastBlock),
		Addresses: []common.Address{controller},
		Topics:    [][]common.Hash{{manifestChunkTopic}, {root}},
	})
	if err != nil {
		return nil, wrap(err)
	}
	chunks := make([][]byte, rec.Count)
	for i := range logs {
		l := &logs[i]
		if l.Address != controller {
			return nil, wrap(fmt.Errorf("%w: log from %s", ErrBadChunkLog, l.Address.Hex()))
		}
		c, err := DecodeManifestChunkLog(l)
		if err != nil {
			return nil, wrap(err)
		}
		if c.Root != root || c.Count != rec.Count || c.Index >= rec.Count {
			return nil, wrap(fmt.Errorf("%w: chunk %d of %d for root %x, record says %d chunks", ErrBadChunkLog, c.Index, c.Count, c.Root[:8], rec.Count))
		}
		if chunks[c.Index] != nil {
			return nil, wrap(fmt.Errorf("%w: chunk %d twice", ErrBadChunkLog, c.Index))
		}
		chunks[c.Index] = c.Chunk
	}
	for i, c := range chunks {
		if c == nil {
			return nil, wrap(fmt.Errorf("%w: chunk %d of %d missing from blocks %d..%d", ErrManifestIncomplete, i, rec.Count, rec.FirstBlock, rec.LastBlock))
		}
	}
	m, err := integrity.DecodeChunks(chunks)
	if err != nil {
		return nil, wrap(err)
	}
	got, err := m.Root()
	if err != nil {
		return nil, wrap(err)
	}
	if got != root {
		return nil, wrap(fmt.Errorf("%w: chunks give %x", integrity.ErrRootMismatch, got))
	}
	return m, nil
}

// ChainManifests is the full-mode [runtime.ManifestSource] of a [runtime.Runtime]: it
// fetches a root's manifest from Controller's ManifestChunk events through
// Reader ([FetchManifest]), normally a [quorum.Reader]. It keeps the last
// manifest it fetched: a manifest is fetched only if it hashes to its root,
// so the one kept for a root stays right, and a runtime repeating a failed
// install check does not read the chain again. Use it by pointer; it is safe
// for concurrent use, and the manifests it returns must not be modified.
type ChainManifests struct {
	Reader     ChainReader
	Controller common.Address

	mu   sync.Mutex
	root [32]byte
	last *integrity.Manifest
}

// Manifest fetches root's full-mode manifest, or returns the one kept for
// root.
func (c *ChainManifests) Manifest(ctx context.Context, root [32]byte) (*integrity.Manifest, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.last != nil && c.root == root {
		return c.last, nil
	}
	m, err := FetchManifest(ctx, c.Reader, c.Controller, root)
	if err != nil {
		return nil, err
	}
	c.root, c.last = root, m
	return m, nil
}

// InstallCheck returns the runtime's install check for the configured mode
// (trust.web3.mode): in root_uri mode the manifest file at manifestPath
// ([runtime.WithInstall]); in full mode the per-file hashes from the controller's
// chain records, read through reader ([runtime.WithChainInstall] with
// [ChainManifests]), and manifestPath must be empty, since no file on the
// server is trusted for them.
func (c *Config) InstallCheck(dir, manifestPath string, reader ChainReader) (runtime.Option, error) {
	switch c.Mode {
	case ModeFull:
		if reader == nil {
			return nil, errorf("install check: full mode reads the manifest from chain and needs a reader")
		}
		if manifestPath != "" {
			return nil, errorf("install check: full mode reads the manifest from chain, not from %s", manifestPath)
		}
		return runtime.WithChainInstall(dir, &ChainManifests{Reader: reader, Controller: c.InstanceController}), nil
	case ModeRootURI, "":
		if manifestPath == "" {
			return nil, errorf("install check: root_uri mode needs the manifest file")
		}
		return runtime.WithInstall(dir, manifestPath), nil
	default:
		return nil, errorf("install check: mode %q", c.Mode)
	}
}

// EstimationCalls returns, for each transaction of plan, a call that the
// chain accepts now and that needs at least as much gas, for
// eth_estimateGas before anything is sent. The plan's own calls cannot be
// estimated in advance beyond the first: the contract refuses chunk k
// until chunks 0..k-1 are on chain. Each estimation call publishes the
// same chunks, with the same count, as the first ones of a root under
// which nothing is published (plan.Root with its bits inverted), which
// costs the same call data plus a fresh storage slot instead of an update
// (about 17,000 gas more): an upper bound of the real transaction.
func (c *Controller) EstimationCalls(plan *ManifestPlan) []Call {
	var probe [32]byte
	for i, b := range plan.Root {
		probe[i] = ^b
	}
	calls := make([]Call, len(plan.Txs))
	for i, tx := range plan.Txs {
		calls[i] = c.PublishManifestChunks(probe, 0, uint32(len(plan.Chunks)), plan.Chunks[tx.First:tx.First+tx.N])
	}
	return calls
}
