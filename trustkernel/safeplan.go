package trustkernel

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/common"

	"github.com/accordsdk/accord/trustkernel/integrity"
	"github.com/accordsdk/accord/trustkernel/internal/bindings"
)

// What a Safe's execTransaction adds around one inner call, as
// [Controller.PlanSafeManifest] reserves it under the publication limits.
const (
	// SafeExecBytes is the call data execTransaction adds to the inner
	// call's: ten head words, the data and signature length words, the
	// data's padding and the owners' signatures (65 bytes each, up to 24
	// owners).
	SafeExecBytes = 2_048
	// SafeExecGas bounds the gas execTransaction adds to the inner call's:
	// the extra call data (also under the EIP-7623 floor), copying and
	// hashing the data, one signature check per owner (up to 24), the
	// nonce update and the Safe's events.
	SafeExecGas uint64 = 400_000
)

// PlanSafeManifest is [Controller.PlanManifest] for an upgrade authority
// that is a Safe. Each publication is executed through the Safe's
// execTransaction, which carries the inner call's data plus up to
// [SafeExecBytes] and uses up to [SafeExecGas] more, so the plan groups the
// chunks under the gas ceiling and byte limit of the options lowered by
// those amounts: every executed transaction then stays under the limits
// given. published is the number of chunks already on chain for the
// manifest's root (the controller's [ManifestRecord].Published, 0 for a
// fresh publication): the plan's Txs carry the chunks after them, grouped
// afresh, while Chunks is still the whole manifest.
//
// The options must be the ones the published chunks were made with: the
// chunk size fixes the count the controller recorded.
func (c *Controller) PlanSafeManifest(m *integrity.Manifest, published uint32, opts ...ManifestOption) (*ManifestPlan, error) {
	cfg, err := newManifestConfig(opts)
	if err != nil {
		return nil, err
	}
	if cfg.gasCeiling < minGasCeiling+SafeExecGas {
		return nil, errorf("gas ceiling %d: a publication through a Safe needs at least %d", cfg.gasCeiling, minGasCeiling+SafeExecGas)
	}
	if cfg.maxTxBytes < 1024+SafeExecBytes {
		return nil, errorf("max transaction bytes %d: a publication through a Safe needs at least %d", cfg.maxTxBytes, 1024+SafeExecBytes)
	}
	cfg.gasCeiling -= SafeExecGas
	cfg.maxTxBytes -= SafeExecBytes
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
	if int(published) > len(chunks) {
		return nil, errorf("plan manifest %x: %w: %d chunks published, this plan has %d (another chunk size?)", root, ErrBadChunkCount, published, len(chunks))
	}
	txs, err := c.batch(root, chunks, int(published), cfg)
	if err != nil {
		return nil, err
	}
	return &ManifestPlan{Root: root, Chunks: chunks, Txs: txs}, nil
}

// SafeManifestTxs wraps each publication of plan in a [SafeTx] of the Safe
// safe on chain chainID, with nonces nonce, nonce+1, ... in the plan's order.
// Owners may sign them all at once; they execute only in nonce order, which
// is the order the controller accepts the chunks in (a Safe transaction whose
// chunks the controller refuses reverts as a whole and leaves the nonce
// unspent). The proposal that follows takes nonce + len(plan.Txs). Use a
// plan from [Controller.PlanSafeManifest], whose transactions leave room for
// the Safe's own call data and gas.
func SafeManifestTxs(safe common.Address, chainID uint64, plan *ManifestPlan, nonce uint64) ([]*SafeTx, error) {
	if safe == (common.Address{}) {
		return nil, errorf("safe manifest transactions: %w", ErrZeroAddress)
	}
	txs := make([]*SafeTx, len(plan.Txs))
	for i, tx := range plan.Txs {
		txs[i] = NewSafeTx(safe, chainID, tx.Call, nonce+uint64(i))
	}
	return txs, nil
}

// ErrBadPublishCall means call data is not the canonical ABI encoding of
// a publishManifestChunks call.
var ErrBadPublishCall = errors.New("trustkernel: not a canonical publishManifestChunks call")

// A ManifestChunksCall is a decoded publishManifestChunks call: chunks
// First .. First+len(Chunks)-1 of the Count chunks of Root's manifest.
type ManifestChunksCall struct {
	Root   [32]byte
	First  uint32
	Count  uint32
	Chunks [][]byte
}

// DecodePublishManifestChunks decodes the call data of a
// publishManifestChunks call, such as a Safe transaction file carries, so
// that an owner can see (and check against the manifest under review)
// what they sign. Only the canonical encoding is accepted: the data must
// be exactly what [Controller.PublishManifestChunks] encodes for the
// decoded values ([ErrBadPublishCall] otherwise).
func DecodePublishManifestChunks(data []byte) (*ManifestChunksCall, error) {
	method, ok := controllerMethods.Methods["publishManifestChunks"]
	if !ok {
		panic("trustkernel: publishManifestChunks missing from the controller ABI")
	}
	if len(data) < 4 || !bytes.Equal(data[:4], method.ID) {
		return nil, fmt.Errorf("%w: selector", ErrBadPublishCall)
	}
	vals, err := method.Inputs.Unpack(data[4:])
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadPublishCall, err)
	}
	c := &ManifestChunksCall{}
	var ok1, ok2, ok3, ok4 bool
	c.Root, ok1 = vals[0].([32]byte)
	c.First, ok2 = vals[1].(uint32)
	c.Count, ok3 = vals[2].(uint32)
	c.Chunks, ok4 = vals[3].([][]byte)
	if !ok1 || !ok2 || !ok3 || !ok4 {
		return nil, fmt.Errorf("%w: argument types", ErrBadPublishCall)
	}
	if !bytes.Equal(controllerABI.PackPublishManifestChunks(c.Root, c.First, c.Count, c.Chunks), data) {
		return nil, fmt.Errorf("%w: not the canonical encoding", ErrBadPublishCall)
	}
	return c, nil
}

// controllerMethods is the controller's parsed ABI, for decoding call data.
var controllerMethods = func() *abi.ABI {
	a, err := bindings.InstanceControllerMetaData.ParseABI()
	if err != nil {
		panic("trustkernel: controller ABI: " + err.Error())
	}
	return a
}()
