package envelope

import (
	"crypto/ed25519"
	"runtime"
	"slices"
	"testing"
	"time"
)

// The benchmarks in this file pair an operation with its baseline in the
// same loop, alternating them, and time every call. They report the median
// time per call of each and the ratio of the medians. On a machine shared with
// other work the mean of a plain benchmark swings with the load (a call that
// is preempted counts its whole wait), while the median of many short calls
// is the cost of a call that ran undisturbed, for ours and the baseline alike.

// pairedMedian runs base and ours alternately b.N times each and reports
// the median duration of each, divided by calls (the number of operations
// each function performs), and ours/base.
func pairedMedian(b *testing.B, calls int, base, ours func()) {
	var tBase, tOurs []time.Duration
	for b.Loop() {
		t := time.Now()
		base()
		u := time.Now()
		ours()
		w := time.Now()
		tBase = append(tBase, u.Sub(t))
		tOurs = append(tOurs, w.Sub(u))
	}
	mb, mo := median(tBase), median(tOurs)
	b.ReportMetric(float64(mb.Nanoseconds())/float64(calls), "base-median-ns")
	b.ReportMetric(float64(mo.Nanoseconds())/float64(calls), "median-ns")
	b.ReportMetric(float64(mo)/float64(mb), "ratio")
}

func median(d []time.Duration) time.Duration {
	slices.Sort(d)
	return d[len(d)/2]
}

func pairedOpen(b *testing.B, format Format) {
	env, payload, pub := benchEnvelope(b, format)
	sig := ed25519.Sign(testKey(1), payload)
	v, err := NewVerifier(WithTypes("bench/msg"), WithKeys(NewEd25519Signer(testKey(1)).PublicKey()), WithoutFreshness())
	if err != nil {
		b.Fatal(err)
	}
	pairedMedian(b, 1, func() {
		if !ed25519.Verify(pub, payload, sig) {
			b.Fatal("verify failed")
		}
	}, func() {
		if _, err := v.Open(env); err != nil {
			b.Fatal(err)
		}
	})
}

// BenchmarkPairedOpenJSONvsVerify: Open (JSON) against ed25519.Verify of the
// 256-byte payload. Target ratio <= 1.10.
func BenchmarkPairedOpenJSONvsVerify(b *testing.B) { pairedOpen(b, FormatJSON) }

// BenchmarkPairedOpenCBORvsVerify: the same for CBOR. Target ratio <= 1.05.
func BenchmarkPairedOpenCBORvsVerify(b *testing.B) { pairedOpen(b, FormatCBOR) }

// BenchmarkPairedSealJSONvsSign: Seal (JSON, struct payload) against
// ed25519.Sign of the 256-byte payload. Target ratio <= 1.15.
func BenchmarkPairedSealJSONvsSign(b *testing.B) {
	_, payload, _ := benchEnvelope(b, FormatJSON)
	priv := testKey(1)
	s := NewEd25519Signer(priv)
	p := newBenchPayload(FormatJSON)
	pairedMedian(b, 1, func() { ed25519.Sign(priv, payload) }, func() {
		if _, err := Seal(s, "bench/msg", p, WithTimestamp(t0)); err != nil {
			b.Fatal(err)
		}
	})
}

// BenchmarkPairedReplayCheckAndInsert: check-and-insert into a cache holding
// 1,000,000 live nonces, timed in blocks of 100 calls. The baseline is an insert into a plain map of
// the same size. Target: <= 250 ns.
func BenchmarkPairedReplayCheckAndInsert(b *testing.B) {
	const live, block = 1_000_000, 100
	c := liveCache(b, live)
	m := make(map[[2]uint64]struct{}, live)
	for i := range uint64(live) {
		m[[2]uint64{i, i * 0x9e3779b97f4a7c15}] = struct{}{}
	}
	var nonce [NonceSize]byte
	nonce[15] = 3
	i, j := uint64(0), uint64(live)
	pairedMedian(b, block, func() {
		for range block {
			j++
			m[[2]uint64{j, j * 0x9e3779b97f4a7c15}] = struct{}{}
		}
	}, func() {
		for range block {
			insertNonce(b, c, nonce[:], i)
			i++
		}
	})
	b.ReportMetric(heapPerNonce, "heapB/nonce")
}

// BenchmarkPairedOpenBatch opens the same batch of 64 envelopes with
// OpenBatch on one core and on two, alternately, and reports the median batch
// time of each (per envelope) and the speed-up, two-core rate over one-core
// rate. Target: at least 1.8 on 2 cores.
func BenchmarkPairedOpenBatch(b *testing.B) {
	if runtime.NumCPU() < 2 {
		b.Skip("needs 2 cores")
	}
	const n = 64
	msgs, v := batchFixture(b, n)
	batch := func(procs int) func() {
		return func() {
			defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
			for _, r := range v.OpenBatch(msgs) {
				if r.Err != nil {
					b.Fatal(r.Err)
				}
			}
		}
	}
	var t1, t2 []time.Duration
	for b.Loop() {
		t := time.Now()
		batch(1)()
		u := time.Now()
		batch(2)()
		w := time.Now()
		t1 = append(t1, u.Sub(t))
		t2 = append(t2, w.Sub(u))
	}
	m1, m2 := median(t1), median(t2)
	b.ReportMetric(float64(m1.Nanoseconds())/n, "1core-ns/envelope")
	b.ReportMetric(float64(m2.Nanoseconds())/n, "2core-ns/envelope")
	b.ReportMetric(float64(m1)/float64(m2), "speedup")
}
