package chp_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/accordsdk/accord/chp"
)

func ExampleGlobalRegistry_RotateRoot() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "chp-example-")
	defer os.RemoveAll(dir)

	gr, err := chp.OpenGlobalRegistry(dir+"/gr", key(1))
	if err != nil {
		panic(err)
	}
	defer gr.Close()
	oldRoot := gr.PublicKey()
	lr, err := chp.OpenLocalRegistry(dir+"/lr", key(2), chp.WithRootKey(oldRoot))
	if err != nil {
		panic(err)
	}
	defer lr.Close()
	rac, _ := gr.Admit(lr.PublicKey(), 24*time.Hour)
	if err := lr.InstallAdmissionCert(rac); err != nil {
		panic(err)
	}

	// The Global Registry rotates its root: the rotation is a record of
	// its ledger, signed by the old root and by the new.
	rot, err := gr.RotateRoot(ctx, key(3))
	if err != nil {
		panic(err)
	}
	fmt.Println("ledger record:", rot.Size, "new root is current:", gr.PublicKey() == rot.NewKey)

	// Its next receipt is sealed by the new root: the enclave refuses it
	// until it learns the rotation record, carried in like the receipt.
	var bundle bytes.Buffer
	if _, err := lr.Export(ctx, &bundle, chp.ExportOptions{}); err != nil {
		panic(err)
	}
	imp, err := gr.Import(ctx, bytes.NewReader(bundle.Bytes()))
	if err != nil {
		panic(err)
	}
	_, err = lr.PinReceipt(imp.Signed)
	fmt.Println("refused before:", errors.Is(err, chp.ErrBadSignature))
	records, err := chp.ReadRootRotations(must(rot.Marshal()))
	if err != nil {
		panic(err)
	}
	roots, err := lr.AddRootRotations(records...)
	if err != nil {
		panic(err)
	}
	_, err = lr.PinReceipt(imp.Signed)
	fmt.Println("roots trusted:", len(roots.Keys()), "pinned after:", err == nil)
	// The certificate the old root issued before the rotation still admits
	// the registry.
	fmt.Println("state:", lr.HUD().State)
	// Output:
	// ledger record: 0 new root is current: true
	// refused before: true
	// roots trusted: 2 pinned after: true
	// state: coherent
}

func must(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}
