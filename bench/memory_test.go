package bench

import (
	"compress/gzip"
	"context"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// TestRunMemorySmall runs the memory benchmark on a small key space, for both forms of the
// vote query: with the limit at the state of every key nothing is evicted and every measured
// read hits; at a tenth of it keys are evicted, reads miss, and the accounted state stays
// near the limit. The grouped form (GROUP BY a.id, a.title) must be as partial as the
// derived-table form: a full reader would evict nothing and ignore the limit.
func TestRunMemorySmall(t *testing.T) {
	for name, query := range map[string]string{"derived": VoteQuery, "grouped": VoteQueryGrouped} {
		t.Run(name, func(t *testing.T) {
			rep, err := RunMemory(context.Background(), MemoryConfig{Articles: 3000, Reads: 20000, Fractions: []float64{0.1, 1}, Query: query}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if rep.FullBytes <= 0 || len(rep.Points) != 2 {
				t.Fatalf("report: %+v", rep)
			}
			low, full := rep.Points[0], rep.Points[1]
			if full.HitRate != 1 || full.Evictions != 0 {
				t.Errorf("at the full state's size: hit rate %.3f, %d evictions; want 1 and 0", full.HitRate, full.Evictions)
			}
			if low.Evictions == 0 || low.HitRate >= 1 || low.HitRate <= 0 {
				t.Errorf("at 10%%: hit rate %.3f, %d evictions", low.HitRate, low.Evictions)
			}
			if r := low.Reads; r.P50 <= 0 || r.P50 > r.P99 || r.P99 > r.P999 || r.Max <= 0 {
				t.Errorf("at 10%%: read latencies %+v", r)
			}
			if low.InUse > 2*low.Limit {
				t.Errorf("at 10%%: %d bytes held against a limit of %d", low.InUse, low.Limit)
			}
		})
	}
}

// TestRunMemoryCollectionAllocs: --collection-allocs writes, per limit, a profile of what
// was allocated while the sample collections ran, and leaves the profiling rate as it was;
// it refuses to run beside a heap profile, whose sampling it would distort.
func TestRunMemoryCollectionAllocs(t *testing.T) {
	prefix := filepath.Join(t.TempDir(), "during")
	rate := runtime.MemProfileRate
	cfg := MemoryConfig{Articles: 2000, Reads: 10000, Fractions: []float64{0.1}, CollectionAllocs: prefix}
	if _, err := RunMemory(context.Background(), cfg, nil); err != nil {
		t.Fatal(err)
	}
	if runtime.MemProfileRate != rate {
		t.Errorf("profiling rate %d after the run, want %d", runtime.MemProfileRate, rate)
	}
	f, err := os.Open(prefix + "-10.pb.gz")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	z, err := gzip.NewReader(f)
	if err != nil {
		t.Fatalf("profile is not gzip: %v", err)
	}
	if n, err := io.Copy(io.Discard, z); err != nil || n == 0 {
		t.Fatalf("profile: %d bytes, %v", n, err)
	}
	cfg.HeapProfile = prefix
	if _, err := RunMemory(context.Background(), cfg, nil); err == nil {
		t.Fatal("a heap profile beside the collections' allocations was accepted")
	}
}
