package keyfile_test

import (
	"crypto/ed25519"
	"fmt"
	"os"
	"path/filepath"

	"github.com/accordsdk/accord/internal/keyfile"
)

func Example() {
	dir, _ := os.MkdirTemp("", "keyfile")
	defer os.RemoveAll(dir)
	key := ed25519.NewKeyFromSeed(make([]byte, ed25519.SeedSize))

	priv := filepath.Join(dir, "id.key")
	fmt.Println(keyfile.WritePrivate(priv, key))
	b, _ := os.ReadFile(priv)
	fmt.Print(string(b))

	pub := filepath.Join(dir, "id.pub")
	fmt.Println(keyfile.WritePublic(pub, key.Public().(ed25519.PublicKey)))
	b, _ = os.ReadFile(pub)
	fmt.Print(string(b))

	loaded, err := keyfile.LoadPrivate(priv)
	fmt.Println(loaded.Equal(key), err)
	// Output:
	// <nil>
	// -----BEGIN PRIVATE KEY-----
	// MC4CAQAwBQYDK2VwBCIEIAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA
	// -----END PRIVATE KEY-----
	// <nil>
	// ed25519:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp
	// true <nil>
}
