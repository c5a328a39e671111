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
