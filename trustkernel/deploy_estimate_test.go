package trustkernel_test

import (
	"context"
	"errors"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accordsdk/accord/trustkernel"
	"github.com/accordsdk/accord/trustkernel/simchain"
)

// TestEstimateDeployment: every creation of Deploy is estimated before
// anything is sent, the factory through a state override that puts the
// implementation's code where Deploy will create it; each estimate covers
// the gas the creation then uses. An endpoint that refuses or ignores the
// override gives the other three and ErrNoStateOverride.
func TestEstimateDeployment(t *testing.T) {
	chain, err := simchain.New(nil)
	require.NoError(t, err)
	t.Cleanup(func() { chain.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	client, err := chain.Dial(ctx)
	require.NoError(t, err)
	defer client.Close()
	from := simchain.Address(0)

	costs, err := trustkernel.EstimateDeployment(ctx, client.Client(), from, simchain.Address(1))
	require.NoError(t, err)
	var names []string
	for _, c := range costs {
		names = append(names, c.Method)
	}
	require.Equal(t, []string{"create ReleaseRegistry", "create InstanceController", "create Anchor", "create InstanceFactory"}, names)

	// Refused, and ignored, overrides.
	_, err = trustkernel.EstimateDeployment(ctx, noOverride{client.Client(), false}, from, simchain.Address(1))
	require.ErrorIs(t, err, trustkernel.ErrNoStateOverride)
	require.Equal(t, 1, strings.Count(err.Error(), "trustkernel"), "one prefix: %v", err)
	three, err := trustkernel.EstimateDeployment(ctx, noOverride{client.Client(), true}, from, simchain.Address(1))
	require.ErrorIs(t, err, trustkernel.ErrNoStateOverride)
	require.Equal(t, costs[:3], three)
	require.Equal(t, 1, strings.Count(err.Error(), "trustkernel"), "one prefix: %v", err)

	// Deploy, then compare each creation's gas with its estimate.
	dep, err := trustkernel.Deploy(ctx, client, chainOpts(0), simchain.Address(1))
	require.NoError(t, err)
	used := map[common.Address]uint64{}
	head, err := client.BlockNumber(ctx)
	require.NoError(t, err)
	for n := uint64(1); n <= head; n++ {
		b, err := client.BlockByNumber(ctx, new(big.Int).SetUint64(n))
		require.NoError(t, err)
		for _, tx := range b.Transactions() {
			r, err := client.TransactionReceipt(ctx, tx.Hash())
			require.NoError(t, err)
			used[r.ContractAddress] = r.GasUsed
		}
	}
	for i, a := range []common.Address{dep.Registry, dep.Implementation, dep.Anchor, dep.Factory} {
		require.Contains(t, used, a, costs[i].Method)
		assert.LessOrEqual(t, used[a], costs[i].Gas, costs[i].Method)
		assert.Greater(t, used[a], costs[i].Gas*9/10, costs[i].Method)
	}
}

// noOverride is an endpoint without state overrides: it refuses a third
// eth_estimateGas parameter, or (ignore) drops it.
type noOverride struct {
	c      trustkernel.RPCCaller
	ignore bool
}

func (n noOverride) CallContext(ctx context.Context, result any, method string, args ...any) error {
	if method == "eth_estimateGas" && len(args) > 2 {
		if !n.ignore {
			return errors.New("too many arguments, want at most 2")
		}
		args = args[:2]
	}
	return n.c.CallContext(ctx, result, method, args...)
}
