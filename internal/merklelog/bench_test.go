package merklelog

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/accordsdk/accord/internal/durable"
)

// benchRecord is a record of a typical size for audit entries.
var benchRecord = []byte(`{"type":"chp/heartbeat","site":"site-0042","seq":123456,"digest":"blake3:00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"}`)

const appenders = 64

// runAppenders calls appendOne b.N times from 64 goroutines and reports
// records per second.
func runAppenders(b *testing.B, appendOne func() error) {
	var next atomic.Int64
	var wg sync.WaitGroup
	b.ResetTimer()
	for range appenders {
		wg.Go(func() {
			for next.Add(1) <= int64(b.N) {
				if err := appendOne(); err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "records/s")
}

// BenchmarkLogAppend64 appends to a Log from 64 goroutines; every Append
// returns only after its record is fsynced.
func BenchmarkLogAppend64(b *testing.B) {
	l := openLog(b, b.TempDir())
	ctx := context.Background()
	runAppenders(b, func() error {
		_, err := l.Append(ctx, benchRecord)
		return err
	})
	st := l.s.(*FileStorage).records.Stats()
	b.ReportMetric(float64(st.Records)/float64(st.Syncs), "records/fsync")
}

// BenchmarkLogAppendBatch1024 appends batches of 1024 records from one
// goroutine, waiting for each, as a Global Registry's import does.
func BenchmarkLogAppendBatch1024(b *testing.B) {
	l := openLog(b, b.TempDir())
	ctx := context.Background()
	batch := make([][]byte, 1024)
	for i := range batch {
		batch[i] = fmt.Appendf(nil, "%s %d", benchRecord, i)
	}
	b.ResetTimer()
	for range b.N {
		if _, err := l.AppendBatch(ctx, batch); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N*len(batch))/b.Elapsed().Seconds(), "records/s")
}

// BenchmarkDurableAppend64 is the same load on the durable file alone.
func BenchmarkDurableAppend64(b *testing.B) {
	f, err := durable.Open(filepath.Join(b.TempDir(), "records"), durable.Options{})
	require.NoError(b, err)
	defer f.Close()
	ctx := context.Background()
	runAppenders(b, func() error {
		_, err := f.Append(ctx, benchRecord)
		return err
	})
	st := f.Stats()
	b.ReportMetric(float64(st.Records)/float64(st.Syncs), "records/fsync")
}

// BenchmarkBaselineWriteFsync is the primitive: one write and one fsync per
// record, what each append would cost without group commit.
func BenchmarkBaselineWriteFsync(b *testing.B) {
	f, err := os.Create(filepath.Join(b.TempDir(), "raw"))
	require.NoError(b, err)
	defer f.Close()
	b.ResetTimer()
	for range b.N {
		if _, err := f.Write(benchRecord); err != nil {
			b.Fatal(err)
		}
		if err := f.Sync(); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "records/s")
	b.ReportMetric(1, "records/fsync")
}

const millionRecords = 1_000_000

var million struct {
	once sync.Once
	dir  string
	err  error
}

// millionLog builds, once per test process, a log of a million records.
func millionLog(b *testing.B) string {
	million.once.Do(func() {
		million.dir, million.err = os.MkdirTemp("", "merklelog-bench-")
		if million.err != nil {
			return
		}
		l, err := Open(million.dir, testOptions(b))
		if err != nil {
			million.err = err
			return
		}
		const batch = 5000
		recs := make([][]byte, batch)
		for first := 0; first < millionRecords && err == nil; first += batch {
			for i := range recs {
				recs[i] = fmt.Appendf(nil, "%s %d", benchRecord, first+i)
			}
			_, err = l.AppendBatch(context.Background(), recs)
		}
		if err == nil {
			_, err = l.Checkpoint(context.Background())
		}
		million.err = errors.Join(err, l.Close())
	})
	require.NoError(b, million.err)
	return million.dir
}

// BenchmarkOpen1M opens (recovers, loads hashes, checks the stored
// checkpoint) and closes a log of a million records.
func BenchmarkOpen1M(b *testing.B) {
	dir := millionLog(b)
	b.ResetTimer()
	for range b.N {
		l, err := Open(dir, testOptions(b))
		require.NoError(b, err)
		require.Equal(b, uint64(millionRecords), l.Size())
		require.NoError(b, l.Close())
	}
}

// BenchmarkBaselineReadIndexFile reads the million-record log's index file
// into memory and nothing else.
func BenchmarkBaselineReadIndexFile(b *testing.B) {
	dir := millionLog(b)
	b.ResetTimer()
	for range b.N {
		data, err := os.ReadFile(filepath.Join(dir, indexFile))
		require.NoError(b, err)
		b.SetBytes(int64(len(data)))
	}
}

// BenchmarkInclusionProof1M proves a random record of the million-record log
// in the tree of all of them, and reads the record.
func BenchmarkInclusionProof1M(b *testing.B) {
	l := openLog(b, millionLog(b))
	rng := rand.New(rand.NewPCG(1, 2))
	b.ResetTimer()
	for range b.N {
		i := rng.Uint64N(millionRecords)
		if _, err := l.InclusionProof(i, millionRecords); err != nil {
			b.Fatal(err)
		}
		if _, err := l.Record(i); err != nil {
			b.Fatal(err)
		}
	}
}
