package merkletree_test

import (
	"fmt"

	"github.com/accordsdk/accord/internal/merkletree"
	"golang.org/x/mod/sumdb/tlog"
)

func Example() {
	var f merkletree.Frontier
	for _, rec := range []string{"a", "b", "c"} {
		f.Append(tlog.RecordHash([]byte(rec)))
	}
	root := f.Root()
	fmt.Println(f.Size(), len(f.Encode()), root.String()[:12])

	// The text form travels beside the size; growing the parsed frontier
	// gives the same roots as growing the original.
	g, err := merkletree.ParseFrontier(f.Size(), f.Encode())
	if err != nil {
		panic(err)
	}
	g.Append(tlog.RecordHash([]byte("d")))
	f.Append(tlog.RecordHash([]byte("d")))
	fmt.Println(g.Root() == f.Root(), len(g.Encode()))
	// Output:
	// 3 2 NmQuc8JUCrEh
	// true 1
}
