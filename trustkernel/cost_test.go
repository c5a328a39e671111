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
	m, err := trustkernel.NewManifest(map[string][32]byte{"bin/app": h32("app"), "etc/app.conf": h32("conf")})
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
	propose, err := ctl.ProposeUpgrade(root, trustkernel.URIHash(q.URI), q.PolicyHash, q.TTL)
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

	_, err = trustkernel.EstimateModeCost(ctx, f.client, q, m, trustkernel.Mode("paranoid"))
	require.Error(t, err)
	_, err = trustkernel.EstimateModeCost(ctx, f.client, q, &trustkernel.Manifest{}, trustkernel.ModeRootURI)
	require.ErrorIs(t, err, trustkernel.ErrEmptyManifest)
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

	m, err := trustkernel.NewManifest(map[string][32]byte{"bin/app": h32("app 2.0.0")})
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
