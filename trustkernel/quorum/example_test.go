package quorum_test

import (
	"context"
	"fmt"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/accordsdk/accord/trustkernel/quorum"
	"github.com/accordsdk/accord/trustkernel/simchain"
)

func ExampleReader_Read() {
	ctx := context.Background()
	chain, err := simchain.New(nil)
	if err != nil {
		panic(err)
	}
	defer chain.Close()
	probe, _ := chain.Deploy(ctx, simchain.ProbeInitCode())
	_, _ = chain.Send(ctx, &probe, common.HexToHash("0x2a").Bytes())
	chain.Mine(10)
	head, _ := chain.Head(ctx)
	clock := func() time.Time { return time.Unix(int64(head.Time), 0) }

	// Three endpoints in front of the chain; the first one lies.
	var urls []string
	for _, b := range []simchain.Behaviour{{Lie: true}, {}, {Delay: 200 * time.Millisecond}} {
		p := simchain.NewProxy(chain.URL(), b)
		defer p.Close()
		urls = append(urls, p.URL)
	}
	r, err := quorum.New(urls, 2, quorum.WithClock(clock), quorum.WithChainID(simchain.ChainID))
	if err != nil {
		panic(err)
	}
	defer r.Close()
	ag, err := r.Read(ctx, probe, nil)
	if err != nil {
		panic(err)
	}
	fmt.Printf("block %d, agreed by %d endpoints, slot 0 = %#x\n", ag.Block.Number, len(ag.Agreed), ag.Result[31])
	// The liar flipped the last byte of its answer (the block number).
	fmt.Printf("last byte: agreed %#x, liar %#x\n", ag.Result[63], ag.Answers[0].Result[63])
	// Output:
	// block 10, agreed by 2 endpoints, slot 0 = 0x2a
	// last byte: agreed 0xa, liar 0xb
}
