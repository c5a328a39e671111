package federation_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/binary"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/accordsdk/accord/checkpoint"
	"github.com/accordsdk/accord/federation"
)

const benchLogSize = 1_000_000

var (
	benchOnce sync.Once
	benchTree *memTree
)

// bigTree is an RFC 6962 tree of benchLogSize+benchSteps records, built once.
func bigTree(b *testing.B) *memTree {
	benchOnce.Do(func() {
		t := &memTree{origin: "example.com/bench-log"}
		t.hashes = make([]tlog.Hash, 0, 2*(benchLogSize+benchSteps)+64)
		rec := make([]byte, 64)
		for i := range benchLogSize + benchSteps {
			binary.BigEndian.PutUint64(rec, uint64(i))
			t.add(rec)
		}
		benchTree = t
	})
	return benchTree
}

// benchSteps is how many successive checkpoints the witnessing benchmark
// prepares past a million entries.
const benchSteps = 4096

func cpuTime() time.Duration {
	u, s := cpuTimes()
	return u + s
}

// cpuTimes returns the process's user and system CPU time.
func cpuTimes() (user, sys time.Duration) {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano()), time.Duration(ru.Stime.Nano())
}

// BenchmarkWitnessCheckpoint measures what a witness does for one new
// checkpoint of a log of a million entries: verify the log's signature,
// verify the consistency proof from the size it holds, store the new
// checkpoint durably (atomic write with fsync), and cosign. cpu-ns/op is
// the process CPU time per checkpoint (fsync wait is not CPU).
func BenchmarkWitnessCheckpoint(b *testing.B) {
	tree := bigTree(b)
	lkey := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{5}, 32))
	lsigner, _ := checkpoint.NewSigner(tree.origin, lkey)
	type step struct {
		old    uint64
		proof  tlog.TreeProof
		signed []byte
	}
	steps := make([]step, benchSteps)
	for j := range steps {
		size := int64(benchLogSize + j)
		h, err := tlog.TreeHash(size, tree)
		if err != nil {
			b.Fatal(err)
		}
		signed, _ := checkpoint.Sign(checkpoint.Checkpoint{Origin: tree.origin, Size: uint64(size), Hash: h}, lsigner)
		var p tlog.TreeProof
		if j > 0 {
			p, _ = tlog.ProveTree(size, size-1, tree)
		}
		steps[j] = step{old: uint64(size - 1), proof: p, signed: signed}
	}
	steps[0].old = 0
	cosigner, _ := checkpoint.NewCosigner("example.com/bench-witness", ed25519.NewKeyFromSeed(bytes.Repeat([]byte{6}, 32)))
	logs, _ := federation.StaticLogs(lsigner.VerifierKey())
	newWitness := func() *federation.Witness {
		w, err := federation.NewWitness(cosigner, b.TempDir(), logs, time.Now, nil)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := w.AddCheckpoint(context.Background(), 0, nil, steps[0].signed); err != nil {
			b.Fatal(err)
		}
		return w
	}
	ctx := context.Background()
	w := newWitness()
	j := 1
	b.ReportAllocs()
	b.ResetTimer()
	u0, s0 := cpuTimes()
	for range b.N {
		if j == benchSteps {
			b.StopTimer()
			w, j = newWitness(), 1
			b.StartTimer()
		}
		s := steps[j]
		if _, err := w.AddCheckpoint(ctx, s.old, s.proof, s.signed); err != nil {
			b.Fatal(err)
		}
		j++
	}
	b.StopTimer()
	u1, s1 := cpuTimes()
	b.ReportMetric(float64(u1-u0+s1-s0)/float64(b.N), "cpu-ns/op")
	b.ReportMetric(float64(u1-u0)/float64(b.N), "user-ns/op")
	b.ReportMetric(float64(s1-s0)/float64(b.N), "sys-ns/op")
}

// BenchmarkBaselineEd25519VerifySign is the bare primitive a witness is
// bound by: one Ed25519 verification and one signature.
func BenchmarkBaselineEd25519VerifySign(b *testing.B) {
	key := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{5}, 32))
	pub := key.Public().(ed25519.PublicKey)
	msg := []byte("example.com/bench-log\n1000000\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n")
	sig := ed25519.Sign(key, msg)
	b.ResetTimer()
	start := cpuTime()
	for range b.N {
		if !ed25519.Verify(pub, msg, sig) {
			b.Fatal("verify")
		}
		ed25519.Sign(key, msg)
	}
	b.StopTimer()
	b.ReportMetric(float64(cpuTime()-start)/float64(b.N), "cpu-ns/op")
}

const benchSamples = 1000

// BenchmarkVerifySampledReceipts verifies 1,000 sampled records of a
// million-entry log by their inclusion proofs against one verified
// checkpoint, as a witness does with its samples; proofs/s is per core
// (the loop runs on one goroutine).
func BenchmarkVerifySampledReceipts(b *testing.B) {
	tree := bigTree(b)
	h, _ := tlog.TreeHash(benchLogSize, tree)
	c := checkpoint.Checkpoint{Origin: tree.origin, Size: benchLogSize, Hash: h}
	type sample struct {
		index  uint64
		record []byte
		proof  tlog.RecordProof
	}
	samples := make([]sample, benchSamples)
	for k := range samples {
		i := uint64(k) * 999_983 % benchLogSize
		rec := make([]byte, 64)
		binary.BigEndian.PutUint64(rec, i)
		p, err := tlog.ProveRecord(benchLogSize, int64(i), tree)
		if err != nil {
			b.Fatal(err)
		}
		samples[k] = sample{i, rec, p}
	}
	b.ResetTimer()
	for range b.N {
		for _, s := range samples {
			if err := checkpoint.VerifyInclusion(c, s.index, s.record, s.proof); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(b.N*benchSamples)/b.Elapsed().Seconds(), "proofs/s")
}

// BenchmarkBaselineSHA256Proofs is the bare hashing 1,000 inclusion proofs
// of a million-entry log need: per proof one leaf hash and 20 interior
// node hashes (SHA-256 of 65 bytes).
func BenchmarkBaselineSHA256Proofs(b *testing.B) {
	var buf [65]byte
	b.ResetTimer()
	for range b.N {
		for range benchSamples {
			s := sha256.Sum256(buf[:65])
			for range 20 {
				copy(buf[1:], s[:])
				s = sha256.Sum256(buf[:])
			}
			buf[0] = s[0]
		}
	}
	b.ReportMetric(float64(b.N*benchSamples)/b.Elapsed().Seconds(), "proofs/s")
}
