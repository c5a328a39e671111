package trustkernel_test

import (
	"fmt"

	"github.com/accordsdk/accord/trustkernel"
)

func ExampleParseConfig() {
	c, err := trustkernel.ParseConfig([]byte(`{"trust": {"web3": {
		"chain_id": 4207,
		"rpc_endpoints": ["https://rpc1.example", "https://rpc2.example", "https://rpc3.example"],
		"rpc_quorum": 2,
		"contracts": {"instance_controller": "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"}
	}}}`))
	if err != nil {
		panic(err)
	}
	fmt.Println(c.ChainID, c.RPCQuorum, "of", len(c.RPCEndpoints), c.Mode, c.MaxStale())

	_, err = trustkernel.ParseConfig([]byte(`{"trust": {"web3": {"chain_id": 4207, "rpc_quorum": 1, "rpc_endpoints": ["https://a.example", "https://b.example"]}}}`))
	fmt.Println(err)
	// Output:
	// 4207 2 of 3 root_uri 3m0s
	// trustkernel: bad config: trust.web3.rpc_quorum: rpc quorum 1 of 2 is not a majority, want at least 2
}
