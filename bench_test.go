package weir_test

import (
	"context"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/weirdb/weir"
	"github.com/weirdb/weir/bench"
	"github.com/weirdb/weir/dataflow"
)

func setupVotes(b *testing.B, articles, votesPerArticle int) (*weir.Engine, *weir.View) {
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
	const batch = 1000
	stmt := bench.InsertStatement("votes", 2, batch)
	args := make([]any, 0, 2*batch)
	var tok weir.Token
	user := 0
	for a := 1; a <= articles; a++ {
		for k := 0; k < votesPerArticle; k++ {
			user++
			args = append(args, a, user)
			if len(args) == 2*batch {
				res, err := e.Exec(ctx, stmt, args...)
				if err != nil {
					b.Fatal(err)
				}
				tok, args = res.Token, args[:0]
			}
		}
	}
	if len(args) > 0 {
		res, err := e.Exec(ctx, bench.InsertStatement("votes", 2, len(args)/2), args...)
		if err != nil {
			b.Fatal(err)
		}
		tok = res.Token
	}
	if err := e.WaitFor(ctx, tok); err != nil {
		b.Fatal(err)
	}
	return e, v
}

// BenchmarkLookupHit reads materialized keys of the vote view in process. The p50-ns metric
// is the median of individually timed lookups (it includes the cost of reading the clock).
func BenchmarkLookupHit(b *testing.B) {
	const articles = 100_000
	_, v := setupVotes(b, articles, 2)
	ctx := context.Background()
	keys := make([]weir.Value, 1<<16)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range keys {
		keys[i] = dataflow.Int(int64(rng.IntN(articles) + 1))
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
	samples := make([]time.Duration, 0, 100_000)
	for i := 0; i < cap(samples); i++ {
		t0 := time.Now()
		v.LookupValues(ctx, 0, keys[i&(len(keys)-1)])
		samples = append(samples, time.Since(t0))
	}
	slices.Sort(samples)
	b.ReportMetric(float64(samples[len(samples)/2].Nanoseconds()), "p50-ns")
	b.ReportMetric(float64(samples[len(samples)*99/100].Nanoseconds()), "p99-ns")
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
}
