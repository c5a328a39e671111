package trustkernel

import (
	"slices"
	"strings"
)

// A Network is a named preset of the configuration: a chain id and its
// default endpoints, selected with trust.web3.network. A preset fills in
// chain_id, rpc_endpoints and rpc_quorum when the file leaves them out; it
// never relaxes a check. In particular the quorum rule is the same with or
// without a preset: at least two endpoints, a strict majority of them
// agreeing, unless the configuration is read with [AllowDevelopmentQuorum],
// and this holds for the local development preset too.
type Network struct {
	// Name is the value of trust.web3.network.
	Name string
	// ChainID is the chain id every endpoint must serve.
	ChainID uint64
	// RPCEndpoints are the default endpoints, used when the configuration
	// lists none.
	RPCEndpoints []string
	// Explorer is the base URL of a block explorer ("" if none); a
	// transaction is at Explorer + "/tx/" + hash.
	Explorer string
	// Development marks a local development chain. It changes no rule:
	// a single endpoint still needs [AllowDevelopmentQuorum].
	Development bool
}

// Names of the network presets.
const (
	// NetworkEdgen is the reference network: Edgen Chain, an EVM chain
	// with chain id 4207. Its one public endpoint is not enough for the
	// quorum rule on its own: a production configuration lists more.
	NetworkEdgen = "edgen"
	// NetworkLocal is a development chain on this machine (chain id 1337,
	// the default of go-ethereum's --dev mode and of the simulated chain,
	// at http://127.0.0.1:8545).
	NetworkLocal = "local"
)

// networks is the table behind [Networks] and [LookupNetwork]; nothing
// writes it.
var networks = []Network{
	{
		Name:         NetworkEdgen,
		ChainID:      4207,
		RPCEndpoints: []string{"https://rpc.layeredge.io"},
		Explorer:     "https://edgenscan.io",
	},
	{
		Name:         NetworkLocal,
		ChainID:      1337,
		RPCEndpoints: []string{"http://127.0.0.1:8545"},
		Development:  true,
	},
}

// Networks returns the network presets, each a fresh copy.
func Networks() []Network {
	out := make([]Network, len(networks))
	for i, n := range networks {
		out[i] = n
		out[i].RPCEndpoints = slices.Clone(n.RPCEndpoints)
	}
	return out
}

// LookupNetwork returns the preset called name, or an [ErrConfig] error
// listing the known names.
func LookupNetwork(name string) (Network, error) {
	for _, n := range Networks() {
		if n.Name == name {
			return n, nil
		}
	}
	return Network{}, configErr("network", "%q, want one of %s", name, networkNames())
}

func networkNames() string {
	names := make([]string, len(networks))
	for i, n := range networks {
		names[i] = n.Name
	}
	return strings.Join(names, ", ")
}

// TxURL returns the explorer page of a transaction, or "" when the network
// has no explorer.
func (n Network) TxURL(txHash string) string {
	if n.Explorer == "" {
		return ""
	}
	return n.Explorer + "/tx/" + txHash
}

// majority is the smallest strict majority of n endpoints.
func majority(n int) int { return n/2 + 1 }
