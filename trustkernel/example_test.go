package trustkernel_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/accordsdk/accord/trustkernel"
	"github.com/accordsdk/accord/trustkernel/quorum"
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

func ExamplePolicy_Decide() {
	p := trustkernel.NewPolicy(180)
	now := time.Unix(1_800_000_000, 0)
	last := &trustkernel.Observation{Block: quorum.BlockRef{Number: 100, Time: uint64(now.Unix()) - 60}, ActiveRoot: [32]byte{0x3a}}
	lost := errors.New("2 of 3 endpoints down")

	d := p.Decide(now, last, lost)
	fmt.Println("reads:", d.MayRead(), "writes:", d.Writes)
	d = p.Decide(now.Add(3*time.Minute), last, lost)
	fmt.Println("reads:", d.Reads)
	// Output:
	// reads: true writes: trustkernel: rpc quorum lost: 2 of 3 endpoints down
	// reads: trustkernel: trusted state is stale: block 100 is 4m0s old, allowed 3m0s (2 of 3 endpoints down)
}

func ExampleOutbox() {
	dir, _ := os.MkdirTemp("", "outbox")
	defer os.RemoveAll(dir)
	ob, _ := trustkernel.OpenOutbox(filepath.Join(dir, "tx-outbox"))
	now := time.Unix(1_800_000_000, 0)
	_, _ = ob.Put(trustkernel.Action{ID: "tx-1", Kind: "raw_tx", Payload: []byte{0x02}}, now)
	_, _ = ob.Put(trustkernel.Action{ID: "tx-2", Kind: "raw_tx", Payload: []byte{0x02}}, now)

	n, err := ob.Flush(context.Background(), func(_ context.Context, a trustkernel.Action) error {
		fmt.Println("deliver", a.ID)
		return nil
	})
	fmt.Println(n, err)
	// Output:
	// deliver tx-1
	// deliver tx-2
	// 2 <nil>
}
