package trustkernel_test

import (
	"context"
	"fmt"
	"log"
	"math/big"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accordsdk/accord/trustkernel"
	"github.com/accordsdk/accord/trustkernel/integrity"
	"github.com/accordsdk/accord/trustkernel/simchain"
)

// TestEstimateModeCost: the estimate comes from the chain (eth_estimateGas
// and eth_gasPrice), covers the transaction that is then sent, and a call
// the chain would refuse is refused with its decoded revert.
func TestEstimateModeCost(t *testing.T) {
	f := newChainFixture(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	ctl := f.instance(t, "cost")
	m, err := integrity.New(map[string][32]byte{"bin/app": h32("app"), "etc/app.conf": h32("conf")})
	require.NoError(t, err)
	q := trustkernel.CostQuery{Controller: ctl.Address, From: simchain.Address(2), URI: "https://releases.example/app/2.json", TTL: time.Hour}

	est, err := trustkernel.EstimateModeCost(ctx, f.client, q, m, trustkernel.ModeRootURI)
	require.NoError(t, err)
	require.Len(t, est.Txs, 1)
	assert.Equal(t, "proposeUpgrade", est.Txs[0].Method)
	assert.Equal(t, 4+4*32, est.Txs[0].CalldataBytes)
	assert.Equal(t, est.Txs[0].Gas, est.Gas)
	price, err := f.client.SuggestGasPrice(ctx)
	require.NoError(t, err)
	assert.Equal(t, price, est.GasPrice)
	assert.Positive(t, est.GasPrice.Sign())
	assert.Equal(t, new(big.Int).Mul(new(big.Int).SetUint64(est.Gas), price), est.Wei)
	assert.Contains(t, est.String(), "root_uri: 1 transaction, ")

	// Sending the proposal the estimate describes uses at most the
	// estimated gas, and not much less (the estimate is the chain's, not a
	// constant).
	root, err := m.Root()
	require.NoError(t, err)
	propose, err := ctl.ProposeUpgrade(root, integrity.URIHash(q.URI), q.PolicyHash, q.TTL)
	require.NoError(t, err)
	rcpt, err := trustkernel.Send(ctx, f.client, chainOpts(2), propose)
	require.NoError(t, err)
	assert.LessOrEqual(t, rcpt.GasUsed, est.Gas)
	assert.Greater(t, rcpt.GasUsed, est.Gas*8/10, "used %d, estimated %d", rcpt.GasUsed, est.Gas)

	// An outsider's estimate is the chain's refusal.
	q.From = simchain.Address(4)
	_, err = trustkernel.EstimateModeCost(ctx, f.client, q, m, trustkernel.ModeRootURI)
	require.ErrorIs(t, err, trustkernel.ErrUnauthorized)

	// A paused controller refuses proposals, and so does the estimate.
	_, err = trustkernel.Send(ctx, f.client, chainOpts(3), ctl.Pause())
	require.NoError(t, err)
	q.From = simchain.Address(2)
	_, err = trustkernel.EstimateModeCost(ctx, f.client, q, m, trustkernel.ModeRootURI)
	require.ErrorIs(t, err, trustkernel.ErrControllerPaused)

	_, err = trustkernel.EstimateModeCost(ctx, f.client, q, m, trustkernel.ModeFull)
	require.ErrorIs(t, err, trustkernel.ErrControllerPaused)
	_, err = trustkernel.EstimateModeCost(ctx, f.client, q, m, trustkernel.Mode("paranoid"))
	require.Error(t, err)
	_, err = trustkernel.EstimateModeCost(ctx, f.client, q, &integrity.Manifest{}, trustkernel.ModeRootURI)
	require.ErrorIs(t, err, integrity.ErrEmptyManifest)
}

// TestEstimateModeCostFull: full mode estimates every planned publication
// transaction (through stand-ins the chain accepts before the earlier chunks
// are on chain) and the proposal; each estimate bounds what publishing then
// uses, and the full mode costs more than root_uri for the same manifest.
func TestEstimateModeCostFull(t *testing.T) {
	f := newChainFixture(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	ctl := f.instance(t, "cost full")
	files := map[string][32]byte{}
	for i := range 400 {
		files[fmt.Sprintf("lib/module-%04d.so", i)] = h32(fmt.Sprint(i))
	}
	m, err := integrity.New(files)
	require.NoError(t, err)
	opts := []trustkernel.ManifestOption{trustkernel.WithChunkBytes(2048), trustkernel.WithMaxTxBytes(5000)}
	q := trustkernel.CostQuery{Controller: ctl.Address, From: simchain.Address(2), URI: "https://releases.example/app/3.json", Manifest: opts}

	rootURI, err := trustkernel.EstimateModeCost(ctx, f.client, q, m, trustkernel.ModeRootURI)
	require.NoError(t, err)
	full, err := trustkernel.EstimateModeCost(ctx, f.client, q, m, trustkernel.ModeFull)
	require.NoError(t, err)
	plan, err := ctl.PlanManifest(m, opts...)
	require.NoError(t, err)
	require.Greater(t, len(plan.Txs), 2, "the limits split the manifest across transactions")
	require.Len(t, full.Txs, len(plan.Txs)+1)
	for i, tx := range full.Txs[:len(plan.Txs)] {
		assert.Equal(t, "publishManifestChunks", tx.Method)
		assert.LessOrEqual(t, tx.Gas, plan.Txs[i].Gas, "the chain's estimate is within the plan's model bound")
	}
	assert.Equal(t, rootURI.Txs[0], full.Txs[len(full.Txs)-1], "the proposal is the same in both modes")
	assert.Greater(t, full.Gas, 3*rootURI.Gas)
	assert.Contains(t, full.String(), fmt.Sprintf("full: %d transactions, ", len(full.Txs)))

	pub, err := trustkernel.PublishManifest(ctx, f.client, chainOpts(2), ctl, m, opts...)
	require.NoError(t, err)
	require.Len(t, pub.Receipts, len(plan.Txs))
	for i, r := range pub.Receipts {
		assert.LessOrEqual(t, r.GasUsed, full.Txs[i].Gas, "tx %d", i)
		assert.Greater(t, r.GasUsed+40_000, full.Txs[i].Gas, "tx %d: the bound is close", i)
	}
}

func TestFormatUnits(t *testing.T) {
	for _, tc := range []struct {
		v        int64
		decimals int
		want     string
	}{
		{0, 18, "0"},
		{1, 18, "0.000000000000000001"},
		{1_500_000_000, 9, "1.5"},
		{2_000_000_000, 9, "2"},
		{-25, 1, "-2.5"},
		{123, 0, "123"},
	} {
		assert.Equal(t, tc.want, trustkernel.FormatUnits(big.NewInt(tc.v), tc.decimals), "%d/10^%d", tc.v, tc.decimals)
	}
	assert.Equal(t, "0", trustkernel.FormatUnits(nil, 18))
}

func ExampleEstimateModeCost() {
	ctx := context.Background()
	chain, client, _, ctl := exampleChain(ctx)
	defer chain.Close()

	m, err := integrity.New(map[string][32]byte{"bin/app": h32("app 2.0.0")})
	if err != nil {
		log.Fatal(err)
	}
	q := trustkernel.CostQuery{Controller: ctl.Address, From: simchain.Address(2), URI: "https://releases.example/app/2.json"}
	est, err := trustkernel.EstimateModeCost(ctx, client, q, m, trustkernel.ModeRootURI)
	if err != nil {
		log.Fatal(err)
	}
	for _, tx := range est.Txs {
		fmt.Printf("%s: %d bytes of call data, more than a transfer: %v\n", tx.Method, tx.CalldataBytes, tx.Gas > 21000)
	}
	fmt.Println("priced:", est.Wei.Cmp(new(big.Int).Mul(new(big.Int).SetUint64(est.Gas), est.GasPrice)) == 0)
	// Output:
	// proposeUpgrade: 132 bytes of call data, more than a transfer: true
	// priced: true
}
