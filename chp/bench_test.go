package chp

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"slices"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/accordsdk/accord/bundle"
	"github.com/accordsdk/accord/envelope"
)

// loadClients is the number of concurrent HTTP clients of the load
// benchmarks.
const loadClients = 64

// benchHeartbeats returns n distinct plain heartbeats stamped now.
func benchHeartbeats(b *testing.B, n int, home string) [][]byte {
	now := time.Now().UTC()
	out := make([][]byte, n)
	for i := range out {
		h := Heartbeat{
			Packet: "heartbeat", InstanceID: uuidN(i % 5000), HomeURI: home, Version: "2025.11.03",
			LicenseHash: LicenseHash([]byte("licence")), EthicsSignature: "charter:v1", Status: StatusCoherent,
			Timestamp: now.Add(time.Duration(i) * time.Microsecond), Meta: map[string]any{"client": "bench/1", "hostname": fmt.Sprint("node-", i%97), "os": "linux"},
		}
		var err error
		if out[i], err = json.Marshal(h); err != nil {
			b.Fatal(err)
		}
	}
	return out
}

// load posts bodies to url from loadClients goroutines over keep-alive
// loopback connections and reports heartbeats/s and latency percentiles.
func load(b *testing.B, url string, bodies [][]byte) {
	tr := &http.Transport{MaxIdleConnsPerHost: loadClients, MaxConnsPerHost: loadClients}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 30 * time.Second}
	lat := make([]time.Duration, len(bodies))
	var next atomic.Int64
	var failed atomic.Int64
	var wg sync.WaitGroup
	b.ResetTimer()
	cpu0 := processCPU()
	start := time.Now()
	for range loadClients {
		wg.Go(func() {
			buf := make([]byte, 4096)
			for {
				i := int(next.Add(1) - 1)
				if i >= len(bodies) {
					return
				}
				t0 := time.Now()
				resp, err := client.Post(url, "application/json", bytes.NewReader(bodies[i]))
				if err != nil {
					failed.Add(1)
					continue
				}
				for {
					if _, err := resp.Body.Read(buf); err != nil {
						break
					}
				}
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					failed.Add(1)
				}
				lat[i] = time.Since(t0)
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	cpu := processCPU() - cpu0
	b.StopTimer()
	if f := failed.Load(); f > 0 {
		b.Fatalf("%d of %d requests failed", f, len(bodies))
	}
	slices.Sort(lat)
	b.ReportMetric(float64(len(bodies))/elapsed.Seconds(), "heartbeats/s")
	b.ReportMetric(float64(lat[len(lat)*50/100].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
	b.ReportMetric(float64(cpu.Microseconds())/float64(len(bodies)), "cpu-µs/heartbeat")
}

// processCPU returns the CPU time (user and system) the process has used.
// Per heartbeat it is a figure that other load on the machine disturbs far
// less than throughput: it counts the server's and the clients' work (they
// run in this process), not the time spent waiting for a core.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// serveBench serves h on a loopback port with the example's timeouts.
func serveBench(b *testing.B, h http.Handler) (string, func()) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 10 * time.Second, WriteTimeout: 10 * time.Second}
	go srv.Serve(ln)
	return "http://" + ln.Addr().String() + "/registry/heartbeat", func() { srv.Close() }
}

// BenchmarkLocalRegistryHTTP: POST /registry/heartbeat over loopback HTTP,
// schema validation, durable log append (group commit) and a signed ACK
// per heartbeat, 64 concurrent clients.
func BenchmarkLocalRegistryHTTP(b *testing.B) {
	lr, err := OpenLocalRegistry(b.TempDir(), testKey(50), WithAllowUnsigned(true))
	if err != nil {
		b.Fatal(err)
	}
	defer lr.Close()
	url, stop := serveBench(b, lr)
	defer stop()
	load(b, url, benchHeartbeats(b, max(b.N, loadClients), url))
}

// BenchmarkLocalRegistryHTTPSealed: the same with every heartbeat sealed
// in an envelope by its instance's key (64 instances), so the registry
// also verifies an Ed25519 signature, checks the pin and records the
// nonce.
func BenchmarkLocalRegistryHTTPSealed(b *testing.B) {
	lr, err := OpenLocalRegistry(b.TempDir(), testKey(50))
	if err != nil {
		b.Fatal(err)
	}
	defer lr.Close()
	url, stop := serveBench(b, lr)
	defer stop()
	hbs := benchHeartbeats(b, max(b.N, loadClients), url)
	signers := make([]envelope.Signer, 5000)
	for i := range signers {
		signers[i] = envelope.NewEd25519Signer(testKey(byte(i)))
	}
	for i, hb := range hbs {
		// benchHeartbeats gives heartbeat i to instance i%5000; instances
		// that share a key seed share a key, so each instance has one key.
		if hbs[i], err = envelope.Seal(signers[i%5000], HeartbeatType, json.RawMessage(hb)); err != nil {
			b.Fatal(err)
		}
	}
	load(b, url, hbs)
}

// BenchmarkBaselineFixedAckHTTP: the same load against a bare net/http
// handler that reads the body and returns a fixed ACK.
func BenchmarkBaselineFixedAckHTTP(b *testing.B) {
	ack, err := SignAck(envelope.NewEd25519Signer(testKey(50)), &Ack{InstanceRef: uuidN(1), Received: time.Now(), Status: AckQueued}, testHB)
	if err != nil {
		b.Fatal(err)
	}
	url, stop := serveBench(b, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, http.MaxBytesReader(w, r.Body, maxPacket))
		w.Header().Set("Content-Type", "application/json")
		w.Write(ack)
	}))
	defer stop()
	load(b, url, benchHeartbeats(b, max(b.N, loadClients), url))
}

// peakHeap samples the heap (bytes in live and not yet swept objects)
// while running f and returns the peak in MiB.
func peakHeap(f func()) float64 {
	runtime.GC()
	var peak atomic.Uint64
	done := make(chan struct{})
	go func() {
		// runtime/metrics reads without stopping the world.
		s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		for {
			metrics.Read(s)
			if v := s[0].Value.Uint64(); v > peak.Load() {
				peak.Store(v)
			}
			select {
			case <-done:
				return
			case <-time.After(5 * time.Millisecond):
			}
		}
	}()
	f()
	close(done)
	return float64(peak.Load()) / (1 << 20)
}

// liveGrowth runs f with the GC kept tight (GOGC=10) and returns, in MiB, the
// live heap before f and the largest growth of the live heap while f runs
// (as marked by each GC, so without the garbage the heap holds between
// collections): what f itself holds, whatever the process held before.
func liveGrowth(f func()) (before, growth float64) {
	defer debug.SetGCPercent(debug.SetGCPercent(10))
	read := func() uint64 {
		s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
		metrics.Read(s)
		return s[0].Value.Uint64()
	}
	runtime.GC()
	runtime.GC() // and what sync.Pools held
	base := read()
	var top atomic.Uint64
	done, stopped := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(stopped)
		for {
			top.Store(max(top.Load(), read()))
			select {
			case <-done:
				return
			case <-time.After(time.Millisecond):
			}
		}
	}()
	f()
	close(done)
	<-stopped
	return float64(base) / (1 << 20), float64(top.Load()-min(top.Load(), base)) / (1 << 20)
}

var benchLogs sync.Map // size -> *benchLog

// TestMain removes the benchmarks' registries (hundreds of MB each) when
// the run ends.
func TestMain(m *testing.M) {
	code := m.Run()
	benchLogs.Range(func(_, v any) bool {
		os.RemoveAll(v.(*benchLog).dir)
		return true
	})
	os.Exit(code)
}

type benchLog struct {
	dir    string
	bundle string // path of the full export
}

// benchRegistry returns the directory of a Local Registry holding n
// records (built once per size and process) and a bundle of all of them.
func benchRegistry(b *testing.B, n int) *benchLog {
	if v, ok := benchLogs.Load(n); ok {
		return v.(*benchLog)
	}
	dir, err := os.MkdirTemp("", "chp-bench-")
	if err != nil {
		b.Fatal(err)
	}
	clk := newClock(epoch)
	grDir := filepath.Join(dir, "gr")
	gr, err := OpenGlobalRegistry(grDir, testKey(100), WithGlobalClock(clk.Now))
	if err != nil {
		b.Fatal(err)
	}
	defer gr.Close()
	lr, err := OpenLocalRegistry(filepath.Join(dir, "lr"), testKey(50), WithRootKey(gr.PublicKey()), WithClock(clk.Now))
	if err != nil {
		b.Fatal(err)
	}
	defer lr.Close()
	rac, err := gr.Admit(lr.PublicKey(), 365*24*time.Hour)
	if err != nil {
		b.Fatal(err)
	}
	if err := lr.InstallAdmissionCert(rac); err != nil {
		b.Fatal(err)
	}
	// Records as the registry writes them, appended in batches (posting
	// 100,000 heartbeats over HTTP is what the load benchmark measures).
	hbs := benchHeartbeats(b, n, "https://accord.local/registry/heartbeat")
	batch := make([][]byte, 0, 1000)
	for i, hb := range hbs {
		a := Ack{InstanceRef: uuidN(i % 5000), Received: clk.Now(), Status: AckQueued}
		ackJSON, err := SignAck(lr.ident().signer, &a, hb)
		if err != nil {
			b.Fatal(err)
		}
		rec, err := Record{Heartbeat: hb, Ack: ackJSON}.MarshalBinary()
		if err != nil {
			b.Fatal(err)
		}
		batch = append(batch, rec)
		if len(batch) == cap(batch) || i == n-1 {
			if _, err := lr.log.AppendBatch(context.Background(), batch); err != nil {
				b.Fatal(err)
			}
			batch = batch[:0]
		}
	}
	bl := &benchLog{dir: dir, bundle: filepath.Join(dir, "bundle.tar")}
	f, err := os.Create(bl.bundle)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := lr.Export(context.Background(), f, ExportOptions{}); err != nil {
		b.Fatal(err)
	}
	f.Close()
	benchLogs.Store(n, bl)
	return bl
}

func openBenchLR(b *testing.B, bl *benchLog) *LocalRegistry {
	lr, err := OpenLocalRegistry(filepath.Join(bl.dir, "lr"), testKey(50), WithClock(newClock(epoch).Now))
	if err != nil {
		b.Fatal(err)
	}
	return lr
}

// BenchmarkExport writes a provenance bundle of the whole log to a file.
// peak-heap-MiB is the process's heap at its peak, which includes the
// registry's own indexes of its log and the garbage the GC lets pile up in
// proportion to them. One more export outside the timer measures the live
// heap (see liveGrowth): before-MiB before the export (mostly the registry's
// indexes), live-MiB its growth during the export, what the export holds.
func BenchmarkExport(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			bl := benchRegistry(b, n)
			lr := openBenchLR(b, bl)
			defer lr.Close()
			out := filepath.Join(b.TempDir(), "out.tar")
			export := func() {
				f, err := os.Create(out)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := lr.Export(context.Background(), f, ExportOptions{From: new(uint64)}); err != nil {
					b.Fatal(err)
				}
				f.Close()
			}
			var peak float64
			b.ResetTimer()
			for range b.N {
				peak = max(peak, peakHeap(export))
			}
			b.StopTimer()
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "heartbeats/s")
			b.ReportMetric(peak, "peak-heap-MiB")
			before, live := liveGrowth(export)
			b.ReportMetric(before, "before-MiB")
			b.ReportMetric(live, "live-MiB")
		})
	}
}

// BenchmarkBaselineBundleWrite writes the same members with the bundle
// package directly, from memory, in the same order and with the same
// options as Export. live-MiB is what the writer holds, over the records
// held for it (see BenchmarkExport).
func BenchmarkBaselineBundleWrite(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			bl := benchRegistry(b, n)
			lr := openBenchLR(b, bl)
			recs := make([]Record, n)
			for i := range recs {
				raw, err := lr.log.Record(uint64(i))
				if err != nil {
					b.Fatal(err)
				}
				if err := recs[i].UnmarshalBinary(raw); err != nil {
					b.Fatal(err)
				}
			}
			lr.Close()
			out := filepath.Join(b.TempDir(), "out.tar")
			write := func() {
				f, err := os.Create(out)
				if err != nil {
					b.Fatal(err)
				}
				w, err := bundle.NewWriter(f, envelope.NewEd25519Signer(testKey(50)), bundle.WithTempDir(b.TempDir()),
					bundle.WithSpoolMemory(exportSpoolMemory))
				if err != nil {
					b.Fatal(err)
				}
				var name []byte
				var body bytes.Reader
				for _, dir := range []string{ackDir, heartbeatDir} {
					for i, r := range recs {
						part := r.Heartbeat
						if dir == ackDir {
							part = r.Ack
						}
						name = appendRecordMember(name[:0], dir, uint64(i))
						body.Reset(part)
						if err := w.Add(string(name), &body); err != nil {
							b.Fatal(err)
						}
					}
				}
				if err := w.Close(); err != nil {
					b.Fatal(err)
				}
				f.Close()
			}
			b.ResetTimer()
			for range b.N {
				write()
			}
			b.StopTimer()
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "heartbeats/s")
			_, live := liveGrowth(write)
			b.ReportMetric(live, "live-MiB")
		})
	}
}

// BenchmarkImport imports the bundle into a fresh Global Registry. After
// the timed imports, one more runs with the collector kept tight (GOGC=10)
// so that the heap follows live memory: peak-heap-MiB is the heap's peak
// during it, ledger-MiB what the Global Registry holds afterwards that it
// did not before (the ledger keeps its index on disk, so this stays flat in
// n), and working-MiB the peak above what is held afterwards, the import's
// own memory.
func BenchmarkImport(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			bl := benchRegistry(b, n)
			importOnce := func(measure bool) (peak, ledger, working float64) {
				b.StopTimer()
				grDir := b.TempDir()
				copyState(b, filepath.Join(bl.dir, "gr", grStateFile), filepath.Join(grDir, grStateFile))
				clk := newClock(epoch)
				gr, err := OpenGlobalRegistry(grDir, testKey(100), WithGlobalClock(clk.Now))
				if err != nil {
					b.Fatal(err)
				}
				defer gr.Close()
				f, err := os.Open(bl.bundle)
				if err != nil {
					b.Fatal(err)
				}
				defer f.Close()
				run := func() {
					res, err := gr.Import(context.Background(), f)
					if err != nil {
						b.Fatal(err)
					}
					if res.Receipt.Accepted != n {
						b.Fatalf("accepted %d, want %d", res.Receipt.Accepted, n)
					}
				}
				if !measure {
					b.StartTimer()
					run()
					b.StopTimer()
					return
				}
				defer debug.SetGCPercent(debug.SetGCPercent(10))
				before := liveHeap()
				peak = peakHeap(run)
				after := liveHeap()
				return peak, after - before, peak - after
			}
			b.ResetTimer()
			for range b.N {
				importOnce(false)
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "heartbeats/s")
			peak, ledger, working := importOnce(true)
			b.ReportMetric(peak, "peak-heap-MiB")
			b.ReportMetric(ledger, "ledger-MiB")
			b.ReportMetric(working, "working-MiB")
		})
	}
}

// liveHeap returns the live heap in MiB, after a collection.
func liveHeap() float64 {
	runtime.GC()
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	return float64(s[0].Value.Uint64()) / (1 << 20)
}

// BenchmarkBaselineBundleVerify verifies the same bundle with the bundle
// package alone, reading every member.
func BenchmarkBaselineBundleVerify(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			bl := benchRegistry(b, n)
			pub := pubString(testKey(50))
			var peak float64
			b.ResetTimer()
			for range b.N {
				peak = max(peak, peakHeap(func() {
					f, err := os.Open(bl.bundle)
					if err != nil {
						b.Fatal(err)
					}
					if _, err := bundle.Verify(f, pub, func(string, io.Reader) error { return nil }); err != nil {
						b.Fatal(err)
					}
					f.Close()
				}))
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "heartbeats/s")
			b.ReportMetric(peak, "peak-heap-MiB")
		})
	}
}

// copyState gives a fresh Global Registry the admission of the benchmark's
// Local Registry (and nothing imported).
func copyState(b *testing.B, from, to string) {
	raw, err := os.ReadFile(from)
	if err != nil {
		b.Fatal(err)
	}
	var st grState
	if err := json.Unmarshal(raw, &st); err != nil {
		b.Fatal(err)
	}
	st.LedgerSize = 0
	for _, lr := range st.Registries {
		lr.Size, lr.Frontier, lr.Seen = 0, nil, nil
	}
	out, _ := json.Marshal(st)
	if err := os.WriteFile(to, out, 0o600); err != nil {
		b.Fatal(err)
	}
}
