package weir_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/weirdb/weir"
	"github.com/weirdb/weir/bench"
	"github.com/weirdb/weir/dataflow"
)

func setupVotes(b *testing.B, articles, votesPerArticle int) (*weir.Engine, *weir.View) {
	b.Helper()
	e, v := setupVotesCold(b, articles, votesPerArticle)
	ctx := context.Background()
	// Read every article once: the view is partial, and these benchmarks measure reads of
	// materialized keys and writes that reach them.
	for a := 1; a <= articles; a++ {
		if _, err := v.LookupValues(ctx, 0, dataflow.Int(int64(a))); err != nil {
			b.Fatal(err)
		}
	}
	return e, v
}

// setupVotesCold loads the vote workload and waits until the writes are applied; no key of
// the view has been read.
func setupVotesCold(b *testing.B, articles, votesPerArticle int) (*weir.Engine, *weir.View) {
	b.Helper()
	ctx := context.Background()
	e, err := weir.Open(weir.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { e.Close() })
	v, _, err := bench.SetupVote(ctx, e, articles)
	if err != nil {
		b.Fatal(err)
	}
	tok, err := bench.SeedVotes(ctx, e, articles, votesPerArticle)
	if err != nil {
		b.Fatal(err)
	}
	if err := e.WaitFor(ctx, tok); err != nil {
		b.Fatal(err)
	}
	return e, v
}

// BenchmarkLookupHit reads materialized keys of the vote view in process, with keys drawn
// uniformly (every read a likely cache miss) and from Zipf 1.08 (the vote workload's skew).
// The p50-ns and p99-ns metrics are percentiles of individually timed lookups; clock-ns is
// the median cost of reading the clock twice, which those include.
func BenchmarkLookupHit(b *testing.B) {
	const articles = 100_000
	_, v := setupVotes(b, articles, 2)
	for _, dist := range []struct {
		name string
		zipf float64
	}{{"uniform", 0}, {"zipf", 1.08}} {
		b.Run(dist.name, func(b *testing.B) {
			ctx := context.Background()
			keys := make([]weir.Value, 1<<16)
			gen := bench.NewKeyGen(articles, dist.zipf, 1)
			for i := range keys {
				keys[i] = dataflow.Int(int64(gen.Next()))
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				rows, err := v.LookupValues(ctx, 0, keys[i&(len(keys)-1)])
				if err != nil || rows.Len() != 1 {
					b.Fatalf("lookup: %v, %d rows", err, rows.Len())
				}
			}
			b.StopTimer()
			const samples = 200_000
			lat := make([]time.Duration, 0, samples)
			clock := make([]time.Duration, 0, samples)
			for i := 0; i < samples; i++ {
				t0 := time.Now()
				v.LookupValues(ctx, 0, keys[i&(len(keys)-1)])
				lat = append(lat, time.Since(t0))
				t0 = time.Now()
				clock = append(clock, time.Since(t0))
			}
			slices.Sort(lat)
			slices.Sort(clock)
			b.ReportMetric(float64(lat[len(lat)/2].Nanoseconds()), "p50-ns")
			b.ReportMetric(float64(lat[len(lat)*99/100].Nanoseconds()), "p99-ns")
			b.ReportMetric(float64(clock[len(clock)/2].Nanoseconds()), "clock-ns")
		})
	}
}

// BenchmarkVoteWrite measures write propagation for the vote workload: each op is one vote,
// inserted in batches of 1000 by concurrent writers, through COUNT per article, the join with
// the article and the reader. The clock stops once every vote is visible in the view.
func BenchmarkVoteWrite(b *testing.B) {
	const articles = 100_000
	e, _ := setupVotes(b, articles, 0)
	ctx := context.Background()
	const batch = 1000
	stmt := bench.InsertStatement("votes", 2, batch)
	writers := 4
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := processCPU()
	start := time.Now()
	per := (b.N + writers - 1) / writers
	toks := make(chan weir.Token, writers)
	for w := 0; w < writers; w++ {
		go func(w int) {
			gen := bench.NewKeyGen(articles, 1.08, uint64(w+1))
			args := make([]any, 0, 2*batch)
			var tok weir.Token
			for i := 0; i < per; i++ {
				args = append(args, gen.Next(), w*per+i)
				if len(args) == 2*batch || i == per-1 {
					sql := stmt
					if len(args) < 2*batch {
						sql = bench.InsertStatement("votes", 2, len(args)/2)
					}
					res, err := e.Exec(ctx, sql, args...)
					if err != nil {
						panic(err)
					}
					tok, args = max(tok, res.Token), args[:0]
				}
			}
			toks <- tok
		}(w)
	}
	var last weir.Token
	for w := 0; w < writers; w++ {
		last = max(last, <-toks)
	}
	if err := e.WaitFor(ctx, last); err != nil {
		b.Fatal(err)
	}
	elapsed := time.Since(start)
	b.ReportMetric(float64(per*writers)/elapsed.Seconds(), "votes/s")
	// CPU time per vote is steadier than wall time on a shared machine.
	b.ReportMetric(float64((processCPU()-cpu0).Nanoseconds())/float64(per*writers), "cpu-ns/vote")
}

// BenchmarkVoteMiss reads articles of the vote view that nobody read before (10 votes per
// article): each read sends a piece to each base table (the article by primary key, its
// votes by the article_id index), which fill the partial COUNT and join on their way.
func BenchmarkVoteMiss(b *testing.B) {
	const articles = 20_000
	e, _ := setupVotesCold(b, articles, 10)
	ctx := context.Background()
	// The view below is the only one over its reader, so re-registering it starts cold.
	if err := e.Unregister(ctx, "article_votes"); err != nil {
		b.Fatal(err)
	}
	var v *weir.View
	var err error
	key := articles
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if key == articles {
			b.StopTimer()
			if v != nil {
				if err := e.Unregister(ctx, "cold_votes"); err != nil {
					b.Fatal(err)
				}
			}
			if v, err = e.Register(ctx, "cold_votes", bench.VoteQuery); err != nil {
				b.Fatal(err)
			}
			key = 0
			b.StartTimer()
		}
		key++
		rows, err := v.LookupValues(ctx, 0, dataflow.Int(int64(key)))
		if err != nil || rows.Len() != 1 || rows.Row(0)[2].RawInt() != 10 {
			b.Fatalf("lookup %d: %v, %d rows", key, err, rows.Len())
		}
	}
}

// BenchmarkLookupMiss reads keys of a partial view that nobody read before: each read is a
// cold miss, filled by an upquery to the base table (by primary key) whose rows travel to
// the reader on the update edges.
func BenchmarkLookupMiss(b *testing.B) {
	const articles = 100_000
	ctx := context.Background()
	e, err := weir.Open(weir.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { e.Close() })
	if _, tok, err := bench.SetupVote(ctx, e, articles); err != nil {
		b.Fatal(err)
	} else if err := e.WaitFor(ctx, tok); err != nil {
		b.Fatal(err)
	}
	const query = "SELECT id, title FROM articles WHERE id = ?"
	v, err := e.Register(ctx, "title", query)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	key := 0
	for i := 0; i < b.N; i++ {
		if key == articles {
			// Every key is filled: start over with a view whose keys are all holes.
			b.StopTimer()
			if err := e.Unregister(ctx, "title"); err != nil {
				b.Fatal(err)
			}
			if v, err = e.Register(ctx, "title", query); err != nil {
				b.Fatal(err)
			}
			key = 0
			b.StartTimer()
		}
		key++
		rows, err := v.LookupValues(ctx, 0, dataflow.Int(int64(key)))
		if err != nil || rows.Len() != 1 {
			b.Fatalf("lookup %d: %v, %d rows", key, err, rows.Len())
		}
	}
	b.StopTimer()
	if st := v.Stats(); st.Misses == 0 {
		b.Fatal("no lookup missed: the view is not partial")
	}
}

// BenchmarkTextQueryInDatabase reads a cached shape by its SQL text, as a connection that
// sends text does, in the default database and in another: the statement cache's key must
// cost no allocation in either.
func BenchmarkTextQueryInDatabase(b *testing.B) {
	e, err := weir.Open(weir.Options{MemoryLimit: -1})
	if err != nil {
		b.Fatal(err)
	}
	defer e.Close()
	ctx := context.Background()
	if _, err := e.Exec(ctx, "CREATE DATABASE shop"); err != nil {
		b.Fatal(err)
	}
	for _, db := range []string{weir.DatabaseName, "shop"} {
		in := weir.WithDatabase(ctx, db)
		for _, sql := range []string{"CREATE TABLE t (id INT PRIMARY KEY, v INT)", "INSERT INTO t VALUES (1, 2)"} {
			if _, err := e.Exec(in, sql); err != nil {
				b.Fatal(err)
			}
		}
		b.Run(db, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := e.Query(in, "SELECT v FROM t WHERE id = ?", 1); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
