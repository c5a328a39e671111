package merklelog_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"fmt"
	"os"

	"github.com/accordsdk/accord/checkpoint"
	"github.com/accordsdk/accord/internal/merklelog"
)

// Append records, sign a checkpoint, and prove that a record is in it.
func Example() {
	dir, _ := os.MkdirTemp("", "example-log")
	defer os.RemoveAll(dir)
	key := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{1}, 32)) // fixed for the example
	signer, _ := checkpoint.NewSigner("example.com/audit", key)

	l, err := merklelog.Open(dir, merklelog.Options{Origin: "example.com/audit", Signer: signer})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer l.Close()
	ctx := context.Background()
	for _, r := range []string{"first record", "second record", "third record"} {
		index, _ := l.Append(ctx, []byte(r)) // durable when it returns
		fmt.Println("appended", index)
	}
	signed, _ := l.Checkpoint(ctx)

	// A client verifies the checkpoint with the log's public key, then the
	// inclusion proof of record 1 against it.
	c, _, err := checkpoint.Verify(signed, signer.Verifier())
	if err != nil {
		fmt.Println(err)
		return
	}
	proof, _ := l.InclusionProof(1, c.Size)
	fmt.Println("size", c.Size, "root", c.Hash)
	fmt.Println("record 1 included:", checkpoint.VerifyInclusion(c, 1, []byte("second record"), proof) == nil)
	// Output:
	// appended 0
	// appended 1
	// appended 2
	// size 3 root Rcd/UbegITtD8knRPfCaWUSpY+XUkRAjboRYeamkV5Q=
	// record 1 included: true
}
