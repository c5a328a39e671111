package runtime_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/accordsdk/accord/trustkernel/runtime"
)

func ExamplePolicy_Decide() {
	p := runtime.NewPolicy(180)
	now := time.Unix(1_800_000_000, 0)
	last := &runtime.Observation{Block: runtime.Block{Number: 100, Time: uint64(now.Unix()) - 60}, ActiveRoot: [32]byte{0x3a}}
	lost := errors.New("2 of 3 endpoints down")

	d := p.Decide(now, last, lost)
	fmt.Println("reads:", d.MayRead(), "writes:", d.Writes)
	d = p.Decide(now.Add(3*time.Minute), last, lost)
	fmt.Println("reads:", d.Reads)
	// Output:
	// reads: true writes: trustkernel/runtime: rpc quorum lost: 2 of 3 endpoints down
	// reads: trustkernel/runtime: trusted state is stale: block 100 is 4m0s old, allowed 3m0s (2 of 3 endpoints down)
}

func ExampleOutbox() {
	dir, _ := os.MkdirTemp("", "outbox")
	defer os.RemoveAll(dir)
	ob, _ := runtime.OpenOutbox(filepath.Join(dir, "tx-outbox"))
	now := time.Unix(1_800_000_000, 0)
	_, _ = ob.Put(runtime.Action{ID: "tx-1", Kind: "raw_tx", Payload: []byte{0x02}}, now)
	_, _ = ob.Put(runtime.Action{ID: "tx-2", Kind: "raw_tx", Payload: []byte{0x02}}, now)

	n, err := ob.Flush(context.Background(), func(_ context.Context, a runtime.Action) error {
		fmt.Println("deliver", a.ID)
		return nil
	})
	fmt.Println(n, err)
	// Output:
	// deliver tx-1
	// deliver tx-2
	// 2 <nil>
}
