package bundle

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/zeebo/blake3"
)

// Benchmarks of the bundle beside the primitive they are bound by: blake3
// over the same bytes. Large members: build and verify of one 32 MiB member
// against BenchmarkBaselineBlake3Large. Small members: build and verify of
// 10,000 and 100,000 members of 500 bytes (members/s, and peak heap while
// building or verifying) against BenchmarkBaselineBlake3Small. Run with
//
//	go test -run '^$' -bench . -count 6 ./bundle

const largeSize = 32 << 20

var largeMember = sync.OnceValue(func() []byte {
	b := make([]byte, largeSize)
	for i := range b {
		b[i] = byte(i * 7)
	}
	return b
})

func BenchmarkBaselineBlake3Large(b *testing.B) {
	data := largeMember()
	b.SetBytes(largeSize)
	for b.Loop() {
		h := blake3.New()
		h.Write(data)
		h.Sum(nil)
	}
}

func BenchmarkBuildLarge(b *testing.B) {
	buildLarge(b)
}

// BenchmarkBuildLargeDisk spools the member to a temporary file instead of
// memory (what happens to members beyond WithSpoolMemory).
func BenchmarkBuildLargeDisk(b *testing.B) {
	buildLarge(b, WithSpoolMemory(0))
}

func buildLarge(b *testing.B, opts ...WriterOption) {
	s, _ := newSigner(1)
	data := largeMember()
	opts = append(opts, WithCreatedAt(testTime), WithTempDir(b.TempDir()))
	b.SetBytes(largeSize)
	for b.Loop() {
		w, err := NewWriter(io.Discard, s, opts...)
		if err != nil {
			b.Fatal(err)
		}
		if err := w.Add("large.bin", bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
		if err := w.Close(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerifyLarge(b *testing.B) {
	s, pub := newSigner(1)
	var out bytes.Buffer
	w, _ := NewWriter(&out, s, WithCreatedAt(testTime))
	if err := w.Add("large.bin", bytes.NewReader(largeMember())); err != nil {
		b.Fatal(err)
	}
	if err := w.Close(); err != nil {
		b.Fatal(err)
	}
	bundle := out.Bytes()
	b.SetBytes(largeSize)
	for b.Loop() {
		if _, err := Verify(bytes.NewReader(bundle), pub, readAll); err != nil {
			b.Fatal(err)
		}
	}
}

func readAll(_ string, r io.Reader) error {
	_, err := io.Copy(io.Discard, r)
	return err
}

// smallBundles caches bundle files of n 500-byte members, built once per
// process (on disk, so that the bundle's bytes are not on the heap being
// measured).
var smallBundles sync.Map

func smallBundle(b *testing.B, n int) string {
	if p, ok := smallBundles.Load(n); ok {
		return p.(string)
	}
	s, _ := newSigner(1)
	f, err := os.CreateTemp("", "accord-bundle-bench-*.tar")
	if err != nil {
		b.Fatal(err)
	}
	w, err := NewWriter(f, s, WithCreatedAt(testTime))
	if err != nil {
		b.Fatal(err)
	}
	body := bytes.Repeat([]byte("h"), 500)
	for i := range n {
		copy(body, fmt.Sprintf("%08d", i))
		if err := w.Add(fmt.Sprintf("heartbeats/inst-%03d/%08d.json", i%1000, i), bytes.NewReader(body)); err != nil {
			b.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	smallBundles.Store(n, f.Name())
	return f.Name()
}

func TestMain(m *testing.M) {
	code := m.Run()
	smallBundles.Range(func(_, p any) bool {
		os.Remove(p.(string))
		return true
	})
	os.Exit(code)
}

func BenchmarkBaselineBlake3Small(b *testing.B) {
	body := bytes.Repeat([]byte("h"), 500)
	b.SetBytes(500)
	for b.Loop() {
		blake3.Sum256(body)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "members/s")
}

// smallNames returns the names of n small members in name order.
func smallNames(n int) []string {
	names := make([]string, n)
	for i := range names {
		names[i] = fmt.Sprintf("heartbeats/inst-%03d/%08d.json", i/1000, i)
	}
	return names
}

// buildSmall writes a bundle of the 500-byte members named names, in the
// order given, to io.Discard.
func buildSmall(b *testing.B, names []string, opts ...WriterOption) {
	s, _ := newSigner(1)
	body := bytes.Repeat([]byte("h"), 500)
	var r bytes.Reader
	w, err := NewWriter(io.Discard, s, append([]WriterOption{WithCreatedAt(testTime), WithTempDir(b.TempDir())}, opts...)...)
	if err != nil {
		b.Fatal(err)
	}
	for _, name := range names {
		copy(body, name[len(name)-13:len(name)-5])
		r.Reset(body)
		if err := w.Add(name, &r); err != nil {
			b.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		b.Fatal(err)
	}
}

// smallBuilds are the cases of the small-member build benchmarks: members
// added in name order (the Writer's flat-memory path) or in reverse order
// (members held in memory and sorted at Close), with bodies spooled in
// memory (the default, up to 64 MiB) or on disk beyond 1 MiB.
var smallBuilds = []struct {
	desc    string
	reverse bool
	opts    []WriterOption
}{
	{"sorted", false, nil},
	{"reversed", true, nil},
	{"sorted-disk", false, []WriterOption{WithSpoolMemory(1 << 20)}},
	{"reversed-disk", true, []WriterOption{WithSpoolMemory(1 << 20)}},
}

// runSmallBuilds runs f as a sub-benchmark for 10,000 and 100,000 members
// and each of smallBuilds, with the members' names in the order to add.
func runSmallBuilds(b *testing.B, f func(b *testing.B, names []string, opts []WriterOption)) {
	for _, n := range []int{10_000, 100_000} {
		names := smallNames(n)
		reversed := slices.Clone(names)
		slices.Reverse(reversed)
		for _, tc := range smallBuilds {
			order := names
			if tc.reverse {
				order = reversed
			}
			b.Run(fmt.Sprintf("members=%d/%s", n, tc.desc), func(b *testing.B) { f(b, order, tc.opts) })
		}
	}
}

// BenchmarkBuildSmall builds bundles of 500-byte members to io.Discard, to
// compare with BenchmarkBaselineBlake3Small.
func BenchmarkBuildSmall(b *testing.B) {
	runSmallBuilds(b, func(b *testing.B, names []string, opts []WriterOption) {
		for b.Loop() {
			buildSmall(b, names, opts...)
		}
		b.ReportMetric(float64(len(names))*float64(b.N)/b.Elapsed().Seconds(), "members/s")
	})
}

// BenchmarkBuildSmallMemory measures the heap while building, as
// BenchmarkVerifySmallMemory does: peak-B is the largest growth of heap
// objects during the build (the names are made before), garbage included;
// live-B the largest growth of the live heap, as each GC marks it, so
// without the garbage (each name read back from the spool at Close is a
// new string).
func BenchmarkBuildSmallMemory(b *testing.B) {
	runSmallBuilds(b, func(b *testing.B, names []string, opts []WriterOption) {
		var peak, live uint64
		for b.Loop() {
			var l uint64
			p, _, _ := heapUse(func() (any, error) {
				l = liveGrowth(func() { buildSmall(b, names, opts...) })
				return nil, nil
			})
			peak, live = max(peak, p), max(live, l)
		}
		b.ReportMetric(float64(peak), "peak-B")
		b.ReportMetric(float64(live), "live-B")
	})
}

// liveGrowth runs fn and returns the largest growth of the live heap (as
// of the last GC, read every 100µs) over what it was before.
func liveGrowth(fn func()) uint64 {
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(sample)
	base, top := sample[0].Value.Uint64(), uint64(0)
	stop, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
		for {
			metrics.Read(s)
			top = max(top, s[0].Value.Uint64())
			select {
			case <-stop:
				return
			case <-time.After(100 * time.Microsecond):
			}
		}
	}()
	fn()
	close(stop)
	<-done
	return sub(top, base)
}

func BenchmarkVerifySmall(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		b.Run(fmt.Sprintf("members=%d", n), func(b *testing.B) {
			path := smallBundle(b, n)
			_, pub := newSigner(1)
			for b.Loop() {
				f, err := os.Open(path)
				if err != nil {
					b.Fatal(err)
				}
				_, err = Verify(f, pub, readAll)
				f.Close()
				if err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "members/s")
		})
	}
}

// BenchmarkVerifySmallMemory measures the heap while verifying, with the GC
// kept tight (GOGC=10) so that the heap follows live memory: peak-B is the
// largest growth of heap objects sampled during Verify, retained-B the live
// heap the returned Manifest holds, and stream-B their difference, what
// reading the archive costs beyond the manifest.
func BenchmarkVerifySmallMemory(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		b.Run(fmt.Sprintf("members=%d", n), func(b *testing.B) {
			path := smallBundle(b, n)
			_, pub := newSigner(1)
			var peak, retained uint64
			for b.Loop() {
				f, err := os.Open(path)
				if err != nil {
					b.Fatal(err)
				}
				var m *Manifest
				p, r, err := heapUse(func() (any, error) {
					m, err = Verify(f, pub, readAll)
					return m, err
				})
				f.Close()
				if err != nil {
					b.Fatal(err)
				}
				peak, retained = max(peak, p), max(retained, r)
			}
			b.ReportMetric(float64(peak), "peak-B")
			b.ReportMetric(float64(retained), "retained-B")
			b.ReportMetric(float64(sub(peak, retained)), "stream-B")
		})
	}
}

// heapUse runs fn and returns the largest growth of heap objects seen while
// it ran (sampled every 100µs from runtime/metrics, over the heap after a GC
// before it started) and the growth of the live heap after it returned, with
// its result still reachable.
func heapUse(fn func() (any, error)) (peak, retained uint64, err error) {
	const name = "/memory/classes/heap/objects:bytes"
	read := func() uint64 {
		s := []metrics.Sample{{Name: name}}
		metrics.Read(s)
		return s[0].Value.Uint64()
	}
	defer debug.SetGCPercent(debug.SetGCPercent(10))
	runtime.GC()
	base := read()
	var top uint64
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(100 * time.Microsecond)
		defer t.Stop()
		for {
			top = max(top, read())
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	}()
	result, err := fn()
	close(stop)
	<-done
	runtime.GC()
	live := read()
	runtime.KeepAlive(result)
	return sub(top, base), sub(live, base), err
}

func sub(a, b uint64) uint64 {
	if a < b {
		return 0
	}
	return a - b
}
