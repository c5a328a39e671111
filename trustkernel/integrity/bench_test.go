package integrity

import (
	"context"
	"crypto/sha256"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// benchTree writes 10,000 files of 1-16 KiB in 100 directories and returns
// their paths and total size.
func benchTree(b *testing.B) (string, []string, int64) {
	dir := b.TempDir()
	rng := rand.New(rand.NewPCG(1, 2))
	buf := make([]byte, 16<<10)
	var paths []string
	var total int64
	for d := range 100 {
		sub := filepath.Join(dir, fmt.Sprintf("d%03d", d))
		require.NoError(b, os.Mkdir(sub, 0o755))
		for f := range 100 {
			n := 1024 + rng.IntN(15<<10)
			for i := range n {
				buf[i] = byte(rng.Uint32())
			}
			p := filepath.Join(sub, fmt.Sprintf("f%03d", f))
			require.NoError(b, os.WriteFile(p, buf[:n], 0o644))
			paths = append(paths, p)
			total += int64(n)
		}
	}
	return dir, paths, total
}

// BenchmarkManifest10kFiles builds the manifest of a 10,000-file tree
// beside the baseline: SHA-256 over the same bytes read from disk.
func BenchmarkManifest10kFiles(b *testing.B) {
	dir, paths, total := benchTree(b)
	b.Run("manifest", func(b *testing.B) {
		b.SetBytes(total)
		for b.Loop() {
			m, err := Build(context.Background(), dir)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := m.Root(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("baseline-sha256", func(b *testing.B) {
		b.SetBytes(total)
		for b.Loop() {
			h := sha256.New()
			for _, p := range paths {
				data, err := os.ReadFile(p)
				if err != nil {
					b.Fatal(err)
				}
				h.Write(data)
			}
			_ = h.Sum(nil)
		}
	})
}
