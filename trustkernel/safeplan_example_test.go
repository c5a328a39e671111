package trustkernel_test

import (
	"crypto/sha256"
	"fmt"

	"github.com/ethereum/go-ethereum/common"

	"github.com/accordsdk/accord/trustkernel"
	"github.com/accordsdk/accord/trustkernel/integrity"
)

// A 2,000-file manifest published in full mode by an upgrade authority
// that is a Safe whose next nonce is 12: one Safe transaction per planned
// publication, at consecutive nonces, then the proposal at the next one.
// Here the first of the manifest's chunks is already on chain (the
// controller's record says 1 published), so the plan starts at chunk 1.
func ExampleController_PlanSafeManifest() {
	files := map[string][32]byte{}
	for i := range 2_000 {
		p := fmt.Sprintf("app/mod%03d/file%05d.php", i/100, i)
		files[p] = sha256.Sum256([]byte(p))
	}
	m, err := integrity.New(files)
	if err != nil {
		panic(err)
	}
	ctl := trustkernel.NewController(common.HexToAddress("0x5FbDB2315678afecb367f032d93F642f64180aa3"))
	safe := common.HexToAddress("0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512")
	plan, err := ctl.PlanSafeManifest(m, 1, trustkernel.WithMaxTxBytes(40_000))
	if err != nil {
		panic(err)
	}
	txs, err := trustkernel.SafeManifestTxs(safe, 1337, plan, 12)
	if err != nil {
		panic(err)
	}
	fmt.Printf("%d chunks, %d Safe transactions to sign\n", len(plan.Chunks), len(txs))
	for i, tx := range txs {
		fmt.Printf("nonce %d: chunks %d..%d, %d bytes of inner call data\n", tx.Nonce, plan.Txs[i].First, plan.Txs[i].First+plan.Txs[i].N-1, len(tx.Data))
	}
	fmt.Printf("nonce %d: the proposal\n", txs[len(txs)-1].Nonce+1)
	// Output:
	// 8 chunks, 3 Safe transactions to sign
	// nonce 12: chunks 1..2, 33060 bytes of inner call data
	// nonce 13: chunks 3..4, 33060 bytes of inner call data
	// nonce 14: chunks 5..7, 34660 bytes of inner call data
	// nonce 15: the proposal
}
