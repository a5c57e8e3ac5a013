package storage

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/weirdb/weir/dataflow"
)

// BenchmarkCommitSyncAlways commits single-row batches under SyncAlways from 1, 16 and 256
// goroutines. rows/s against fsyncs/s shows how many commits share each fsync: with one
// goroutine every commit pays its own, with many they should ride together.
func BenchmarkCommitSyncAlways(b *testing.B) {
	for _, workers := range []int{1, 16, 256} {
		b.Run(fmt.Sprintf("goroutines=%d", workers), func(b *testing.B) {
			s := openBench(b)
			row := dataflow.Row{dataflow.Int(1), dataflow.String("a row of modest size, like most rows")}
			var next atomic.Int64
			before := s.Metrics()
			b.ResetTimer()
			start := time.Now()
			var wg sync.WaitGroup
			for w := 0; w < workers; w++ {
				wg.Go(func() {
					var batch Batch
					for {
						i := next.Add(1)
						if i > int64(b.N) {
							return
						}
						batch.Reset()
						batch.PutRow(1, fmt.Appendf(nil, "%012d", i), row)
						if err := s.Commit(&batch); err != nil {
							b.Error(err)
							return
						}
					}
				})
			}
			wg.Wait()
			elapsed := time.Since(start).Seconds()
			b.StopTimer()
			after := s.Metrics()
			fsyncs := float64(after.Fsyncs - before.Fsyncs)
			b.ReportMetric(float64(b.N)/elapsed, "rows/s")
			b.ReportMetric(fsyncs/elapsed, "fsyncs/s")
			b.ReportMetric(float64(b.N)/max(fsyncs, 1), "commits/fsync")
		})
	}
}

// BenchmarkCommitAsyncOneGoroutine is the engine's shape: one goroutine hands batches over
// with CommitAsync and other goroutines wait for durability.
func BenchmarkCommitAsyncOneGoroutine(b *testing.B) {
	s := openBench(b)
	row := dataflow.Row{dataflow.Int(1), dataflow.String("a row of modest size, like most rows")}
	waits := make(chan func() error, 1024)
	var wg sync.WaitGroup
	for range 64 {
		wg.Go(func() {
			for w := range waits {
				if err := w(); err != nil {
					b.Error(err)
				}
			}
		})
	}
	before := s.Metrics()
	b.ResetTimer()
	start := time.Now()
	var batch Batch
	for i := range b.N {
		batch.Reset()
		batch.PutRow(1, fmt.Appendf(nil, "%012d", i), row)
		wait, err := s.CommitAsync(&batch)
		if err != nil {
			b.Fatal(err)
		}
		waits <- wait
	}
	close(waits)
	wg.Wait()
	elapsed := time.Since(start).Seconds()
	b.StopTimer()
	fsyncs := float64(s.Metrics().Fsyncs - before.Fsyncs)
	b.ReportMetric(float64(b.N)/elapsed, "rows/s")
	b.ReportMetric(fsyncs/elapsed, "fsyncs/s")
	b.ReportMetric(float64(b.N)/max(fsyncs, 1), "commits/fsync")
}

// openBench opens a SyncAlways store without a test logger: pebble's log lines would be
// printed as benchmark output.
func openBench(b *testing.B) *Store {
	s, err := Open(Options{Dir: b.TempDir(), Sync: SyncAlways})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = s.Close() })
	return s
}
