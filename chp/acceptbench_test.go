package chp

import (
	"context"
	"sync/atomic"
	"testing"
)

// BenchmarkAccept: LocalRegistry.Accept of distinct plain heartbeats from
// 64 goroutines, without HTTP: the registry's own work per heartbeat
// (reading, checks, signed ACK, record, durable append).
func BenchmarkAccept(b *testing.B) {
	lr, err := OpenLocalRegistry(b.TempDir(), testKey(50), WithAllowUnsigned(true))
	if err != nil {
		b.Fatal(err)
	}
	defer lr.Close()
	bodies := benchHeartbeats(b, b.N+loadClients, "http://127.0.0.1:1/registry/heartbeat")
	var next atomic.Int64
	b.ReportAllocs()
	b.SetParallelism(loadClients / 2)
	b.ResetTimer()
	cpu0 := processCPU()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := lr.Accept(context.Background(), bodies[next.Add(1)-1]); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64((processCPU()-cpu0).Microseconds())/float64(b.N), "cpu-µs/heartbeat")
}
