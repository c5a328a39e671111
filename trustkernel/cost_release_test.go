package trustkernel_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accordsdk/accord/trustkernel"
	"github.com/accordsdk/accord/trustkernel/integrity"
	"github.com/accordsdk/accord/trustkernel/simchain"
)

// TestEstimateModeCostRelease: with a component and version the proposal
// estimated is proposeRelease, which a controller following a registry
// takes, while the raw proposal's estimate is its refusal; an unpublished
// release is refused at the estimate too.
func TestEstimateModeCostRelease(t *testing.T) {
	f := newChainFixture(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	ctl := f.instance(t, "cost release")
	m, err := integrity.New(map[string][32]byte{"bin/app": h32("app 5")})
	require.NoError(t, err)
	root, err := m.Root()
	require.NoError(t, err)
	comp := h32("example/app")
	_, err = trustkernel.Send(ctx, f.client, chainOpts(0), trustkernel.NewRegistry(f.dep.Registry).Publish(comp, 5, root, integrity.URIHash("u5"), [32]byte{}))
	require.NoError(t, err)
	_, err = trustkernel.Send(ctx, f.client, chainOpts(1), ctl.SetReleaseRegistry(f.dep.Registry))
	require.NoError(t, err)

	q := trustkernel.CostQuery{Controller: ctl.Address, From: simchain.Address(2), URI: "u5", TTL: time.Hour}
	_, err = trustkernel.EstimateModeCost(ctx, f.client, q, m, trustkernel.ModeRootURI)
	require.ErrorIs(t, err, trustkernel.ErrReleaseRequired)

	q.ComponentID, q.Version = comp, 5
	for _, mode := range []trustkernel.Mode{trustkernel.ModeRootURI, trustkernel.ModeFull} {
		est, err := trustkernel.EstimateModeCost(ctx, f.client, q, m, mode)
		require.NoError(t, err)
		assert.Equal(t, "proposeRelease", est.Txs[len(est.Txs)-1].Method)
	}
	est, err := trustkernel.EstimateModeCost(ctx, f.client, q, m, trustkernel.ModeRootURI)
	require.NoError(t, err)
	propose, err := ctl.ProposeRelease(comp, 5, [32]byte{}, time.Hour)
	require.NoError(t, err)
	rcpt, err := trustkernel.Send(ctx, f.client, chainOpts(2), propose)
	require.NoError(t, err)
	assert.LessOrEqual(t, rcpt.GasUsed, est.Gas)

	q.Version = 6
	_, err = trustkernel.EstimateModeCost(ctx, f.client, q, m, trustkernel.ModeRootURI)
	require.ErrorIs(t, err, trustkernel.ErrReleaseNotFound)
}
