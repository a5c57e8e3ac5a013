package bench

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/weirdb/weir"
)

// VoteConfig describes one in-process run of the vote workload.
type VoteConfig struct {
	Articles  int           // number of articles (0: 100,000)
	ReadShare float64       // fraction of operations that are reads, in [0, 1] (weir bench: 0.95)
	Zipf      float64       // key distribution exponent; ≤ 1 means uniform (weir bench: 1.08)
	Clients   int           // concurrent clients (default 2 × GOMAXPROCS)
	Duration  time.Duration // how long to run (default 10s)
	// Ops, when positive, ends the run after that many operations in all instead (Duration
	// then only bounds it).
	Ops     int64
	Domains int // engine domains (0: engine default)
	// MemoryLimit bounds partial state (weir.Options.MemoryLimit: 0 is the engine's
	// default, a quarter of RAM; -1 none).
	MemoryLimit int64
	// VotesPerArticle are inserted before the run (0: none).
	VotesPerArticle int
}

func (c *VoteConfig) defaults() {
	if c.Articles <= 0 {
		c.Articles = 100_000
	}
	c.ReadShare = min(max(c.ReadShare, 0), 1)
	if c.Clients <= 0 {
		c.Clients = 2 * runtime.GOMAXPROCS(0)
	}
	if c.Duration <= 0 {
		c.Duration = 10 * time.Second
	}
}

// VoteReport is what a run measured.
type VoteReport struct {
	Config                 VoteConfig
	Reads, Writes          int64
	Elapsed                time.Duration
	ReadsPerSec            float64
	WritesPerSec           float64
	ReadP50, ReadP90       time.Duration
	ReadP99, ReadP999      time.Duration
	WriteP50, WriteP90     time.Duration
	WriteP99, WriteP999    time.Duration
	HeapBytes              uint64
	Goroutines, GOMAXPROCS int
	// The view's counters over the run: the share of reads served from the reader, the
	// fills and their mean latency, the keys evicted; and the partial state held at the end.
	HitRate     float64
	Upqueries   int64
	FillLatency time.Duration
	Evictions   int64
	MemoryInUse int64
	MemoryLimit int64
}

// RunVote prepares an engine with the vote workload and drives it with concurrent clients
// for the configured duration. Progress lines go to progress when it is not nil.
func RunVote(ctx context.Context, cfg VoteConfig, progress io.Writer) (VoteReport, error) {
	cfg.defaults()
	e, err := weir.Open(weir.Options{Domains: cfg.Domains, MemoryLimit: cfg.MemoryLimit})
	if err != nil {
		return VoteReport{}, err
	}
	defer e.Close()
	if progress != nil {
		fmt.Fprintf(progress, "loading %d articles...\n", cfg.Articles)
	}
	v, tok, err := SetupVote(ctx, e, cfg.Articles)
	if err != nil {
		return VoteReport{}, err
	}
	if cfg.VotesPerArticle > 0 {
		if progress != nil {
			fmt.Fprintf(progress, "inserting %d votes per article...\n", cfg.VotesPerArticle)
		}
		if tok, err = SeedVotes(ctx, e, cfg.Articles, cfg.VotesPerArticle); err != nil {
			return VoteReport{}, err
		}
	}
	if err := e.WaitFor(ctx, tok); err != nil {
		return VoteReport{}, err
	}
	before := v.Stats()
	if progress != nil {
		fmt.Fprintf(progress, "running %d clients for %s (%.0f%% reads, %s)...\n",
			cfg.Clients, cfg.Duration, cfg.ReadShare*100, distribution(cfg.Zipf))
	}
	insert, err := e.Prepare("INSERT INTO votes VALUES (?, ?)")
	if err != nil {
		return VoteReport{}, err
	}
	run, err := driveVote(ctx, &weirVote{e: e, v: v, insert: insert}, cfg, cfg.Duration, 0, 1, 0)
	if err != nil {
		return VoteReport{}, err
	}
	reads, writes, elapsed := &run.reads, &run.writes, run.elapsed
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	rep := VoteReport{Config: cfg, Reads: int64(reads.Count()), Writes: int64(writes.Count()), Elapsed: elapsed,
		ReadsPerSec: float64(reads.Count()) / elapsed.Seconds(), WritesPerSec: float64(writes.Count()) / elapsed.Seconds(),
		HeapBytes: ms.HeapAlloc, Goroutines: runtime.NumGoroutine(), GOMAXPROCS: runtime.GOMAXPROCS(0)}
	after := v.Stats()
	if n := (after.Hits - before.Hits) + (after.Misses - before.Misses); n > 0 {
		rep.HitRate = float64(after.Hits-before.Hits) / float64(n)
	}
	rep.Upqueries, rep.FillLatency = after.Upqueries-before.Upqueries, after.FillLatency
	rep.Evictions = after.Evictions - before.Evictions
	rep.MemoryInUse, rep.MemoryLimit = e.MemoryInUse(), e.Options().MemoryLimit
	rep.ReadP50, rep.ReadP90, rep.ReadP99, rep.ReadP999 = percentiles(reads)
	rep.WriteP50, rep.WriteP90, rep.WriteP99, rep.WriteP999 = percentiles(writes)
	return rep, nil
}

func percentiles(h *Histogram) (p50, p90, p99, p999 time.Duration) {
	return h.Quantile(0.50), h.Quantile(0.90), h.Quantile(0.99), h.Quantile(0.999)
}

// Print writes a readable table of the report.
func (r VoteReport) Print(w io.Writer) {
	fmt.Fprintf(w, "vote workload: %d articles, %.0f%% reads, %s, %d clients, %s, GOMAXPROCS %d\n",
		r.Config.Articles, r.Config.ReadShare*100, distribution(r.Config.Zipf), r.Config.Clients, r.Elapsed.Round(time.Millisecond), r.GOMAXPROCS)
	fmt.Fprintf(w, "%-7s %12s %10s %10s %10s %10s\n", "op", "ops/s", "p50", "p90", "p99", "p99.9")
	fmt.Fprintf(w, "%-7s %12.0f %10s %10s %10s %10s\n", "read", r.ReadsPerSec, r.ReadP50, r.ReadP90, r.ReadP99, r.ReadP999)
	fmt.Fprintf(w, "%-7s %12.0f %10s %10s %10s %10s\n", "write", r.WritesPerSec, r.WriteP50, r.WriteP90, r.WriteP99, r.WriteP999)
	fmt.Fprintf(w, "heap in use: %.1f MiB\n", float64(r.HeapBytes)/(1<<20))
	limit := "none"
	if r.MemoryLimit > 0 {
		limit = fmt.Sprintf("%.1f MiB", float64(r.MemoryLimit)/(1<<20))
	}
	fmt.Fprintf(w, "partial state: %.1f MiB (limit %s); hit rate %.2f%%; %d fills (mean %s); %d keys evicted\n",
		float64(r.MemoryInUse)/(1<<20), limit, r.HitRate*100, r.Upqueries, r.FillLatency, r.Evictions)
}

// clients lets concurrent benchmark clients stop together at the first error.
type clients struct {
	stop  atomic.Bool
	mu    sync.Mutex
	first error
}

// fail records err (the first one wins) and stops every client.
func (c *clients) fail(err error) {
	c.mu.Lock()
	if c.first == nil {
		c.first = err
	}
	c.mu.Unlock()
	c.stop.Store(true)
}

func (c *clients) stopped() bool { return c.stop.Load() }

func (c *clients) err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.first
}
