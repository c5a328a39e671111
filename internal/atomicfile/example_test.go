package atomicfile_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/accordsdk/accord/internal/atomicfile"
)

func ExampleWrite() {
	dir, _ := os.MkdirTemp("", "atomicfile")
	defer os.RemoveAll(dir)
	p := filepath.Join(dir, "state.json")
	if err := atomicfile.Write(p, []byte(`{"size":1}`), 0o600); err != nil {
		fmt.Println(err)
	}
	b, _ := os.ReadFile(p)
	fi, _ := os.Stat(p)
	fmt.Println(string(b), fi.Mode().Perm())
	// Output: {"size":1} -rw-------
}
