package trustkernel_test

import (
	"context"
	"crypto/sha256"
	"fmt"
	"math/big"
	"testing"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/stretchr/testify/require"

	"github.com/accordsdk/accord/trustkernel"
	"github.com/accordsdk/accord/trustkernel/integrity"
	"github.com/accordsdk/accord/trustkernel/internal/bindings"
	"github.com/accordsdk/accord/trustkernel/simchain"
)

func controllerABI() *bindings.InstanceController { return bindings.NewInstanceController() }

// testManifest is a manifest of n files named like an install tree
// ("app/modNNN/fileNNNNN.php"), with the SHA-256 of their names as hashes.
func testManifest(t testing.TB, n int) *integrity.Manifest {
	t.Helper()
	files := make(map[string][32]byte, n)
	for i := range n {
		p := fmt.Sprintf("app/mod%03d/file%05d.php", i/100, i)
		files[p] = sha256.Sum256([]byte(p))
	}
	m, err := integrity.New(files)
	require.NoError(t, err)
	return m
}

// TestManifestChunkRules checks the contract's rules for full-mode chunks:
// upgrade authority only, not while paused, a fixed count, in order and
// once each, never more than the count.
func TestManifestChunkRules(t *testing.T) {
	f := newChainFixture(t)
	ctx := context.Background()
	ctl := f.instance(t, "chunk rules")
	root := h32("manifest root")
	c := [][]byte{[]byte("chunk 0"), []byte("chunk 1"), []byte("chunk 2")}
	pub := func(first, count uint32, chunks ...[]byte) func() (trustkernel.Call, error) {
		return ok(ctl.PublishManifestChunks(root, first, count, chunks))
	}
	record := func(t *testing.T) trustkernel.ManifestRecord {
		r, err := ctl.ManifestRecord(ctx, f.client, nil, root)
		require.NoError(t, err)
		return r
	}
	runSteps(t, f, []step{
		{name: "by the root authority", from: roleRoot, call: pub(0, 3, c[0]), wantErr: trustkernel.ErrUnauthorized},
		{name: "zero root", from: roleUpgrade, call: ok(ctl.PublishManifestChunks([32]byte{}, 0, 3, c[:1])), wantErr: trustkernel.ErrZeroRoot},
		{name: "zero count", from: roleUpgrade, call: pub(0, 0, c[0]), wantErr: trustkernel.ErrBadChunkCount},
		{name: "count over the maximum", from: roleUpgrade, call: pub(0, 1<<20+1, c[0]), wantErr: trustkernel.ErrBadChunkCount},
		{name: "starting at chunk 1", from: roleUpgrade, call: pub(1, 3, c[1]), wantErr: trustkernel.ErrChunkOutOfOrder},
		{name: "no chunk", from: roleUpgrade, call: pub(0, 3), wantErr: trustkernel.ErrTooManyChunks},
		{name: "four chunks of three", from: roleUpgrade, call: pub(0, 3, c[0], c[1], c[2], c[0]), wantErr: trustkernel.ErrTooManyChunks},
		{name: "chunk 0", from: roleUpgrade, call: pub(0, 3, c[0]), after: func(t *testing.T) {
			r := record(t)
			require.Equal(t, uint32(3), r.Count)
			require.Equal(t, uint32(1), r.Published)
			require.False(t, r.Complete())
			require.Equal(t, r.FirstBlock, r.LastBlock)
		}},
		{name: "chunk 0 again", from: roleUpgrade, call: pub(0, 3, c[0]), wantErr: trustkernel.ErrChunkOutOfOrder},
		{name: "another count", from: roleUpgrade, call: pub(1, 4, c[1]), wantErr: trustkernel.ErrBadChunkCount},
		{name: "three more of three", from: roleUpgrade, call: pub(1, 3, c[1], c[2], c[0]), wantErr: trustkernel.ErrTooManyChunks},
		{name: "pause", from: roleEmergency, call: ok(ctl.Pause())},
		{name: "while paused", from: roleUpgrade, call: pub(1, 3, c[1]), wantErr: trustkernel.ErrControllerPaused},
		{name: "unpause", from: roleEmergency, call: ok(ctl.Unpause())},
		{name: "chunks 1 and 2", from: roleUpgrade, call: pub(1, 3, c[1], c[2]), after: func(t *testing.T) {
			r := record(t)
			require.True(t, r.Complete())
			require.Less(t, r.FirstBlock, r.LastBlock)
		}},
		{name: "after completion", from: roleUpgrade, call: pub(3, 3, c[0]), wantErr: trustkernel.ErrTooManyChunks},
	})
	none, err := ctl.ManifestRecord(ctx, f.client, nil, h32("other root"))
	require.NoError(t, err)
	require.Equal(t, trustkernel.ManifestRecord{}, none)
}

// TestPublishManifest10kFiles publishes the manifest of a 10,000-file
// install under an 8M gas ceiling: it is split across transactions, each
// within the ceiling and the gas model's bound, and a publication cut short
// is finished by calling PublishManifest again.
func TestPublishManifest10kFiles(t *testing.T) {
	f := newChainFixture(t)
	ctx := context.Background()
	ctl := f.instance(t, "10k")
	m := testManifest(t, 10_000)
	plan, err := ctl.PlanManifest(m)
	require.NoError(t, err)
	require.Greater(t, len(plan.Txs), 2, "10,000 files do not fit one transaction")
	total := 0
	for i, tx := range plan.Txs {
		require.Equal(t, total, tx.First, "tx %d", i)
		require.LessOrEqual(t, tx.Gas, trustkernel.DefaultGasCeiling)
		require.LessOrEqual(t, len(tx.Call.Data), trustkernel.DefaultMaxTxBytes)
		total += tx.N
	}
	require.Equal(t, len(plan.Chunks), total)

	// Estimates made before anything is sent bound what each transaction
	// uses.
	estimates := make([]uint64, len(plan.Txs))
	for i, c := range ctl.EstimationCalls(plan) {
		to := c.To
		estimates[i], err = f.client.EstimateGas(ctx, ethereum.CallMsg{From: simchain.Address(roleUpgrade), To: &to, Data: c.Data})
		require.NoError(t, err, "estimate of transaction %d", i)
	}
	to := plan.Txs[1].Call.To
	_, err = f.client.EstimateGas(ctx, ethereum.CallMsg{From: simchain.Address(roleUpgrade), To: &to, Data: plan.Txs[1].Call.Data})
	require.ErrorIs(t, trustkernel.DecodeRevertError(err), trustkernel.ErrChunkOutOfOrder, "the plan's own second call cannot be estimated first")

	// Send the first transaction by hand, as a publication cut short.
	_, err = trustkernel.Send(ctx, f.client, chainOpts(roleUpgrade), plan.Txs[0].Call)
	require.NoError(t, err)
	pub, err := trustkernel.PublishManifest(ctx, f.client, chainOpts(roleUpgrade), ctl, m)
	require.NoError(t, err)
	require.Equal(t, plan.Txs[0].N, pub.Skipped)
	require.Len(t, pub.Receipts, len(plan.Txs)-1)
	for i, r := range pub.Receipts {
		tx := plan.Txs[i+1]
		require.LessOrEqual(t, r.GasUsed, tx.Gas, "the model bounds the gas used")
		require.LessOrEqual(t, r.GasUsed, estimates[i+1], "the estimation call bounds the gas used")
		require.Less(t, estimates[i+1]-r.GasUsed, uint64(40_000), "and is close")
		require.LessOrEqual(t, r.GasUsed, trustkernel.DefaultGasCeiling)
		require.Len(t, r.Logs, tx.N+boolInt(i == len(pub.Receipts)-1), "one event a chunk, and ManifestPublished at the end")
	}
	rec, err := ctl.ManifestRecord(ctx, f.client, nil, plan.Root)
	require.NoError(t, err)
	require.True(t, rec.Complete())
	var bytes int
	for _, c := range plan.Chunks {
		bytes += len(c)
	}
	t.Logf("10,000 files: %d chunks, %d bytes, %d transactions; the last %d used %d gas", len(plan.Chunks), bytes, len(plan.Txs), len(pub.Receipts), pub.GasUsed())
	require.Equal(t, uint32(len(plan.Chunks)), rec.Count)

	again, err := trustkernel.PublishManifest(ctx, f.client, chainOpts(roleUpgrade), ctl, m)
	require.NoError(t, err, "publishing a complete manifest again sends nothing")
	require.Empty(t, again.Receipts)
	_, err = trustkernel.PublishManifest(ctx, f.client, chainOpts(roleUpgrade), ctl, m, trustkernel.WithChunkBytes(8<<10))
	require.ErrorIs(t, err, trustkernel.ErrBadChunkCount, "another chunk size cannot be mixed in")

	// Read the chunks back from the events and decode them.
	logs, err := f.client.FilterLogs(ctx, ethereum.FilterQuery{
		FromBlock: new(big.Int).SetUint64(rec.FirstBlock), ToBlock: new(big.Int).SetUint64(rec.LastBlock),
		Addresses: []common.Address{ctl.Address},
		Topics:    [][]common.Hash{{trustkernel.ManifestChunkTopic()}, {plan.Root}},
	})
	require.NoError(t, err)
	require.Len(t, logs, len(plan.Chunks))
	chunks := make([][]byte, len(logs))
	for i := range logs {
		ev, err := controllerABI().UnpackManifestChunkEvent(&logs[i])
		require.NoError(t, err)
		require.Equal(t, uint32(i), ev.Index)
		chunks[i] = ev.Chunk
	}
	back, err := integrity.DecodeChunks(chunks)
	require.NoError(t, err)
	gotRoot, err := back.Root()
	require.NoError(t, err)
	require.Equal(t, plan.Root, gotRoot)
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// TestManifestPlanLimits checks the planner's limits: a ceiling too low for
// one chunk is refused before anything is sent, and lower limits make more,
// smaller transactions.
func TestManifestPlanLimits(t *testing.T) {
	ctl := trustkernel.NewController(common.HexToAddress("0x1000000000000000000000000000000000000001"))
	m := testManifest(t, 2_000)
	_, err := ctl.PlanManifest(m, trustkernel.WithGasCeiling(200_000))
	require.ErrorIs(t, err, trustkernel.ErrGasCeiling)
	_, err = ctl.PlanManifest(m, trustkernel.WithGasCeiling(99_999))
	require.Error(t, err)
	_, err = ctl.PlanManifest(m, trustkernel.WithChunkBytes(10))
	require.Error(t, err)
	wide, err := ctl.PlanManifest(m)
	require.NoError(t, err)
	narrow, err := ctl.PlanManifest(m, trustkernel.WithGasCeiling(1_500_000))
	require.NoError(t, err)
	require.Greater(t, len(narrow.Txs), len(wide.Txs))
	for _, tx := range narrow.Txs {
		require.LessOrEqual(t, tx.Gas, uint64(1_500_000))
	}
	small, err := ctl.PlanManifest(m, trustkernel.WithMaxTxBytes(20_000))
	require.NoError(t, err)
	for _, tx := range small.Txs {
		require.LessOrEqual(t, len(tx.Call.Data), 20_000)
	}
	require.Equal(t, wide.Root, small.Root)
}

// storageProbe is EVM code that stores its call data in storage, one
// 32-byte word per slot, slot = offset: the cheapest way a contract can
// keep bytes in storage word by word (SSTORE of a fresh slot, EIP-2929).
// Runtime code:
//
//	00 PUSH1 0        o = 0
//	02 JUMPDEST       loop:
//	03 CALLDATASIZE
//	04 DUP2
//	05 LT             o < size
//	06 ISZERO
//	07 PUSH1 0x14
//	09 JUMPI          if o >= size goto end
//	0a DUP1
//	0b CALLDATALOAD   word = calldata[o:o+32]
//	0c DUP2
//	0d SSTORE         storage[o] = word
//	0e PUSH1 32
//	10 ADD            o += 32
//	11 PUSH1 2
//	13 JUMP
//	14 JUMPDEST       end:
//	15 STOP
const storageProbeRuntime = "6000" + "5b" + "36" + "81" + "10" + "15" + "6014" + "57" + "80" + "35" + "81" + "55" + "6020" + "01" + "6002" + "56" + "5b" + "00"

// TestManifestGasEventsVersusStorage measures, on the simulated chain, the
// gas per manifest byte of the two ways full mode could keep chunks on
// chain: events (publishManifestChunks) and storage (one slot per word,
// the storage probe). The doc's choice of events rests on these figures;
// run with -v to see them.
func TestManifestGasEventsVersusStorage(t *testing.T) {
	f := newChainFixture(t)
	ctx := context.Background()
	ctl := f.instance(t, "gas")
	m := testManifest(t, 1_000)
	plan, err := ctl.PlanManifest(m)
	require.NoError(t, err)
	tx := plan.Txs[0]
	var data int
	for _, c := range plan.Chunks[tx.First : tx.First+tx.N] {
		data += len(c)
	}
	rcpt, err := trustkernel.Send(ctx, f.client, chainOpts(roleUpgrade), tx.Call)
	require.NoError(t, err)
	events := float64(rcpt.GasUsed) / float64(data)

	// Deploy the probe: init code copies the runtime code and returns it.
	runtime := common.FromHex(storageProbeRuntime)
	initCode := append([]byte{0x60, byte(len(runtime)), 0x80, 0x60, 0x0b, 0x60, 0x00, 0x39, 0x60, 0x00, 0xf3}, runtime...)
	probe, _, err := bind.DeployContract(chainOpts(5), initCode, f.client, nil)
	require.NoError(t, err)
	require.NoError(t, waitCode(ctx, f, probe))
	// The same chunk bytes (cut to whole words) into storage; a share of
	// them, since the whole would not fit one block.
	payload := plan.Chunks[0][:len(plan.Chunks[0])/32*32]
	payload = payload[:min(len(payload), 8192)]
	prcpt, err := trustkernel.Send(ctx, f.client, chainOpts(5), trustkernel.Call{Method: "store", To: probe, Data: payload})
	require.NoError(t, err)
	stored := make([]byte, 32)
	got, err := f.client.StorageAt(ctx, probe, common.BigToHash(big.NewInt(32)), nil)
	require.NoError(t, err)
	copy(stored, got)
	require.Equal(t, payload[32:64], stored, "the probe stored the words")
	storage := float64(prcpt.GasUsed) / float64(len(payload))

	t.Logf("events: %d gas for %d bytes in %d chunks = %.1f gas/byte", rcpt.GasUsed, data, tx.N, events)
	t.Logf("storage: %d gas for %d bytes = %.1f gas/byte (%.1fx events)", prcpt.GasUsed, len(payload), storage, storage/events)
	require.Less(t, events, 50.0, "events cost about the call data floor")
	require.Greater(t, storage, 600.0, "a fresh slot costs 22,100 gas for 32 bytes")
	require.Greater(t, storage/events, 10.0)
}

func waitCode(ctx context.Context, f *chainFixture, a common.Address) error {
	code, err := f.client.CodeAt(ctx, a, nil)
	if err != nil {
		return err
	}
	if len(code) == 0 {
		return fmt.Errorf("no code at %s", a.Hex())
	}
	return nil
}

// chunkLogData packs (count, chunk) with the contract's ABI, an encoder
// independent of DecodeManifestChunkLog.
func chunkLogData(t testing.TB, count uint32, chunk []byte) []byte {
	t.Helper()
	ev := controllerABI().GetABI().Events["ManifestChunk"]
	data, err := ev.Inputs.NonIndexed().Pack(count, chunk)
	require.NoError(t, err)
	return data
}

func TestDecodeManifestChunkLog(t *testing.T) {
	root := h32("root")
	good := types.Log{
		Topics: []common.Hash{trustkernel.ManifestChunkTopic(), root, common.BigToHash(big.NewInt(3))},
		Data:   chunkLogData(t, 5, []byte("TKM1 chunk bytes")),
	}
	c, err := trustkernel.DecodeManifestChunkLog(&good)
	require.NoError(t, err)
	require.Equal(t, trustkernel.ManifestChunkLog{Root: root, Index: 3, Count: 5, Chunk: []byte("TKM1 chunk bytes")}, c)

	mutate := func(f func(l *types.Log)) *types.Log {
		l := good
		l.Topics = append([]common.Hash(nil), good.Topics...)
		l.Data = append([]byte(nil), good.Data...)
		f(&l)
		return &l
	}
	for name, l := range map[string]*types.Log{
		"other event":       mutate(func(l *types.Log) { l.Topics[0] = h32("Other()") }),
		"two topics":        mutate(func(l *types.Log) { l.Topics = l.Topics[:2] }),
		"index over uint32": mutate(func(l *types.Log) { l.Topics[2][27] = 1 }),
		"count over uint32": mutate(func(l *types.Log) { l.Data[27] = 1 }),
		"offset not 0x40":   mutate(func(l *types.Log) { l.Data[63] = 0x60 }),
		"length too long":   mutate(func(l *types.Log) { l.Data[95] = 33 }),
		"dirty padding":     mutate(func(l *types.Log) { l.Data[len(l.Data)-1] = 1 }),
		"extra word":        mutate(func(l *types.Log) { l.Data = append(l.Data, make([]byte, 32)...) }),
		"short":             mutate(func(l *types.Log) { l.Data = l.Data[:95] }),
	} {
		_, err := trustkernel.DecodeManifestChunkLog(l)
		require.ErrorIs(t, err, trustkernel.ErrBadChunkLog, name)
	}
}

// FuzzDecodeManifestChunkLog: only ErrBadChunkLog comes back, and what is
// accepted is exactly the contract ABI's encoding of what was decoded.
func FuzzDecodeManifestChunkLog(f *testing.F) {
	f.Add(uint32(3), chunkLogData(f, 5, []byte("TKM1 chunk bytes")))
	f.Add(uint32(0), []byte{})
	f.Add(uint32(1), chunkLogData(f, 1, nil))
	f.Fuzz(func(t *testing.T, index uint32, data []byte) {
		l := &types.Log{Topics: []common.Hash{trustkernel.ManifestChunkTopic(), h32("root"), common.BigToHash(new(big.Int).SetUint64(uint64(index)))}, Data: data}
		c, err := trustkernel.DecodeManifestChunkLog(l)
		if err != nil {
			require.ErrorIs(t, err, trustkernel.ErrBadChunkLog)
			return
		}
		require.Equal(t, index, c.Index)
		require.Equal(t, data, chunkLogData(t, c.Count, c.Chunk))
	})
}

// FuzzDecodeManifestRecord: only ErrBadManifestRecord comes back, and an
// accepted record is four words that re-pack to the same bytes.
func FuzzDecodeManifestRecord(f *testing.F) {
	out, err := controllerABI().GetABI().Methods["manifestRecord"].Outputs.Pack(bindings.InstanceControllerManifestRecord{Count: 3, Published: 2, FirstBlock: 10, LastBlock: 12})
	require.NoError(f, err)
	f.Add(out)
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := trustkernel.DecodeManifestRecord(data)
		if err != nil {
			require.ErrorIs(t, err, trustkernel.ErrBadManifestRecord)
			return
		}
		require.LessOrEqual(t, r.Published, r.Count)
		again, err := controllerABI().GetABI().Methods["manifestRecord"].Outputs.Pack(bindings.InstanceControllerManifestRecord{
			Count: r.Count, Published: r.Published, FirstBlock: r.FirstBlock, LastBlock: r.LastBlock})
		require.NoError(t, err)
		require.Equal(t, data, again)
	})
}
