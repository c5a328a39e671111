package trustkernel

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accordsdk/accord/trustkernel/quorum"
)

func TestNetworks(t *testing.T) {
	edgen, err := LookupNetwork(NetworkEdgen)
	require.NoError(t, err)
	assert.Equal(t, uint64(4207), edgen.ChainID)
	assert.Equal(t, []string{"https://rpc.layeredge.io"}, edgen.RPCEndpoints)
	assert.False(t, edgen.Development)
	assert.Equal(t, "https://edgenscan.io/tx/0xab", edgen.TxURL("0xab"))

	local, err := LookupNetwork(NetworkLocal)
	require.NoError(t, err)
	assert.Equal(t, uint64(1337), local.ChainID)
	assert.Equal(t, []string{"http://127.0.0.1:8545"}, local.RPCEndpoints)
	assert.True(t, local.Development)
	assert.Empty(t, local.TxURL("0xab"))

	_, err = LookupNetwork("mainnet")
	require.ErrorIs(t, err, ErrConfig)
	assert.Contains(t, err.Error(), "trust.web3.network")
	assert.Contains(t, err.Error(), "edgen, local")

	// Callers get copies: changing one changes no preset.
	all := Networks()
	all[0].RPCEndpoints[0] = "https://evil.example"
	all[0].ChainID = 1
	again, err := LookupNetwork(all[0].Name)
	require.NoError(t, err)
	assert.NotEqual(t, "https://evil.example", again.RPCEndpoints[0])
	assert.NotEqual(t, uint64(1), again.ChainID)
}

// presetConfig is a configuration naming network, with n endpoints and
// quorum k (k 0: rpc_quorum left out).
func presetConfig(network string, chainID uint64, n, k int) string {
	var b strings.Builder
	b.WriteString(`{"trust":{"web3":{`)
	if network != "" {
		fmt.Fprintf(&b, `"network":%q,`, network)
	}
	if chainID != 0 {
		fmt.Fprintf(&b, `"chain_id":%d,`, chainID)
	}
	if n > 0 {
		eps := make([]string, n)
		for i := range eps {
			eps[i] = fmt.Sprintf(`"https://rpc%d.example"`, i)
		}
		fmt.Fprintf(&b, `"rpc_endpoints":[%s],`, strings.Join(eps, ","))
	}
	if k > 0 {
		fmt.Fprintf(&b, `"rpc_quorum":%d,`, k)
	}
	b.WriteString(`"contracts":{"instance_controller":"0x00000000000000000000000000000000000000aa"}}}}`)
	return b.String()
}

// TestNetworkNeverLowersQuorum: for every preset, every endpoint count and
// every quorum, a configuration naming the preset is accepted exactly when
// the same configuration with the chain id spelled out and no preset is, with
// and without the development option. A left-out rpc_quorum under a preset is
// the smallest majority, which the rule accepts only where it accepts some
// quorum.
func TestNetworkNeverLowersQuorum(t *testing.T) {
	for _, net := range Networks() {
		for n := 1; n <= 5; n++ {
			for k := 0; k <= n+1; k++ {
				for _, dev := range []bool{false, true} {
					var opts []ConfigOption
					if dev {
						opts = append(opts, AllowDevelopmentQuorum())
					}
					with, werr := ParseConfig([]byte(presetConfig(net.Name, 0, n, k)), opts...)
					kk := k
					if kk == 0 {
						kk = n/2 + 1
					}
					without, err := ParseConfig([]byte(presetConfig("", net.ChainID, n, kk)), opts...)
					name := fmt.Sprintf("%s %d of %d dev=%v", net.Name, k, n, dev)
					require.Equal(t, err == nil, werr == nil, "%s: with preset %v, without %v", name, werr, err)
					if err != nil {
						continue
					}
					assert.Equal(t, kk, with.RPCQuorum, name)
					assert.Equal(t, net.ChainID, with.ChainID, name)
					assert.Equal(t, without.RPCEndpoints, with.RPCEndpoints, name)
					if !dev {
						assert.GreaterOrEqual(t, with.RPCQuorum, 2, name)
					}
				}
			}
		}
	}
}

func TestNetworkConfig(t *testing.T) {
	// Default endpoints: a single one, refused without the development
	// option whatever the preset.
	for _, net := range Networks() {
		_, err := ParseConfig([]byte(presetConfig(net.Name, 0, 0, 0)))
		require.ErrorIs(t, err, quorum.ErrSingleEndpoint, net.Name)
		assert.Contains(t, err.Error(), "network "+net.Name+" supplies 1 default endpoint")
		c, err := ParseConfig([]byte(presetConfig(net.Name, 0, 0, 0)), AllowDevelopmentQuorum())
		require.NoError(t, err, net.Name)
		assert.Equal(t, net.RPCEndpoints, c.RPCEndpoints)
		assert.Equal(t, net.ChainID, c.ChainID)
		assert.Equal(t, 1, c.RPCQuorum)
	}

	// The chain id, when given, must be the preset's.
	c, err := ParseConfig([]byte(presetConfig(NetworkEdgen, 4207, 3, 0)))
	require.NoError(t, err)
	assert.Equal(t, 2, c.RPCQuorum)
	_, err = ParseConfig([]byte(presetConfig(NetworkEdgen, 1337, 3, 0)))
	require.ErrorIs(t, err, ErrConfig)
	assert.Contains(t, err.Error(), "trust.web3.chain_id: 1337, network edgen is chain 4207")

	// An explicit quorum above the majority is kept.
	c, err = ParseConfig([]byte(presetConfig(NetworkEdgen, 0, 3, 3)))
	require.NoError(t, err)
	assert.Equal(t, 3, c.RPCQuorum)

	// The preset is written back, with the values in force.
	enc, err := json.Marshal(c)
	require.NoError(t, err)
	assert.Contains(t, string(enc), `"network":"edgen","chain_id":4207`)
	again, err := ParseConfig(enc)
	require.NoError(t, err)
	assert.Equal(t, c, again)
}
