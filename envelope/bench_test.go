package envelope

import (
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/fxamacker/cbor/v2"
)

// benchPayload is a payload whose JSON (and CBOR) form is 256 bytes.
type benchPayload struct {
	Agent   string   `json:"agent" cbor:"agent"`
	Seq     int64    `json:"seq" cbor:"seq"`
	Digest  string   `json:"digest" cbor:"digest"`
	Labels  []string `json:"labels" cbor:"labels"`
	Comment string   `json:"comment" cbor:"comment"`
}

func newBenchPayload(format Format) benchPayload {
	p := benchPayload{
		Agent:  "agent-7f3a",
		Seq:    123456,
		Digest: "blake3:" + "af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262",
		Labels: []string{"prod", "eu-west", "gpu"},
	}
	size := func() int {
		var b []byte
		if format == FormatJSON {
			b, _ = json.Marshal(p)
		} else {
			b, _ = cbor.Marshal(p)
		}
		return len(b)
	}
	for size() < 256 {
		p.Comment += "x"
	}
	return p
}

// benchEnvelope returns an envelope with a 256-byte payload, the payload (in
// canonical form) and the public key, for the baselines.
func benchEnvelope(b *testing.B, format Format) (env, payload []byte, pub ed25519.PublicKey) {
	priv := testKey(1)
	s := NewEd25519Signer(priv)
	var err error
	if format == FormatJSON {
		env, err = Seal(s, "bench/msg", newBenchPayload(format), WithTimestamp(t0))
	} else {
		env, err = SealCBOR(s, "bench/msg", newBenchPayload(format), WithTimestamp(t0))
	}
	if err != nil {
		b.Fatal(err)
	}
	e, _, err := parse(env)
	if err != nil {
		b.Fatal(err)
	}
	if len(e.Payload) != 256 {
		b.Fatalf("payload of %d bytes, want 256", len(e.Payload))
	}
	return env, e.Payload, priv.Public().(ed25519.PublicKey)
}

// BenchmarkBaselineEd25519Verify is ed25519.Verify of the 256-byte payload.
func BenchmarkBaselineEd25519Verify(b *testing.B) {
	_, payload, pub := benchEnvelope(b, FormatJSON)
	sig := ed25519.Sign(testKey(1), payload)
	for b.Loop() {
		if !ed25519.Verify(pub, payload, sig) {
			b.Fatal("verify failed")
		}
	}
}

// benchOpen opens the same envelope repeatedly; the replay cache would refuse
// the repeats, so the verifier runs WithoutFreshness. BenchmarkOpenFresh
// measures the replay cache as well.
func benchOpen(b *testing.B, format Format) {
	env, _, _ := benchEnvelope(b, format)
	v, err := NewVerifier(WithTypes("bench/msg"), WithKeys(NewEd25519Signer(testKey(1)).PublicKey()), WithoutFreshness())
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := v.Open(env); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkOpenJSON is Open of a JSON Ed25519 envelope with a 256-byte
// payload. Target: at most 1.10 x BenchmarkBaselineEd25519Verify.
func BenchmarkOpenJSON(b *testing.B) { benchOpen(b, FormatJSON) }

// BenchmarkOpenCBOR is the same for CBOR. Target: at most 1.05 x.
func BenchmarkOpenCBOR(b *testing.B) { benchOpen(b, FormatCBOR) }

// BenchmarkOpenFreshJSON is Open with the window check and replay cache: a
// distinct envelope each time (made before the timer starts).
func BenchmarkOpenFreshJSON(b *testing.B) {
	s := NewEd25519Signer(testKey(1))
	const n = 4096
	msgs := make([][]byte, n)
	for i := range msgs {
		var err error
		if msgs[i], err = Seal(s, "bench/msg", newBenchPayload(FormatJSON), WithTimestamp(t0)); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	i := 0
	var v *Verifier
	for b.Loop() {
		if i%n == 0 {
			b.StopTimer()
			v, _ = newTestVerifier(b, []Signer{s}, WithTypes("bench/msg"))
			b.StartTimer()
		}
		if _, err := v.Open(msgs[i%n]); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkBaselineEd25519Sign is ed25519.Sign of the 256-byte payload.
func BenchmarkBaselineEd25519Sign(b *testing.B) {
	_, payload, _ := benchEnvelope(b, FormatJSON)
	priv := testKey(1)
	for b.Loop() {
		ed25519.Sign(priv, payload)
	}
}

// BenchmarkSealJSON is Seal of the 256-byte payload struct. Target: at most
// 1.15 x BenchmarkBaselineEd25519Sign.
func BenchmarkSealJSON(b *testing.B) {
	s := NewEd25519Signer(testKey(1))
	p := newBenchPayload(FormatJSON)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Seal(s, "bench/msg", p, WithTimestamp(t0)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSealCBOR is SealCBOR of the same payload.
func BenchmarkSealCBOR(b *testing.B) {
	s := NewEd25519Signer(testKey(1))
	p := newBenchPayload(FormatCBOR)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := SealCBOR(s, "bench/msg", p, WithTimestamp(t0)); err != nil {
			b.Fatal(err)
		}
	}
}

// batchFixture seals n distinct JSON envelopes and returns them with a
// verifier for them that has no freshness checks, so they open repeatedly.
func batchFixture(b *testing.B, n int) ([][]byte, *Verifier) {
	s := NewEd25519Signer(testKey(1))
	msgs := make([][]byte, n)
	for i := range msgs {
		var err error
		if msgs[i], err = Seal(s, "bench/msg", newBenchPayload(FormatJSON), WithTimestamp(t0)); err != nil {
			b.Fatal(err)
		}
	}
	v, err := NewVerifier(WithTypes("bench/msg"), WithKeys(s.PublicKey()), WithoutFreshness())
	if err != nil {
		b.Fatal(err)
	}
	return msgs, v
}

// BenchmarkOpenBatch opens a batch of distinct envelopes with OpenBatch, on
// 1 and on GOMAXPROCS cores. Target: on 2 cores at least 1.8 x the 1-core
// rate.
func BenchmarkOpenBatch(b *testing.B) {
	const n = 256
	msgs, v := batchFixture(b, n)
	for _, procs := range []int{1, runtime.GOMAXPROCS(0)} {
		b.Run("procs="+strconv.Itoa(procs), func(b *testing.B) {
			defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
			for b.Loop() {
				for _, r := range v.OpenBatch(msgs) {
					if r.Err != nil {
						b.Fatal(r.Err)
					}
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/envelope")
		})
	}
}

// BenchmarkBaselineMapInsert is an insert into a Go map of 16-byte keys, the
// primitive a replay cache is bound by.
func BenchmarkBaselineMapInsert(b *testing.B) {
	m := make(map[[2]uint64]struct{})
	var k [2]uint64
	for b.Loop() {
		k[0]++
		k[1] = k[0] * 0x9e3779b97f4a7c15
		m[k] = struct{}{}
		if len(m) >= 1_000_000 {
			b.StopTimer()
			m = make(map[[2]uint64]struct{})
			b.StartTimer()
		}
	}
}

// liveCache returns a replay cache holding live nonces, all inside the window
// at time t0.
func liveCache(b *testing.B, live int) *ReplayCache {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	c, err := NewReplayCache(time.Hour, 16*live)
	if err != nil {
		b.Fatal(err)
	}
	var nonce [NonceSize]byte
	for i := range live {
		insertNonce(b, c, nonce[:], uint64(i))
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	heapPerNonce = float64(after.HeapAlloc-before.HeapAlloc) / float64(live)
	return c
}

// heapPerNonce is the heap a replay cache used per live nonce, measured by
// liveCache and reported by the replay benchmarks.
var heapPerNonce float64

// insertNonce records nonce numbered i (its first 8 bytes) with a timestamp
// up to ten minutes before t0.
func insertNonce(b *testing.B, c *ReplayCache, nonce []byte, i uint64) {
	putCounter(nonce, i)
	if err := c.CheckAndInsert("ed25519:z6MkBench", nonce, t0.Unix()-int64(i%600), t0.Unix()); err != nil {
		b.Fatal(err)
	}
}

func putCounter(b []byte, v uint64) {
	for i := range 8 {
		b[i] = byte(v >> (8 * i))
	}
}

// BenchmarkReplayCheckAndInsert is one check-and-insert of a new nonce into a
// cache that already holds 1,000,000 live nonces. Target: at most 250 ns.
func BenchmarkReplayCheckAndInsert(b *testing.B) {
	const live = 1_000_000
	c := liveCache(b, live)
	var nonce [NonceSize]byte
	nonce[15] = 1
	i := uint64(0)
	b.ReportAllocs()
	for b.Loop() {
		insertNonce(b, c, nonce[:], i)
		i++
	}
	b.ReportMetric(heapPerNonce, "heapB/nonce")
}

// BenchmarkReplayCheckAndInsertParallel is the same from GOMAXPROCS
// goroutines at once.
func BenchmarkReplayCheckAndInsertParallel(b *testing.B) {
	const live = 1_000_000
	c := liveCache(b, live)
	var ctr atomicCounter
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		var nonce [NonceSize]byte
		nonce[15] = 2
		for pb.Next() {
			i := ctr.next()
			insertNonce(b, c, nonce[:], i)
		}
	})
	b.ReportMetric(heapPerNonce, "heapB/nonce")
}

// BenchmarkParseJSON is the parsing part of Open (everything but the
// signature check and the replay cache).
func BenchmarkParseJSON(b *testing.B) {
	env, _, _ := benchEnvelope(b, FormatJSON)
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := parseJSON(env); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseCBOR is the parsing part of Open for CBOR.
func BenchmarkParseCBOR(b *testing.B) {
	env, _, _ := benchEnvelope(b, FormatCBOR)
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := parseCBOR(env); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecodePayloadJSON decodes a 256-byte JSON payload into its
// struct with the strict reader.
func BenchmarkDecodePayloadJSON(b *testing.B) {
	env, _, _ := benchEnvelope(b, FormatJSON)
	e, _, err := parse(env)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		var p benchPayload
		if err := e.DecodePayload(&p); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBaselineJSONDecoder is the same decode with encoding/json's
// Decoder and DisallowUnknownFields (which match names without regard to
// case and let duplicates through).
func BenchmarkBaselineJSONDecoder(b *testing.B) {
	_, payload, _ := benchEnvelope(b, FormatJSON)
	b.ReportAllocs()
	for b.Loop() {
		var p benchPayload
		d := json.NewDecoder(bytes.NewReader(payload))
		d.DisallowUnknownFields()
		if err := d.Decode(&p); err != nil {
			b.Fatal(err)
		}
	}
}
