package cahp

import (
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/zeebo/blake3"
)

var (
	benchPrefix = []byte("0123456789abcdef")
	benchSID    = []byte("sixteen-byte-sid")
)

// BenchmarkBaselineSHA256 is one SHA-256 of the hashcash input's length (44
// bytes with a 16-byte prefix): the bound of a hashcash solver per core.
func BenchmarkBaselineSHA256(b *testing.B) {
	buf := hashcashInput(benchPrefix, benchSID)
	var sink byte
	for i := 0; b.Loop(); i++ {
		buf[len(buf)-1] = byte(i)
		s := sha256.Sum256(buf)
		sink ^= s[0]
	}
	_ = sink
}

// BenchmarkHashcashSolve is the solver on GOMAXPROCS workers (run with
// -cpu 1,2), trying b.N counters at a difficulty nothing meets: ns/op is the
// time per hash across all cores.
func BenchmarkHashcashSolve(b *testing.B) {
	b.ResetTimer()
	_, _, err := searchParallel(context.Background(), benchPrefix, benchSID, 64, runtime.GOMAXPROCS(0), uint64(b.N))
	if err == nil {
		b.Fatal("found a 64-bit solution")
	}
}

// benchFile is a 1 GiB weight file shared by the weight benchmarks, written
// once per run (and so in the page cache), removed by TestMain.
var (
	benchOnce sync.Once
	benchDir  string
)

const benchSize = 1 << 30

func weightsDir(b *testing.B) string {
	benchOnce.Do(func() {
		dir, err := os.MkdirTemp("", "accord-cahp-bench-")
		require.NoError(b, err)
		f, err := os.Create(filepath.Join(dir, "weights.bin"))
		require.NoError(b, err)
		buf := make([]byte, 1<<20)
		for i := range benchSize / len(buf) {
			for j := range buf {
				buf[j] = byte(i*31 + j*7)
			}
			_, err := f.Write(buf)
			require.NoError(b, err)
		}
		require.NoError(b, f.Close())
		benchDir = dir
	})
	return benchDir
}

func TestMain(m *testing.M) {
	code := m.Run()
	if benchDir != "" {
		os.RemoveAll(benchDir)
	}
	os.Exit(code)
}

// BenchmarkBaselineBlake3File hashes the 1 GiB file with one BLAKE3 hasher
// on one goroutine, read in 1 MiB pieces: single-threaded BLAKE3.
func BenchmarkBaselineBlake3File(b *testing.B) {
	dir := weightsDir(b)
	b.SetBytes(benchSize)
	buf := make([]byte, 1<<20)
	for b.Loop() {
		f, err := os.Open(filepath.Join(dir, "weights.bin"))
		require.NoError(b, err)
		h := blake3.New()
		_, err = io.CopyBuffer(h, f, buf)
		require.NoError(b, err)
		f.Close()
	}
}

// BenchmarkCommitWeights commits to the 1 GiB file on GOMAXPROCS workers
// and reports the peak live heap seen while it runs.
func BenchmarkCommitWeights(b *testing.B) {
	dir := weightsDir(b)
	b.SetBytes(benchSize)
	runtime.GC()
	var peak atomic.Uint64
	stop := make(chan struct{})
	go func() {
		s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		for {
			metrics.Read(s)
			if v := s[0].Value.Uint64(); v > peak.Load() {
				peak.Store(v)
			}
			select {
			case <-stop:
				return
			case <-time.After(time.Millisecond):
			}
		}
	}()
	for b.Loop() {
		_, err := CommitWeights(context.Background(), dir)
		require.NoError(b, err)
	}
	close(stop)
	b.ReportMetric(float64(peak.Load())/(1<<20), "peak-heap-MiB")
}

// BenchmarkBaselineEd25519 signs and verifies nine messages: the signatures
// a handshake cannot do without.
func BenchmarkBaselineEd25519(b *testing.B) {
	priv := ed25519.NewKeyFromSeed(make([]byte, 32))
	msg := make([]byte, 400)
	for b.Loop() {
		for range 9 {
			sig := ed25519.Sign(priv, msg)
			if !ed25519.Verify(priv.Public().(ed25519.PublicKey), msg, sig) {
				b.Fatal("verify")
			}
		}
	}
}

// BenchmarkHandshake is a whole five-phase handshake at difficulty 0 over
// the in-memory transport: an open-weight initiator (4 spot checks of 1 KiB
// chunks) and a metabolic responder (in-memory chain).
func BenchmarkHandshake(b *testing.B) {
	f := newFixture(b, fixtureOpts{respPolicy: func(p *Policy) { p.Difficulty = 0 }})
	f.resp.onSession = nil
	tr := NewMemoryTransport(f.resp)
	for b.Loop() {
		if _, err := f.init.Handshake(context.Background(), tr); err != nil {
			b.Fatal(err)
		}
	}
}
