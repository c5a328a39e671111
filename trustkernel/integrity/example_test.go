package integrity_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/accordsdk/accord/trustkernel/integrity"
)

func exampleHash(b byte) (h [32]byte) {
	for i := range h {
		h[i] = b
	}
	return h
}

func ExampleRoot() {
	root, err := integrity.Root(map[string][32]byte{
		"a.txt": exampleHash(0x22),
		"b.txt": exampleHash(0x11),
	})
	if err != nil {
		panic(err)
	}
	fmt.Printf("%#x\n", root)
	// Output:
	// 0xf92742ec920dcc955d96633e56df2ea657a3f5521fe309045e900eee39ef14b0
}

func ExampleNormalizePath() {
	for _, p := range []string{`.\bin\app`, "/etc//app.conf", "lib/./x.so", "../escape"} {
		n, err := integrity.NormalizePath(p)
		fmt.Printf("%q -> %q %v\n", p, n, err)
	}
	// Output:
	// ".\\bin\\app" -> "bin/app" <nil>
	// "/etc//app.conf" -> "etc/app.conf" <nil>
	// "lib/./x.so" -> "lib/x.so" <nil>
	// "../escape" -> "" trustkernel/integrity: bad manifest path: "../escape" has a ".." segment
}

func ExampleVerify() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "install")
	defer os.RemoveAll(dir)
	_ = os.WriteFile(filepath.Join(dir, "app"), []byte("v1"), 0o644)
	_ = os.WriteFile(filepath.Join(dir, "app.conf"), []byte("debug=false"), 0o644)

	// At release time: build the manifest; its root is anchored on chain.
	m, _ := integrity.Build(ctx, dir)
	activeRoot, _ := m.Root()
	fmt.Println("verified:", integrity.Verify(ctx, dir, m, activeRoot))

	// Later someone edits the config on the server.
	_ = os.WriteFile(filepath.Join(dir, "app.conf"), []byte("debug=true"), 0o644)
	err := integrity.Verify(ctx, dir, m, activeRoot)
	var ie *integrity.DiffError
	if errors.As(err, &ie) {
		fmt.Println("changed:", ie.Changed)
	}
	// Output:
	// verified: <nil>
	// changed: [app.conf]
}
