package merkletree

import (
	"testing"

	"github.com/transparency-dev/merkle/compact"
	"github.com/transparency-dev/merkle/rfc6962"
	"golang.org/x/mod/sumdb/tlog"
)

// The benchmarks append leaf hashes one at a time. Per leaf the tree does
// one node hash on average (the carries of a binary counter), so
// BaselineNodeHash, one tlog.NodeHash, is the raw primitive to compare with.

var sinkHash tlog.Hash

func BenchmarkBaselineNodeHash(b *testing.B) {
	var h tlog.Hash
	for b.Loop() {
		h = tlog.NodeHash(h, h)
	}
	sinkHash = h
}

func BenchmarkAppend(b *testing.B) {
	var f Frontier
	leaf := tlog.RecordHash([]byte("leaf"))
	for b.Loop() {
		f.Append(leaf)
	}
	sinkHash = f.Root()
}

func BenchmarkAppendStored(b *testing.B) {
	var f Frontier
	leaf := tlog.RecordHash([]byte("leaf"))
	var buf []byte
	for b.Loop() {
		buf = f.AppendStored(buf[:0], leaf)
	}
	sinkHash = f.Root()
}

// BenchmarkCompactRange is transparency-dev/merkle's compact range with its
// RFC 6962 hasher, for comparison.
func BenchmarkCompactRange(b *testing.B) {
	r := (&compact.RangeFactory{Hash: rfc6962.DefaultHasher.HashChildren}).NewEmptyRange(0)
	leaf := tlog.RecordHash([]byte("leaf"))
	for b.Loop() {
		if err := r.Append(leaf[:], nil); err != nil {
			b.Fatal(err)
		}
	}
}
