package spool

import (
	"bufio"
	"encoding/binary"
	"io"
	"os"
	"testing"
)

// The benchmarks write frames of 500 bytes and read them back, through a
// spool with the 1 MiB of memory chp gives its spools: 2,000 frames (1 MB,
// all in memory) and 20,000 (10 MB, moved to a file). BaselineFile is what
// chp did before: 4-byte big-endian lengths through a 1 MiB bufio.Writer
// into a temporary file, read back through a bufio.Reader.

const benchFrame = 500

var benchSizes = []struct {
	name   string
	frames int
}{{"frames=2000", 2_000}, {"frames=20000", 20_000}}

func BenchmarkSpool(b *testing.B) {
	for _, bc := range benchSizes {
		b.Run(bc.name, func(b *testing.B) {
			benchFrames := bc.frames
			p := make([]byte, benchFrame)
			dir := b.TempDir()
			b.SetBytes(int64(benchFrames * benchFrame))
			for b.Loop() {
				s := New(dir, 1<<20, benchFrame)
				for range benchFrames {
					if err := s.Append(p); err != nil {
						b.Fatal(err)
					}
				}
				r, err := s.Reader()
				if err != nil {
					b.Fatal(err)
				}
				for range benchFrames {
					if _, err := r.Next(); err != nil {
						b.Fatal(err)
					}
				}
				if err := s.Close(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkBaselineFile(b *testing.B) {
	for _, bc := range benchSizes {
		b.Run(bc.name, func(b *testing.B) { baselineFile(b, bc.frames) })
	}
}

func baselineFile(b *testing.B, benchFrames int) {
	p := make([]byte, benchFrame)
	dir := b.TempDir()
	b.SetBytes(int64(benchFrames * benchFrame))
	for b.Loop() {
		f, err := os.CreateTemp(dir, "baseline-*")
		if err != nil {
			b.Fatal(err)
		}
		w := bufio.NewWriterSize(f, 1<<20)
		var n [4]byte
		for range benchFrames {
			binary.BigEndian.PutUint32(n[:], uint32(len(p)))
			w.Write(n[:])
			w.Write(p)
		}
		if err := w.Flush(); err != nil {
			b.Fatal(err)
		}
		r := bufio.NewReaderSize(io.NewSectionReader(f, 0, 1<<62), 1<<20)
		for range benchFrames {
			if _, err := io.ReadFull(r, n[:]); err != nil {
				b.Fatal(err)
			}
			buf := make([]byte, binary.BigEndian.Uint32(n[:]))
			if _, err := io.ReadFull(r, buf); err != nil {
				b.Fatal(err)
			}
		}
		f.Close()
		os.Remove(f.Name())
	}
}
