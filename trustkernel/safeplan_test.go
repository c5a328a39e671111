package trustkernel_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/stretchr/testify/require"

	"github.com/accordsdk/accord/trustkernel"
	"github.com/accordsdk/accord/trustkernel/simchain"
)

// clientReader is a [trustkernel.ChainReader] over one endpoint.
type clientReader struct{ *ethclient.Client }

func (c clientReader) Call(ctx context.Context, to common.Address, data []byte) ([]byte, error) {
	return c.CallContract(ctx, ethereum.CallMsg{To: &to, Data: data}, nil)
}

// TestSafeManifestPublication publishes a full-mode manifest through an
// upgrade authority that is a 2-of-3 Safe: one Safe transaction per planned
// publication at consecutive nonces, then the proposal. The owners sign them
// all up front; they execute only in order; a publication cut short is
// finished by a plan from the recorded count; every executed transaction
// stays under the limits the plan was given; the manifest read back from
// the chain's events is the one published.
func TestSafeManifestPublication(t *testing.T) {
	sf := newSafeFixture(t)
	ctx := context.Background()
	addr, _, err := trustkernel.CreateInstance(ctx, sf.client, chainOpts(0), sf.dep, trustkernel.InstanceParams{
		RootAuthority: simchain.Address(1), UpgradeAuthority: sf.safe, EmergencyAuthority: simchain.Address(3),
		GenesisRoot: h32("genesis"), Salt: h32("safe upgrade authority"),
	})
	require.NoError(t, err)
	ctl := trustkernel.NewController(addr)

	const maxTx = 6_000
	opts := []trustkernel.ManifestOption{trustkernel.WithChunkBytes(2048), trustkernel.WithMaxTxBytes(maxTx)}
	m := testManifest(t, 400)
	plan, err := ctl.PlanSafeManifest(m, 0, opts...)
	require.NoError(t, err)
	require.Greater(t, len(plan.Txs), 3)
	direct, err := ctl.PlanManifest(m, opts...)
	require.NoError(t, err)
	require.Equal(t, direct.Chunks, plan.Chunks, "the same chunks as a direct publication")
	for _, tx := range plan.Txs {
		require.LessOrEqual(t, len(tx.Call.Data), maxTx-trustkernel.SafeExecBytes)
	}

	// The cost estimate as the Safe counts the Safe transactions.
	q := trustkernel.CostQuery{Controller: addr, From: sf.safe, URI: "uri", TTL: time.Hour, Manifest: opts, Safe: true}
	est, err := trustkernel.EstimateModeCost(ctx, sf.client, q, m, trustkernel.ModeFull)
	require.NoError(t, err)
	require.Len(t, est.Txs, len(plan.Txs)+1)
	q.Safe = false
	est, err = trustkernel.EstimateModeCost(ctx, sf.client, q, m, trustkernel.ModeFull)
	require.NoError(t, err)
	require.Len(t, est.Txs, len(direct.Txs)+1)

	txs, err := trustkernel.SafeManifestTxs(sf.safe, simchain.ChainID, plan, 0)
	require.NoError(t, err)
	require.Len(t, txs, len(plan.Txs))
	sigs := make([][]trustkernel.SafeSignature, len(txs))
	for i, tx := range txs {
		require.Equal(t, uint64(i), tx.Nonce)
		require.Equal(t, plan.Txs[i].Call.Data, tx.Data)
		require.Equal(t, addr, tx.To)
		sigs[i] = sf.sign(t, tx, 5, 7)
	}

	// checkExec executes tx and checks the transaction against the limits.
	checkExec := func(tx *trustkernel.SafeTx, sigs []trustkernel.SafeSignature, planned trustkernel.ManifestTx) {
		t.Helper()
		rcpt, err := trustkernel.ExecSafeTx(ctx, sf.client, chainOpts(0), tx, sigs)
		require.NoError(t, err)
		sent, _, err := sf.client.TransactionByHash(ctx, rcpt.TxHash)
		require.NoError(t, err)
		require.LessOrEqual(t, len(sent.Data()), maxTx, "execTransaction's call data")
		require.LessOrEqual(t, rcpt.GasUsed, planned.Gas+trustkernel.SafeExecGas, "execTransaction's gas")
	}

	// Out of order: the Safe is at nonce 0.
	_, err = trustkernel.ExecSafeTx(ctx, sf.client, chainOpts(0), txs[1], sigs[1])
	require.ErrorIs(t, err, trustkernel.ErrSafeSignatures)
	checkExec(txs[0], sigs[0], plan.Txs[0])
	checkExec(txs[1], sigs[1], plan.Txs[1])

	// Cut short after two: a plan from the record carries the rest.
	rec, err := ctl.ManifestRecord(ctx, sf.client, nil, plan.Root)
	require.NoError(t, err)
	require.Equal(t, uint32(plan.Txs[2].First), rec.Published)
	require.False(t, rec.Complete())
	_, err = trustkernel.FetchManifest(ctx, clientReader{sf.client}, addr, plan.Root)
	require.ErrorIs(t, err, trustkernel.ErrManifestIncomplete)

	// A fresh plan from chunk 0 is refused by the controller, as a whole:
	// the nonce stays unspent.
	again, err := trustkernel.SafeManifestTxs(sf.safe, simchain.ChainID, plan, 2)
	require.NoError(t, err)
	_, err = trustkernel.ExecSafeTx(ctx, sf.client, chainOpts(0), again[0], sf.sign(t, again[0], 5, 6))
	require.ErrorIs(t, err, trustkernel.ErrChunkOutOfOrder)
	nonce, err := trustkernel.SafeNonce(ctx, sf.client, sf.safe)
	require.NoError(t, err)
	require.Equal(t, uint64(2), nonce)

	rest, err := ctl.PlanSafeManifest(m, rec.Published, opts...)
	require.NoError(t, err)
	require.Equal(t, int(rec.Published), rest.Txs[0].First)
	restTxs, err := trustkernel.SafeManifestTxs(sf.safe, simchain.ChainID, rest, nonce)
	require.NoError(t, err)
	for i, tx := range restTxs {
		checkExec(tx, sf.sign(t, tx, 6, 7), rest.Txs[i])
	}

	// The proposal takes the next nonce; the manifest is on chain.
	propose, err := ctl.ProposeUpgrade(plan.Root, h32("uri"), [32]byte{}, time.Hour)
	require.NoError(t, err)
	ptx := trustkernel.NewSafeTx(sf.safe, simchain.ChainID, propose, nonce+uint64(len(restTxs)))
	_, err = trustkernel.ExecSafeTx(ctx, sf.client, chainOpts(0), ptx, sf.sign(t, ptx, 5, 6))
	require.NoError(t, err)
	got, err := trustkernel.FetchManifest(ctx, clientReader{sf.client}, addr, plan.Root)
	require.NoError(t, err)
	require.Equal(t, m, got)
	s, err := ctl.Snapshot(ctx, sf.client, nil)
	require.NoError(t, err)
	require.Equal(t, plan.Root, s.PendingUpgrade.Root)

	// Everything is published: an empty plan, and nothing to sign.
	done, err := ctl.PlanSafeManifest(m, uint32(len(plan.Chunks)), opts...)
	require.NoError(t, err)
	require.Empty(t, done.Txs)
}

// TestPlanSafeManifestLimits: the Safe's reserve must leave room under the
// limits, and the published count must fit the plan.
func TestPlanSafeManifestLimits(t *testing.T) {
	ctl := trustkernel.NewController(common.Address{1})
	m := testManifest(t, 50)
	_, err := ctl.PlanSafeManifest(m, 0, trustkernel.WithMaxTxBytes(2_000))
	require.ErrorContains(t, err, "through a Safe needs at least")
	_, err = ctl.PlanSafeManifest(m, 0, trustkernel.WithGasCeiling(300_000))
	require.ErrorContains(t, err, "through a Safe needs at least")
	_, err = ctl.PlanSafeManifest(m, 0, trustkernel.WithMaxTxBytes(100))
	require.Error(t, err)
	plan, err := ctl.PlanSafeManifest(m, 0)
	require.NoError(t, err)
	_, err = ctl.PlanSafeManifest(m, uint32(len(plan.Chunks)+1))
	require.ErrorIs(t, err, trustkernel.ErrBadChunkCount)
	_, err = trustkernel.SafeManifestTxs(common.Address{}, simchain.ChainID, plan, 0)
	require.ErrorIs(t, err, trustkernel.ErrZeroAddress)
	// With the default limits a Safe transaction stays under a node's
	// 128 KiB pool limit.
	big, err := ctl.PlanSafeManifest(testManifest(t, 5_000), 0)
	require.NoError(t, err)
	require.Greater(t, len(big.Txs), 1)
	for _, tx := range big.Txs {
		require.LessOrEqual(t, len(tx.Call.Data)+trustkernel.SafeExecBytes, trustkernel.DefaultMaxTxBytes)
	}
}

// TestDecodePublishManifestChunks: the planned calls decode back to their
// chunks; anything but the canonical encoding is refused.
func TestDecodePublishManifestChunks(t *testing.T) {
	ctl := trustkernel.NewController(common.Address{1})
	m := testManifest(t, 300)
	plan, err := ctl.PlanSafeManifest(m, 0, trustkernel.WithChunkBytes(2048), trustkernel.WithMaxTxBytes(8000))
	require.NoError(t, err)
	require.Greater(t, len(plan.Txs), 1)
	for _, tx := range plan.Txs {
		c, err := trustkernel.DecodePublishManifestChunks(tx.Call.Data)
		require.NoError(t, err)
		require.Equal(t, plan.Root, c.Root)
		require.Equal(t, uint32(tx.First), c.First)
		require.Equal(t, uint32(len(plan.Chunks)), c.Count)
		require.Equal(t, plan.Chunks[tx.First:tx.First+tx.N], c.Chunks)
	}
	good := plan.Txs[0].Call.Data
	for name, data := range map[string][]byte{
		"empty":         nil,
		"other method":  ctl.Pause().Data,
		"truncated":     good[:len(good)-1],
		"trailing byte": append(append([]byte{}, good...), 0),
		"dirty padding": func() []byte { d := append([]byte{}, good...); d[len(d)-1] = 1; return d }(),
		"wide first":    func() []byte { d := append([]byte{}, good...); d[4+32+27] = 1; return d }(),
	} {
		_, err := trustkernel.DecodePublishManifestChunks(data)
		require.ErrorIs(t, err, trustkernel.ErrBadPublishCall, name)
	}
}

func FuzzDecodePublishManifestChunks(f *testing.F) {
	ctl := trustkernel.NewController(common.Address{1})
	f.Add(ctl.PublishManifestChunks([32]byte{1}, 0, 2, [][]byte{{1, 2, 3}}).Data)
	f.Add(ctl.PublishManifestChunks([32]byte{2}, 1, 3, [][]byte{{}, make([]byte, 40)}).Data)
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := trustkernel.DecodePublishManifestChunks(data)
		if err != nil {
			return
		}
		if again := ctl.PublishManifestChunks(c.Root, c.First, c.Count, c.Chunks).Data; !bytes.Equal(again, data) {
			t.Fatalf("decoded %x, re-encodes to %x", data, again)
		}
	})
}
