package trustkernel_test

import (
	"crypto/sha256"
	"fmt"

	"github.com/ethereum/go-ethereum/common"

	"github.com/accordsdk/accord/trustkernel"
	"github.com/accordsdk/accord/trustkernel/integrity"
)

// A 10,000-file manifest planned for full mode: how many chunks, how many
// transactions under the default gas ceiling and byte limit, and the gas
// each transaction is bounded by, before anything is sent.
func ExampleController_PlanManifest() {
	files := map[string][32]byte{}
	for i := range 10_000 {
		p := fmt.Sprintf("app/mod%03d/file%05d.php", i/100, i)
		files[p] = sha256.Sum256([]byte(p))
	}
	m, err := integrity.New(files)
	if err != nil {
		panic(err)
	}
	ctl := trustkernel.NewController(common.HexToAddress("0x5FbDB2315678afecb367f032d93F642f64180aa3"))
	plan, err := ctl.PlanManifest(m)
	if err != nil {
		panic(err)
	}
	fmt.Printf("%d chunks in %d transactions\n", len(plan.Chunks), len(plan.Txs))
	for _, tx := range plan.Txs {
		fmt.Printf("chunks %2d..%2d: %6d bytes of call data, at most %d gas\n", tx.First, tx.First+tx.N-1, len(tx.Call.Data), tx.Gas)
	}
	// Output:
	// 36 chunks in 6 transactions
	// chunks  0.. 6: 115300 bytes of call data, at most 4563240 gas
	// chunks  7..13: 115300 bytes of call data, at most 4563510 gas
	// chunks 14..20: 115300 bytes of call data, at most 4563330 gas
	// chunks 21..27: 115300 bytes of call data, at most 4563600 gas
	// chunks 28..34: 115300 bytes of call data, at most 4563480 gas
	// chunks 35..35:   7812 bytes of call data, at most 329300 gas
}
