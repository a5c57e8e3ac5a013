package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"runtime"
	"runtime/metrics"
	"runtime/pprof"
	"time"

	"github.com/weirdb/weir"
	"github.com/weirdb/weir/dataflow"
)

// SeedVotes inserts perArticle votes for each of articles articles, in batches, and returns
// the last write's token.
func SeedVotes(ctx context.Context, e *weir.Engine, articles, perArticle int) (weir.Token, error) {
	const batch = 1000
	stmt := InsertStatement("votes", 2, batch)
	args := make([]any, 0, 2*batch)
	var tok weir.Token
	user := 0
	flush := func(sql string) error {
		res, err := e.Exec(ctx, sql, args...)
		if err != nil {
			return err
		}
		tok, args = res.Token, args[:0]
		return nil
	}
	for a := 1; a <= articles; a++ {
		for range perArticle {
			user++
			args = append(args, a, user)
			if len(args) == 2*batch {
				if err := flush(stmt); err != nil {
					return 0, err
				}
			}
		}
	}
	if len(args) > 0 {
		if err := flush(InsertStatement("votes", 2, len(args)/2)); err != nil {
			return 0, err
		}
	}
	return tok, nil
}

// MemoryConfig describes a run of the memory-bound benchmark.
type MemoryConfig struct {
	Articles        int       // key space (0: 100,000)
	VotesPerArticle int       // votes per article (0: 2)
	Fractions       []float64 // memory limits as fractions of the state of every key (nil: 1%, 5%, 10%, 25%, 50%, 100%)
	Reads           int       // Zipf reads measured per limit (0: 20 × Articles)
	Zipf            float64   // exponent of the measured reads (0: 1.08)
	// Query is the form of the vote query measured: VoteQuery ("") or VoteQueryGrouped.
	Query string
	// HeapProfile, when set, is a path prefix: at each limit the heap profile of the peak
	// sample is written to PREFIX-<percent>-peak.pb.gz (current as of the full collection
	// that measured the peak) and the last sample's to PREFIX-<percent>-end.pb.gz, so the
	// allocation sites live at the peak and not after show what the peak held.
	HeapProfile string
	// CollectionAllocs, when set, is a path prefix: every allocation made while the full
	// collections that take the samples run is recorded (and none made at other times), and
	// at each limit the allocation profile so far is written to PREFIX-<percent>.pb.gz.
	// A collection counts what is allocated while it marks as live, so this profile names
	// what puts garbage on top of the measured peak (`go tool pprof -sample_index=alloc_space`;
	// `-diff_base` the previous limit's file for one limit alone). It profiles every
	// allocation during the collections and none otherwise, so it cannot be combined with
	// HeapProfile, which samples throughout.
	CollectionAllocs string
}

func (c *MemoryConfig) defaults() {
	if c.Articles <= 0 {
		c.Articles = 100_000
	}
	if c.VotesPerArticle <= 0 {
		c.VotesPerArticle = 2
	}
	if len(c.Fractions) == 0 {
		c.Fractions = []float64{0.01, 0.05, 0.10, 0.25, 0.50, 1.00}
	}
	if c.Reads <= 0 {
		c.Reads = 20 * c.Articles
	}
	if c.Zipf == 0 {
		c.Zipf = 1.08
	}
	if c.Query == "" {
		c.Query = VoteQuery
	}
}

// MemoryPoint is what one memory limit gave.
type MemoryPoint struct {
	Fraction float64
	Limit    int64 // bytes
	// HeapGrowth is the largest live Go heap seen (runtime/metrics, sampled after a full
	// collection 16 times per phase) minus the live heap before any key was read: the
	// memory the partial state took. During the sweep every key is read once, in order:
	// ten times more keys than fit at 10%.
	HeapGrowth int64
	// PeakInUse is the accounted memory (Engine.MemoryInUse) at the sample that measured
	// HeapGrowth: the live heap over the accounting at the peak is memory the limit does
	// not see.
	PeakInUse int64
	// PeakAllocated is what was allocated during the full collection that measured
	// HeapGrowth (by the engine's eviction rounds: the reads wait for it). A collection
	// counts what is allocated while it marks as live, so this much of the peak may be
	// garbage already.
	PeakAllocated int64
	InUse         int64 // accounted partial-state bytes at the end
	HitRate       float64
	Evictions     int64
	// Reads is the latency of every read at this limit (sweep, warm-up and measured):
	// its tail is the reads that waited for a fill, and behind it for eviction.
	Reads ReadLatency
}

// ReadLatency summarizes a run of reads' latencies.
type ReadLatency struct {
	P50, P99, P999, Max time.Duration
}

// latencyOf summarizes h, whose largest value was max.
func latencyOf(h *Histogram, max time.Duration) ReadLatency {
	return ReadLatency{P50: h.Quantile(0.5), P99: h.Quantile(0.99), P999: h.Quantile(0.999), Max: max}
}

// MemoryReport is the outcome of RunMemory.
type MemoryReport struct {
	Config MemoryConfig
	// FullBytes is the accounted size of the partial state with every key read; FullHeap
	// the live-heap growth it caused (their ratio shows how close the accounting is).
	FullBytes, FullHeap int64
	Points              []MemoryPoint
}

// RunMemory measures the vote view under memory limits that are fractions of the state of
// every key: at each, the live heap while every key is read once (a sweep that touches far
// more keys than fit), then the hit rate of Zipf reads.
func RunMemory(ctx context.Context, cfg MemoryConfig, progress io.Writer) (MemoryReport, error) {
	cfg.defaults()
	if cfg.CollectionAllocs != "" {
		if cfg.HeapProfile != "" {
			return MemoryReport{}, errors.New("memory benchmark: a heap profile and the profile of allocations during collections sample at different rates; ask for one")
		}
		// Nothing is recorded but what the collections' windows allow (profileCollection).
		defer func(rate int) { runtime.MemProfileRate = rate }(runtime.MemProfileRate)
		runtime.MemProfileRate = 0
	}
	if cfg.HeapProfile != "" {
		// One sample per 4 KiB allocated rather than 512: a limit of a few MiB then
		// shows more than a handful of sites.
		runtime.MemProfileRate = 4096
	}
	rep := MemoryReport{Config: cfg}
	full, heap, err := fullState(ctx, cfg)
	if err != nil {
		return rep, err
	}
	rep.FullBytes, rep.FullHeap = full, heap
	if progress != nil {
		fmt.Fprintf(progress, "every key: %.1f MiB accounted, %.1f MiB of live heap\n",
			float64(full)/(1<<20), float64(heap)/(1<<20))
	}
	for _, f := range cfg.Fractions {
		p, err := memoryPoint(ctx, cfg, f, int64(f*float64(full)))
		if err != nil {
			return rep, err
		}
		if progress != nil {
			fmt.Fprintf(progress, "limit %5.1f%%: heap growth %.2f× the limit (accounted %.2f×, allocated during its collection %.2f×), hit rate %.2f%%, reads p99 %v p99.9 %v max %v\n",
				f*100, float64(p.HeapGrowth)/float64(p.Limit), float64(p.PeakInUse)/float64(p.Limit), float64(p.PeakAllocated)/float64(p.Limit), p.HitRate*100, p.Reads.P99, p.Reads.P999, p.Reads.Max)
		}
		rep.Points = append(rep.Points, p)
	}
	return rep, nil
}

// liveHeap is the live heap as of the last GC.
func liveHeap() int64 {
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	return int64(s[0].Value.Uint64())
}

func loadVotes(ctx context.Context, cfg MemoryConfig, limit int64) (*weir.Engine, *weir.View, error) {
	e, err := weir.Open(weir.Options{MemoryLimit: limit})
	if err != nil {
		return nil, nil, err
	}
	v, _, err := SetupVoteQuery(ctx, e, cfg.Articles, cfg.Query)
	if err == nil {
		var tok weir.Token
		if tok, err = SeedVotes(ctx, e, cfg.Articles, cfg.VotesPerArticle); err == nil {
			err = e.WaitFor(ctx, tok)
		}
	}
	if err != nil {
		e.Close()
		return nil, nil, err
	}
	return e, v, nil
}

func fullState(ctx context.Context, cfg MemoryConfig) (int64, int64, error) {
	// A limit that never binds, so the evictor sizes its read-count sketch for every key
	// (part of the state a limit must hold) but evicts nothing.
	e, v, err := loadVotes(ctx, cfg, math.MaxInt64)
	if err != nil {
		return 0, 0, err
	}
	defer e.Close()
	runtime.GC()
	base := liveHeap()
	for a := 1; a <= cfg.Articles; a++ {
		if _, err := v.LookupValues(ctx, 0, dataflow.Int(int64(a))); err != nil {
			return 0, 0, err
		}
	}
	if _, err := e.Evict(ctx); err != nil {
		return 0, 0, err
	}
	runtime.GC()
	return e.MemoryInUse(), liveHeap() - base, nil
}

func memoryPoint(ctx context.Context, cfg MemoryConfig, fraction float64, limit int64) (MemoryPoint, error) {
	p := MemoryPoint{Fraction: fraction, Limit: limit}
	e, v, err := loadVotes(ctx, cfg, limit)
	if err != nil {
		return p, err
	}
	defer e.Close()
	// Two collections: objects with finalizers and pooled buffers from loading go only in
	// the second, and a base that still counted them would understate the growth.
	runtime.GC()
	runtime.GC()
	base := liveHeap()
	// A full collection before each sample: the live heap a concurrent cycle reports also
	// counts what was allocated while it marked, which under a stream of fills is garbage.
	var profileErr error
	observe := func() {
		allocated := allocatedBytes()
		profileCollection(cfg.CollectionAllocs != "", runtime.GC)
		allocated = allocatedBytes() - allocated
		growth := liveHeap() - base
		if growth <= p.HeapGrowth {
			return
		}
		p.HeapGrowth, p.PeakInUse, p.PeakAllocated = growth, e.MemoryInUse(), allocated
		if cfg.HeapProfile != "" && profileErr == nil {
			profileErr = writeHeapProfile(cfg.HeapProfile, fraction, "peak")
		}
	}
	var hist Histogram
	var slowest time.Duration
	lookup := func(key int) error {
		start := time.Now()
		_, err := v.LookupValues(ctx, 0, dataflow.Int(int64(key)))
		took := time.Since(start)
		hist.Record(took)
		slowest = max(slowest, took)
		return err
	}
	every := max(cfg.Articles/16, 1)
	for a := 1; a <= cfg.Articles; a++ {
		if err := lookup(a); err != nil {
			return p, err
		}
		if a%every == 0 {
			observe()
		}
	}
	every = max(cfg.Reads/16, 1)
	gen := NewKeyGen(cfg.Articles, cfg.Zipf, 42)
	read := func(n int) error {
		for i := range n {
			if err := lookup(gen.Next()); err != nil {
				return err
			}
			if i%every == every-1 {
				observe()
			}
		}
		return nil
	}
	if err := read(cfg.Reads / 4); err != nil { // warm up
		return p, err
	}
	before := v.Stats()
	if err := read(cfg.Reads); err != nil {
		return p, err
	}
	after := v.Stats()
	hits, misses := after.Hits-before.Hits, after.Misses-before.Misses
	if hits+misses > 0 {
		p.HitRate = float64(hits) / float64(hits+misses)
	}
	observe()
	if cfg.HeapProfile != "" && profileErr == nil {
		profileErr = writeHeapProfile(cfg.HeapProfile, fraction, "end")
	}
	if cfg.CollectionAllocs != "" && profileErr == nil {
		profileErr = writeCollectionAllocs(cfg.CollectionAllocs, fraction)
	}
	if profileErr != nil {
		return p, profileErr
	}
	p.InUse, p.Evictions = e.MemoryInUse(), after.Evictions
	p.Reads = latencyOf(&hist, slowest)
	return p, nil
}

// writeHeapProfile writes the heap profile as of the last full collection to
// prefix-<percent>-<what>.pb.gz.
func writeHeapProfile(prefix string, fraction float64, what string) error {
	f, err := os.Create(fmt.Sprintf("%s-%g-%s.pb.gz", prefix, fraction*100, what))
	if err != nil {
		return fmt.Errorf("heap profile: %w", err)
	}
	if err := pprof.Lookup("heap").WriteTo(f, 0); err != nil {
		f.Close()
		return fmt.Errorf("heap profile: %w", err)
	}
	return f.Close()
}

// profileCollection runs collect, recording every allocation made meanwhile when on.
func profileCollection(on bool, collect func()) {
	if !on {
		collect()
		return
	}
	runtime.MemProfileRate = 1
	collect()
	runtime.MemProfileRate = 0
}

// writeCollectionAllocs writes the allocation profile so far to prefix-<percent>.pb.gz. The
// runtime publishes allocations to the profile at the end of a collection that follows them,
// so two run first (with every allocation of theirs recorded too: there are few).
func writeCollectionAllocs(prefix string, fraction float64) error {
	profileCollection(true, func() { runtime.GC(); runtime.GC() })
	f, err := os.Create(fmt.Sprintf("%s-%g.pb.gz", prefix, fraction*100))
	if err != nil {
		return fmt.Errorf("allocation profile: %w", err)
	}
	// Written at rate 1, so the records are not scaled up as samples would be.
	runtime.MemProfileRate = 1
	err = pprof.Lookup("allocs").WriteTo(f, 0)
	runtime.MemProfileRate = 0
	if err != nil {
		f.Close()
		return fmt.Errorf("allocation profile: %w", err)
	}
	return f.Close()
}

// Print writes the curve as a table.
func (r MemoryReport) Print(w io.Writer) {
	fmt.Fprintf(w, "vote view, %d articles, %d votes each; Zipf %.2f reads; every key: %.1f MiB accounted, %.1f MiB live heap\n",
		r.Config.Articles, r.Config.VotesPerArticle, r.Config.Zipf, float64(r.FullBytes)/(1<<20), float64(r.FullHeap)/(1<<20))
	fmt.Fprintf(w, "%8s %10s %14s %12s %10s %10s %10s %10s %10s\n", "limit", "MiB", "heap growth", "÷ limit", "hit rate", "evictions",
		"read p99", "p99.9", "max")
	for _, p := range r.Points {
		fmt.Fprintf(w, "%7.0f%% %10.2f %13.2fM %11.2f× %9.2f%% %10d %10s %10s %10s\n", p.Fraction*100, float64(p.Limit)/(1<<20),
			float64(p.HeapGrowth)/(1<<20), float64(p.HeapGrowth)/float64(p.Limit), p.HitRate*100, p.Evictions,
			roundLatency(p.Reads.P99), roundLatency(p.Reads.P999), roundLatency(p.Reads.Max))
	}
}

// roundLatency keeps three significant digits or so of a latency for a table.
func roundLatency(d time.Duration) string {
	switch {
	case d >= time.Second:
		return d.Round(10 * time.Millisecond).String()
	case d >= time.Millisecond:
		return d.Round(10 * time.Microsecond).String()
	case d >= time.Microsecond:
		return d.Round(10 * time.Nanosecond).String()
	}
	return d.String()
}

// allocatedBytes is the bytes allocated on the heap since the process started.
func allocatedBytes() int64 {
	s := []metrics.Sample{{Name: "/gc/heap/allocs:bytes"}}
	metrics.Read(s)
	return int64(s[0].Value.Uint64())
}
