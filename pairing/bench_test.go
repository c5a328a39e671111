package pairing

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"slices"
	"strings"
	"testing"
	"time"
)

// payload256 is a PERIPH_CALL body whose JSON is 256 bytes.
func payload256(b *testing.B) callBody {
	body := callBody{RequestID: "r-000001"}
	body.Data = strings.Repeat("x", 256-len(`{"requestId":"r-000001","data":""}`))
	if raw, _ := canonicalJSON(body); len(raw) != 256 {
		b.Fatalf("body of %d bytes", len(raw))
	}
	return body
}

// BenchmarkChannelSealOpen seals a 256-byte swarm message on one channel and
// opens it on another (a real clock: the replay cache fills as it would).
func BenchmarkChannelSealOpen(b *testing.B) {
	g := testGrant()
	a, err := NewChannel("zone-a", g, WithStartupFence(time.Time{}))
	if err != nil {
		b.Fatal(err)
	}
	r, err := NewChannel("zone-b", g, WithStartupFence(time.Time{}))
	if err != nil {
		b.Fatal(err)
	}
	body := payload256(b)
	b.ReportAllocs()
	for b.Loop() {
		m, err := a.Seal(KindPeriphCall, "zone-b", body)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := r.Open(m); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBaselineHMACSHA256 computes and checks HMAC-SHA256 of 256 bytes:
// the primitive a swarm message is bound by.
func BenchmarkBaselineHMACSHA256(b *testing.B) {
	key := make([]byte, 32)
	msg := make([]byte, 256)
	b.ReportAllocs()
	for b.Loop() {
		m := hmac.New(sha256.New, key)
		m.Write(msg)
		tag := m.Sum(nil)
		v := hmac.New(sha256.New, key)
		v.Write(msg)
		if !hmac.Equal(v.Sum(nil), tag) {
			b.Fatal("mismatch")
		}
	}
}

var _ = context.Background

// The paired benchmarks alternate an operation with its baseline in one loop
// and time every call; they report the median of each and the ratio. On a
// shared machine the mean of a plain benchmark swings with the load, while
// the median of many short calls is the cost of a call that ran undisturbed.
func pairedMedian(b *testing.B, base, ours func()) {
	var tb, to []time.Duration
	for b.Loop() {
		t := time.Now()
		base()
		u := time.Now()
		ours()
		w := time.Now()
		tb = append(tb, u.Sub(t))
		to = append(to, w.Sub(u))
	}
	slices.Sort(tb)
	slices.Sort(to)
	mb, mo := tb[len(tb)/2], to[len(to)/2]
	b.ReportMetric(float64(mb.Nanoseconds()), "base-median-ns")
	b.ReportMetric(float64(mo.Nanoseconds()), "median-ns")
	b.ReportMetric(float64(mo)/float64(mb), "ratio")
	b.ReportMetric(1e9/float64(mo.Nanoseconds()), "msgs/s")
}

// BenchmarkPairedChannelSealOpen: seal and open of a 256-byte PERIPH_CALL
// body (encrypted), against HMAC-SHA256 computed and checked over 256 bytes.
// Target: at least 100,000 seal+open a second on one core (median <= 10 µs).
func BenchmarkPairedChannelSealOpen(b *testing.B) {
	g := testGrant()
	a, _ := NewChannel("zone-a", g, WithStartupFence(time.Time{}))
	r, _ := NewChannel("zone-b", g, WithStartupFence(time.Time{}))
	body := payload256(b)
	key, msg := make([]byte, 32), make([]byte, 256)
	pairedMedian(b, func() {
		m := hmac.New(sha256.New, key)
		m.Write(msg)
		tag := m.Sum(nil)
		v := hmac.New(sha256.New, key)
		v.Write(msg)
		if !hmac.Equal(v.Sum(nil), tag) {
			b.Fatal("mismatch")
		}
	}, func() {
		m, err := a.Seal(KindPeriphCall, "zone-b", body)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := r.Open(m); err != nil {
			b.Fatal(err)
		}
	})
}

// pairOnce runs the computation of a whole pairing for both sides (the
// pocket's and the zone's CPace, both confirmation tags, the sealed
// PAIR_DELIVER and PAIR_COMPLETE), through encoded messages, without a
// transport.
func pairOnce(b *testing.B, code Code, give *Grant) {
	ci := channelID(flowDeliver)
	sid := make([]byte, sidSize)
	randReader.Read(sid)
	a, err := newCPace(true, code.prs(), ci, sid, []byte("pocket-1"), randReader)
	if err != nil {
		b.Fatal(err)
	}
	offer, _ := (&Message{Type: TypeOffer, V: 1, Label: "Pocket", ComputerID: "pocket-1", Session: sid, Sid: sid, Share: a.share}).Marshal()
	om, err := ParseMessage(offer)
	if err != nil {
		b.Fatal(err)
	}
	z, err := newCPace(false, code.prs(), ci, om.Sid, []byte("zone-a"), randReader)
	if err != nil {
		b.Fatal(err)
	}
	zr, err := z.finish(om.Share, []byte(om.ComputerID))
	if err != nil {
		b.Fatal(err)
	}
	answer, _ := (&Message{Type: TypeAnswer, V: 1, Label: "Kitchen", ComputerID: "zone-a", Sid: om.Sid, Share: z.share, Confirm: zr.ownTag}).Marshal()
	am, err := ParseMessage(answer)
	if err != nil {
		b.Fatal(err)
	}
	ar, err := a.finish(am.Share, []byte(am.ComputerID))
	if err != nil || !hmac.Equal(am.Confirm, ar.peerTag) {
		b.Fatal("answer does not confirm", err)
	}
	sealed, err := seal(ar.isk, sid, TypeDeliver, give.body(false))
	if err != nil {
		b.Fatal(err)
	}
	deliver, _ := (&Message{Type: TypeDeliver, V: 1, Sid: sid, Confirm: ar.ownTag, Sealed: sealed}).Marshal()
	dm, err := ParseMessage(deliver)
	if err != nil || !hmac.Equal(dm.Confirm, zr.peerTag) {
		b.Fatal("deliver does not confirm", err)
	}
	var body grantBody
	if err := open(zr.isk, dm.Sid, TypeDeliver, dm.Sealed, &body); err != nil {
		b.Fatal(err)
	}
	if err := body.check(TypeDeliver); err != nil {
		b.Fatal(err)
	}
	cs, err := seal(zr.isk, dm.Sid, TypeComplete, &completeBody{Label: "Kitchen", Success: true})
	if err != nil {
		b.Fatal(err)
	}
	complete, _ := (&Message{Type: TypeComplete, V: 1, Sid: sid, Sealed: cs}).Marshal()
	cm, err := ParseMessage(complete)
	if err != nil {
		b.Fatal(err)
	}
	var cb completeBody
	if err := open(ar.isk, sid, TypeComplete, cm.Sealed, &cb); err != nil || !cb.Success {
		b.Fatal("complete", err)
	}
}

// BenchmarkPairedPairing: a whole pairing, both sides, against one
// ristretto255 scalar multiplication (a pairing needs four, two generator
// derivations, and hashing). Target: at most 2 ms of CPU.
func BenchmarkPairedPairing(b *testing.B) {
	code := NewCode()
	give := testGrant()
	s, _ := sampleScalar(randReader)
	g := calculateGenerator([]byte("x"), nil, nil)
	pairedMedian(b, func() { scalarMult(s, g) }, func() { pairOnce(b, code, &give) })
}

// BenchmarkPairing is the same pairing as a plain benchmark.
func BenchmarkPairing(b *testing.B) {
	code := NewCode()
	give := testGrant()
	b.ReportAllocs()
	for b.Loop() {
		pairOnce(b, code, &give)
	}
}
